/**
 * What each page renders: plain data, built by page-data.ts from the archive and passed to the page
 * as its props; a dynamic page's cache key is the hash of these (page-keys.ts). A chart is held by
 * the hash of its content (ChartId, GlobalWeekId) and loaded when the page is rendered (site-data.ts),
 * so a key never needs the chart itself. Nothing here knows the site's index.
 */
import type { Spreading } from "@worker/charts/global";
import type { DataSource } from "@worker/charts/source";
import type { DebutItem, GlobalDebutItem } from "@worker/schemas/site-archive";
import type { GlobalWeekSummary } from "./global-index";

/** Region codes and their names, in the site's order of regions (by name). */
export type RegionNames = [code: string, name: string][];

/** A region's name by its code, the code itself for a region not listed. */
export function namer(names: RegionNames): (code: string) => string {
  const byCode = new Map(names);
  return (code) => byCode.get(code) ?? code;
}

/** A regional chart by the hash of its content (as the input sent it: the page's code shapes it). */
export interface ChartId {
  region: string;
  week: string;
  hash: string;
}

/** A global week's chart by what it is ranked and derived from (global-index.ts keyOf). */
export interface GlobalWeekId {
  week: string;
  key: string;
}

/** `/charts/<REGION>/<week>/`, and the latest page's chart. */
export interface RegionWeekPage {
  source: DataSource;
  region: string;
  week: string;
  name: string;
  /** The archived weeks on either side (gaps skipped). */
  previous?: string;
  next?: string;
  /** The week before has no chart because its snapshot was missed. */
  followsGap: boolean;
  /** The region's first archived week. */
  baseline: boolean;
  chart: ChartId;
}

/** `/charts/<REGION>/`: its latest week's page, or a note while it has none. */
export interface LatestPage {
  source: DataSource;
  region: string;
  name: string;
  latest: RegionWeekPage | null;
}

/** `/charts/<REGION>/weeks/`. */
export interface WeeksPage {
  source: DataSource;
  region: string;
  name: string;
  weeks: string[];
  gaps: string[];
  /** The years with a year-end page. */
  years: number[];
}

/** `/charts/<REGION>/rss.xml`: the items of its last published weeks. */
export interface RegionFeedPage {
  region: string;
  name: string;
  items: DebutItem[];
}

/**
 * `/charts/<REGION>/year/<yyyy>/` and `/charts/global/year/<yyyy>/` (year-data.ts): the year's span,
 * gaps and name, and each counted week's chart by its content (a ChartId's hash, a GlobalWeekId's key).
 */
export interface YearPage {
  source: DataSource;
  /** A region's code, or "global". */
  region: string;
  year: number;
  /** The region's name, or "Global". */
  name: string;
  throughWeek: string;
  soFar: boolean;
  gaps: string[];
  weeks: [week: string, content: string][];
}

/** `/charts/global/<week>/` and the latest global page. */
export interface GlobalWeekPage {
  source: DataSource;
  week: string;
  summary: GlobalWeekSummary;
  previous?: string;
  next?: string;
  /** Every listed region: the page counts them and names the ones it lists. */
  names: RegionNames;
  chart: GlobalWeekId;
}

/** `/charts/global/`. */
export interface GlobalLatestPage {
  source: DataSource;
  latest: GlobalWeekPage | null;
}

/** `/charts/global/weeks/`. */
export interface GlobalWeeksPage {
  source: DataSource;
  /** Every global week, oldest first, with how many regions it has a chart from. */
  weeks: { week: string; charted: number }[];
  gaps: string[];
  years: number[];
}

/** A row of the home page's table of regions. */
export interface RegionRow {
  code: string;
  name: string;
  weekCount: number;
  /** Its latest week, and that week's #1 and debuts. */
  week?: string;
  top?: { title: string; author: string };
  debuts: number;
}

/** `/`. */
export interface HomePage {
  source: DataSource;
  names: RegionNames;
  /** When the newest chart of all was fetched, and the newest of the regions' latest weeks. */
  fetchedAt: string | null;
  newestWeek?: string;
  global: {
    week: string;
    charted: number;
    size: number;
    top?: { clip_id: string; title: string; author: string; regions: number; numberOne: string[] };
    /** The first few spreading sounds (null: nothing to compare with), how many in all, and which are on the chart. */
    spreading: Spreading[] | null;
    spreadingTotal: number;
    onChart: string[];
    returned: string[];
  } | null;
  /** Years with a global year-end page, newest first. */
  years: number[];
  regions: RegionRow[];
  debuts: { week: string | null; items: GlobalDebutItem[]; total: number };
}

/** `/about/`. */
export interface AboutPage {
  source: DataSource;
  readAt: string;
  regions: { code: string; name: string; week?: string; fetchedAt?: string; weeks: number; gaps: number }[];
  /** A region and week the API's examples link. */
  example?: { region: string; week: string };
  globalWeek?: string;
}

/** `/rss.xml`: the items of the last published weeks. */
export interface GlobalFeedPage {
  names: RegionNames;
  items: GlobalDebutItem[];
}
