/**
 * The one place that builds every URL the site and the Worker's pages link to, so a link cannot
 * drift from a route: the site imports it as `@worker/views/urls`. Region codes, weeks and clip ids
 * are validated before they get here (the site: where the archive enters the build,
 * site/src/lib/archive/prepare.ts; the Worker: its routes): upper-case two-letter codes,
 * canonical `YYYY-Www` weeks, digit-only ids. Page URLs end in `/` (site/astro.config.mjs:
 * trailingSlash "always", directory format). A sound on TikTok: tiktokSoundUrl, charts/sound.ts.
 */

export const HOME_URL = "/";
export const ABOUT_URL = "/about/";
export const OPENAPI_URL = "/openapi.json";
export const API_REGIONS_URL = "/api/regions";
export const API_STATUS_URL = "/api/status";
export const FAVICON_URL = "/favicon.svg";

/** A region's latest chart, or one week's chart. */
export function chartUrl(region: string, week?: string): string {
  return week === undefined ? `/charts/${region}/` : `/charts/${region}/${week}/`;
}

/** The list of every archived week of a region. */
export function weeksUrl(region: string): string {
  return `/charts/${region}/weeks/`;
}

/** The global chart's latest week, or one week's global chart. */
export function globalChartUrl(week?: string): string {
  return week === undefined ? "/charts/global/" : `/charts/global/${week}/`;
}

/** The list of every week of the global chart. */
export function globalWeeksUrl(): string {
  return "/charts/global/weeks/";
}

/** The fragment that every chart row carries as its `id`. */
export function entryAnchor(clipId: string): string {
  return clipId;
}

/** One entry on one week's chart. */
export function entryUrl(region: string, week: string, clipId: string): string {
  return `${chartUrl(region, week)}#${entryAnchor(clipId)}`;
}

/** One entry on one week's global chart. */
export function globalEntryUrl(week: string, clipId: string): string {
  return `${globalChartUrl(week)}#${entryAnchor(clipId)}`;
}

export function soundUrl(clipId: string): string {
  return `/sounds/${clipId}/`;
}

/** A region's feed of debuts, or (no region) the all-regions feed. */
export function feedUrl(region?: string): string {
  return region === undefined ? "/rss.xml" : `/charts/${region}/rss.xml`;
}

export function apiChartUrl(region: string, week: string): string {
  return `/api/charts/${region}/${week}`;
}

export function apiChartCsvUrl(region: string, week: string): string {
  return `/api/charts/${region}/${week}.csv`;
}

export function apiLatestChartUrl(region: string): string {
  return `/api/charts/${region}/latest`;
}

export function apiGlobalChartUrl(week: string): string {
  return `/api/global/${week}`;
}

export function apiGlobalChartCsvUrl(week: string): string {
  return `/api/global/${week}.csv`;
}

export function apiGlobalSpreadingUrl(week: string): string {
  return `/api/global/${week}/spreading`;
}

/** The archive API's view of any sound, including those without a page here. */
export function apiSoundUrl(clipId: string): string {
  return `/api/sounds/${clipId}`;
}

/** An absolute URL on this site, for feeds (which readers fetch out of context). */
export function absoluteUrl(origin: URL | string, path: string): string {
  return new URL(path, origin).href;
}

/** The top 100 of one ISO year in a region, or (region "global") across all regions. */
export function yearUrl(region: string, year: number): string {
  return `/charts/${region}/year/${year}/`;
}

export function apiYearUrl(region: string, year: number): string {
  return region === "global" ? `/api/global/year/${year}` : `/api/charts/${region}/year/${year}`;
}

export function apiYearCsvUrl(region: string, year: number): string {
  return `${apiYearUrl(region, year)}.csv`;
}
