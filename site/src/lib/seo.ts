/**
 * What search engines read (docs/site.md "`/robots.txt` and a sitemap of every page"): canonical
 * links, robots.txt, and which built pages the sitemap lists. Pure: the origin is passed in.
 */

/** Where @astrojs/sitemap writes the sitemap index (its default file name base, "sitemap"). */
export const SITEMAP_INDEX_PATH = "/sitemap-index.xml";

/**
 * A page's canonical URL: the site's origin and the page's path, joined as text (not resolved as
 * a URL), so the shell's path marker survives the build where the Worker looks for it.
 */
export function canonicalUrl(site: URL | undefined, path: string): string {
  if (site === undefined) throw new Error("astro.config.mjs must set `site`: canonical links are absolute");
  return `${site.origin}${path}`;
}

/**
 * robots.txt: everything crawlable but the API and the proxy (every answer there is a D1 read or
 * a credit, and none is a page) and the page shells, with the sitemap index by its absolute URL
 * (RFC 9309 §2.2.4 leaves `Sitemap:` to the sitemaps protocol, which asks for an absolute URL).
 */
export function robotsTxt(site: URL | undefined): string {
  return [
    "User-agent: *",
    "Disallow: /api/",
    "Disallow: /v1/",
    "Disallow: /shell/",
    // Result pages are endless (any query): the sound pages they lead to are in the sitemaps.
    "Disallow: /search",
    "",
    `Sitemap: ${canonicalUrl(site, SITEMAP_INDEX_PATH)}`,
    "",
  ].join("\n");
}

// A region's or the global chart's latest page: its canonical is that week's page, listed instead.
const LATEST_PAGE = /^\/charts\/(?:[A-Z]{2}|global)\/$/;

/**
 * Whether a built page belongs in the sitemap: pages only (not feeds or robots.txt), each under
 * its canonical URL once — not the page shells the Worker fills, not a latest page that is also
 * its week's page. (@astrojs/sitemap leaves out the 404 page itself.)
 */
export function inSitemap(url: string): boolean {
  const path = new URL(url).pathname;
  return path.endsWith("/") && !path.startsWith("/shell/") && !LATEST_PAGE.test(path);
}
