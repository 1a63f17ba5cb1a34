/**
 * The cache key of every page an incremental build may skip (astro.config.mjs,
 * `experimental.incrementalBuild`): Astro restores a page from the previous build when its
 * `getStaticPaths` entry returns the same `cacheKey` and the route's code is unchanged. Code
 * changes are Astro's to see; data read at build time is not — the key is the only guard for it.
 * So each key hashes everything its page shows, and nothing else: a past week's key changes only
 * with its own chart, its region's name, which neighbouring weeks exist, or the data source
 * (docs/site.md "A new week costs the same in year ten as in week two"). Test: test/site/incremental.test.ts
 * compares an incremental build with a full one byte for byte.
 */
import { createHash } from "node:crypto";
import type { SiteIndex } from "./site-index";
import { yearKeyOfGlobal, yearKeyOfRegion } from "./year-data";

function keyOf(...parts: unknown[]): string {
  return createHash("sha256").update(JSON.stringify(parts)).digest("base64url");
}

/** What a region's week page shows (ChartView): its chart, its name, its neighbours and notes. */
function chartParts(site: SiteIndex, region: string, week: string) {
  return {
    // The chart's content, by its hash: a key is computed for every page of every build, and the
    // chart is loaded only for the pages that are rendered.
    chart: site.chartHash(region, week) ?? null,
    name: site.regionName(region),
    neighbours: site.neighbours(region, week),
    followsGap: site.followsGap(region, week),
    baseline: site.isBaseline(region, week),
  };
}

export function chartPageKey(site: SiteIndex, region: string, week: string): string {
  return keyOf(site.source, chartParts(site, region, week));
}

/** A region's latest page: its latest week's page, or a note while it has none. */
export function latestPageKey(site: SiteIndex, region: string): string {
  const week = site.latestWeek(region);
  return keyOf(
    site.source,
    "latest",
    week === undefined ? { name: site.regionName(region) } : chartParts(site, region, week),
  );
}

export function weeksPageKey(site: SiteIndex, region: string): string {
  const info = site.region(region);
  return keyOf(site.source, info?.name, info?.weeks, info?.gaps);
}

/** A region's feed: the published log's items for it (the origin is config: Astro hashes that). */
export function regionFeedKey(site: SiteIndex, region: string): string {
  return keyOf(site.regionName(region), site.debuts(region));
}

/**
 * A global week's page: its chart (global-index.ts keyOf: the charts it is ranked from, its
 * derived history, missing and returned regions), its neighbours, and the names of the listed
 * regions it may name. Not the built week: building every week for its key would hold the whole
 * global history at once.
 */
export function globalPageKey(site: SiteIndex, week: string): string {
  return keyOf(
    site.source,
    site.global.keyOf(week),
    site.global.neighbours(week),
    site.regions.map((region) => [region.code, region.name]),
  );
}

/**
 * A region's year page: the year's inputs (year-data.ts: its weekly charts, by their hashes, up to
 * the week it counts to, its gaps, the region's name). A completed year's never change with a new week.
 */
export function yearPageKey(site: SiteIndex, region: string, year: number): string {
  return keyOf(site.source, "year", region, yearKeyOfRegion(site, region, year));
}

/** The global chart's year page: the same, from the global chart's weeks by their keys. */
export function globalYearPageKey(site: SiteIndex, year: number): string {
  return keyOf(site.source, "global-year", yearKeyOfGlobal(site, year));
}
