// docs/operations.md "The live site is the yardstick": before anything is uploaded, the new build is
// compared with the site that is live now. It must not have fewer chart pages (unless shrinking
// is asked for), and its data must be of the source the configuration being deployed serves:
// demo data never goes live under `keyapi`.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { SITE_BUILD_FILE } from "../../site/src/lib/site-build-record.ts";
import { parseJson, readUrl } from "./http-read.mjs";

/** A chart page in a sitemap, as site-build-record.ts counts them (the global chart is not one). */
const CHART_PAGE_URL = /<loc>[^<]*\/charts\/[A-Z]{2}\/\d{4}-W\d{2}\/<\/loc>/g;
/** The site's own sitemaps in its index (@astrojs/sitemap's sitemap-N.xml; sound sitemaps are the Worker's). */
const SITE_SITEMAP = /<loc>([^<]*\/sitemap-\d+\.xml)<\/loc>/g;

/** The build's record in `dir`, or null when it has none (or not a readable one). */
export function builtRecord(dir) {
  try {
    const record = JSON.parse(readFileSync(join(dir, SITE_BUILD_FILE), "utf8"));
    return typeof record?.chartPages === "number" && typeof record?.source === "string" ? record : null;
  } catch {
    return null;
  }
}

/**
 * The DATA_SOURCE the Worker configuration at `configPath` (wrangler's default when undefined)
 * sets, read as wrangler reads it; "keyapi" when unset, as worker/config.ts defaults it.
 */
export async function configuredSource(configPath) {
  const { unstable_readConfig } = await import("wrangler");
  const value = unstable_readConfig({ config: configPath }).vars?.DATA_SOURCE;
  return typeof value === "string" && value.trim() ? value.trim().toLowerCase() : "keyapi";
}

/**
 * How many chart pages the live site at `origin` has: its /site-build.json says; a site built
 * before that file existed is counted from its sitemaps; a site with neither (a placeholder) has
 * none. Null when the live site does not answer, even after `retries`.
 * @param {string} origin
 * @param {(attempt: () => Promise<unknown>) => Promise<unknown>} retrying
 * @returns {Promise<{ chartPages: number, from: string } | null>}
 */
export async function liveChartPages(origin, retrying) {
  const record = await retrying(() => answered(`${origin}/${SITE_BUILD_FILE}`));
  if (!record) return null;
  if (record.status === 200) {
    const chartPages = parseJson(record.text)?.chartPages;
    if (typeof chartPages === "number") return { chartPages, from: SITE_BUILD_FILE };
  }
  const index = await retrying(() => answered(`${origin}/sitemap-index.xml`));
  if (!index) return null;
  if (index.status !== 200) return { chartPages: 0, from: "no site-build.json, no sitemap" };
  let chartPages = 0;
  for (const [, loc] of index.text.matchAll(SITE_SITEMAP)) {
    const sitemap = await retrying(() => answered(`${origin}${new URL(loc).pathname}`));
    if (!sitemap) return null;
    chartPages += sitemap.status === 200 ? (sitemap.text.match(CHART_PAGE_URL)?.length ?? 0) : 0;
  }
  return { chartPages, from: "its sitemaps (it has no site-build.json)" };
}

/** A GET that counts as answered when the site says something definite: 2xx or 404 (else null: try again). */
async function answered(url) {
  const answer = await readUrl(url);
  return answer && (answer.status === 200 || answer.status === 404) ? answer : null;
}

/**
 * Why the build must not replace the live site (empty: it may), and what the operator should
 * hear anyway (a shrink allowed by `--allow-shrink`).
 * @param {{ build: { chartPages: number, source: string }, live: { chartPages: number, from: string }, source: string, allowShrink: boolean }} facts
 */
export function yardstick({ build, live, source, allowShrink }) {
  const problems = [];
  const warnings = [];
  if (build.source !== source)
    problems.push(`the build holds ${build.source} data, but the configuration being deployed serves ${source}`);
  if (build.chartPages < live.chartPages) {
    const shrink = `the build has ${build.chartPages} chart pages, the live site ${live.chartPages} (from ${live.from})`;
    if (allowShrink) warnings.push(`SHRINKING THE SITE ON PURPOSE (--allow-shrink): ${shrink}`);
    else problems.push(`${shrink}: a smaller site goes live only with --allow-shrink`);
  }
  return { problems, warnings };
}
