// The built site is checked before it is uploaded (DESIGN.md "A deploy never makes the site worse"):
// a build that silently lost pages must never replace a complete live site.
import { existsSync, readdirSync } from "node:fs";
import { join } from "node:path";

const WEEK_DIR = /^\d{4}-W\d{2}$/;

/**
 * Problems with the site in `dir` against what the archive holds (its `/api/regions` answer):
 * every region with a chart has its latest page, and there are no fewer chart pages than the
 * archive has charts. An empty list means the site may go live.
 * @param {string} dir
 * @param {{ regions: { code: string, weeks: number, latestWeek: string | null }[] }} archive
 * @returns {string[]}
 */
export function checkBuiltSite(dir, archive) {
  const problems = [];
  if (!existsSync(join(dir, "index.html"))) problems.push("no home page (index.html)");
  let expected = 0;
  let found = 0;
  for (const region of archive.regions) {
    expected += region.weeks;
    if (region.latestWeek === null) continue;
    const regionDir = join(dir, "charts", region.code);
    if (!existsSync(join(regionDir, "index.html"))) problems.push(`no latest page for ${region.code}`);
    if (!existsSync(join(regionDir, region.latestWeek, "index.html")))
      problems.push(`no page for ${region.code} ${region.latestWeek}`);
    if (!existsSync(regionDir)) continue;
    for (const entry of readdirSync(regionDir))
      if (WEEK_DIR.test(entry) && existsSync(join(regionDir, entry, "index.html"))) found++;
  }
  if (found < expected) problems.push(`${found} chart pages for ${expected} charts in the archive`);
  return problems;
}
