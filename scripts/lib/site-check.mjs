// The built site is checked before it is uploaded (docs/operations.md "A deploy never makes the site worse"):
// a build that silently lost pages must never replace a complete live site.
import { existsSync, readdirSync } from "node:fs";
import { join } from "node:path";

const WEEK_DIR = /^\d{4}-W\d{2}$/;

/**
 * The pages a site cannot go live without, whatever the archive holds (site/src/pages): home,
 * 404, the global chart, the site-wide feed, the sitemaps, and the two shells the Worker fills
 * (sound pages and search results are rendered into them: without them those routes break).
 */
const ESSENTIAL = [
  ["index.html", "home page"],
  ["404.html", "404 page"],
  ["charts/global/index.html", "global chart"],
  ["rss.xml", "feed"],
  ["sitemap-index.xml", "sitemap index"],
  ["sitemap-0.xml", "sitemap"],
  ["shell/sound/index.html", "sound page shell"],
  ["shell/search/index.html", "search shell"],
];

/**
 * Problems with the site in `dir` against what the archive holds (its `/api/regions` answer): the
 * essential pages; every region's feed; every region with a chart has its latest page, the page
 * of its latest week and the page of that week's year; and there are no fewer chart pages than
 * the archive has charts. An empty list means the site may go live.
 * @param {string} dir
 * @param {{ regions: { code: string, weeks: number, latestWeek: string | null }[] }} archive
 * @returns {string[]}
 */
export function checkBuiltSite(dir, archive) {
  const problems = [];
  const missing = (path) => !existsSync(join(dir, path));
  for (const [path, what] of ESSENTIAL) if (missing(path)) problems.push(`no ${what} (${path})`);
  let expected = 0;
  let found = 0;
  for (const region of archive.regions) {
    expected += region.weeks;
    const base = `charts/${region.code}`;
    if (missing(`${base}/rss.xml`)) problems.push(`no feed for ${region.code} (${base}/rss.xml)`);
    if (region.latestWeek === null) continue;
    if (missing(`${base}/index.html`)) problems.push(`no latest page for ${region.code}`);
    if (missing(`${base}/${region.latestWeek}/index.html`))
      problems.push(`no page for ${region.code} ${region.latestWeek}`);
    const year = region.latestWeek.slice(0, 4);
    if (missing(`${base}/year/${year}/index.html`)) problems.push(`no year page for ${region.code} ${year}`);
    if (missing(base)) continue;
    for (const entry of readdirSync(join(dir, base)))
      if (WEEK_DIR.test(entry) && !missing(`${base}/${entry}/index.html`)) found++;
  }
  if (found < expected) problems.push(`${found} chart pages for ${expected} charts in the archive`);
  return problems;
}
