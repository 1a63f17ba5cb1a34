/**
 * Upstream URLs are untrusted (docs/site.md "Public pages and files"): a page links only https URLs
 * on TikTok's own hosts and shows covers only from TikTok's image CDNs. Anything else — another
 * scheme (`javascript:`, `data:`, `http:`), another host, credentials or an explicit port — is
 * dropped, and the page shows its fallback instead. Shared by the Worker's pages and the site's
 * (site/src/lib/safe-url.ts remembers answers for the length of a build).
 *
 * Cover hosts, decided from the hosts TikTok serves covers and avatars from:
 * `*.tiktokcdn.com` (worldwide, e.g. `p16-sg.tiktokcdn.com`), `*.tiktokcdn-us.com` (US data),
 * `*.tiktokcdn-eu.com` (EU data) and `*.ibyteimg.com` (ByteDance's image CDN, which TikTok uses
 * for some covers). Only subdomains match: these names are CDN shards, never a bare apex, and the
 * Content-Security-Policy in site/public/_headers allows exactly the same `https://*.<suffix>` set.
 */

export const TIKTOK_LINK_HOSTS: ReadonlySet<string> = new Set([
  "www.tiktok.com",
  "tiktok.com",
  "m.tiktok.com",
  "vm.tiktok.com",
  "vt.tiktok.com",
]);

export const TIKTOK_COVER_HOST_SUFFIXES: readonly string[] = [
  "tiktokcdn.com",
  "tiktokcdn-us.com",
  "tiktokcdn-eu.com",
  "ibyteimg.com",
];

/** An https URL with no credentials and the default port, parsed by the WHATWG URL parser. */
function httpsUrl(raw: string): URL | null {
  if (!URL.canParse(raw)) return null;
  const url = new URL(raw);
  if (url.protocol !== "https:" || url.username !== "" || url.password !== "" || url.port !== "") return null;
  return url;
}

export function isTikTokCoverHost(hostname: string): boolean {
  return TIKTOK_COVER_HOST_SUFFIXES.some((suffix) => hostname.endsWith(`.${suffix}`));
}

/** The link, normalised, if it is an https URL on one of TikTok's own hosts; else null. */
export function checkTikTokLink(raw: string): string | null {
  const url = httpsUrl(raw);
  return url && TIKTOK_LINK_HOSTS.has(url.hostname) ? url.href : null;
}

/** The cover URL, normalised, if it is an https URL on a TikTok image CDN; else null. */
export function checkCoverUrl(raw: string): string | null {
  const url = httpsUrl(raw);
  return url && isTikTokCoverHost(url.hostname) ? url.href : null;
}
