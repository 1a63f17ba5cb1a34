/**
 * Year-end charts as the site's pages read them (docs/weekly-archive.md "Year-end charts"): the glue between
 * the site's index and the Worker's pure ranking (worker/charts/year.ts), which the API answers
 * with the same rule from D1. Reads only a few members of the index — the regions, a region's
 * weeks, gaps and name, one chart by region and week, the global chart's weeks, the source — so
 * it keeps working however the index holds its charts.
 *
 * What a year counts up to is the archive's newest week until every region has the year's last
 * week, so a completed year's inputs, and its page, never change with a new week; only the
 * current year's do.
 */

import { tiktokSoundUrl } from "@worker/charts/sound";
import {
  globalYearGaps,
  type RankedWeek,
  type WeeklyRank,
  yearBounds,
  yearOfWeek,
  yearOfWeeks,
  yearSpan,
} from "@worker/charts/year";
import type { YearChart } from "@worker/schemas/year-chart";
import type { DataSource } from "@worker/charts/source";
import type { SiteIndex } from "./site-index";

/** What a year page shows, and the year is ranked from. */
export interface YearInputs {
  year: number;
  /** The region's name, or "Global". */
  name: string;
  throughWeek: string;
  soFar: boolean;
  /** The year's weekly rankings up to `throughWeek`, oldest first: what a year page ranks. */
  weeks: RankedWeek[];
  gaps: string[];
}

const pick = ({ clip_id, rank, title, author, cover, movement }: WeeklyRank): WeeklyRank => ({
  clip_id,
  rank,
  title,
  author,
  cover,
  movement,
});

const yearsOf = (weeks: readonly string[]) => [...new Set(weeks.map(yearOfWeek))].sort((a, b) => a - b);

/** The newest week with a chart anywhere in the archive. */
function newestWeek(site: SiteIndex): string | undefined {
  let newest: string | undefined;
  for (const region of site.regions) {
    const last = region.weeks.at(-1);
    if (last !== undefined && (newest === undefined || last > newest)) newest = last;
  }
  return newest;
}

/**
 * Whether the year is over for the site: every region that had started charting by the year's last
 * week has that week, as a chart or a recorded gap (worker/charts/year.ts yearComplete). A page has
 * no clock: the gaps the job's closing run records when the window closes stand in for it.
 */
function yearOver(site: SiteIndex, year: number): boolean {
  const { last } = yearBounds(year);
  const started = site.regions.filter((region) => region.weeks[0] !== undefined && region.weeks[0] <= last);
  return started.every((region) => region.weeks.includes(last) || region.gaps.includes(last));
}

function globalWeekNames(site: SiteIndex): string[] {
  return site.global.weeks.map((week) => week.week);
}

/** The years a region has charts in, oldest first: each has a year page. */
export function regionYears(site: SiteIndex, region: string): number[] {
  return yearsOf(site.region(region)?.weeks ?? []);
}

/** The years with a global chart, oldest first. */
export function globalYears(site: SiteIndex): number[] {
  return yearsOf(globalWeekNames(site));
}

/** A region's year as the archive lists it: its weeks, span, gaps and name (no chart loaded). */
function regionYear(site: SiteIndex, region: string, year: number) {
  const info = site.region(region);
  const latest = newestWeek(site);
  const weeks = (info?.weeks ?? []).filter((week) => yearOfWeek(week) === year);
  if (!info || latest === undefined || weeks.length === 0) return null;
  const { throughWeek, soFar } = yearSpan(year, latest, yearOver(site, year));
  const gaps = info.gaps.filter((week) => yearOfWeek(week) === year && week <= throughWeek);
  return { year, name: info.name, throughWeek, soFar, weeks, gaps };
}

/**
 * What a region's year page is made of, without loading a chart: its span, gaps and name, and
 * each week's chart by the hash of its content. The page's props (page-data.ts), so an
 * incremental build loads only the charts of the years it renders again.
 */
export function yearKeyOfRegion(site: SiteIndex, region: string, year: number) {
  const span = regionYear(site, region, year);
  return (
    span && { ...span, weeks: span.weeks.map((week): [string, string] => [week, site.chartHash(region, week) ?? ""]) }
  );
}

/** The global chart's year as the archive lists it: its weeks, span and gaps (no week built). */
function globalYear(site: SiteIndex, year: number) {
  const all = globalWeekNames(site);
  const latest = newestWeek(site);
  const first = all[0];
  const weeks = all.filter((week) => yearOfWeek(week) === year);
  if (first === undefined || latest === undefined || weeks.length === 0) return null;
  const { throughWeek, soFar } = yearSpan(year, latest, yearOver(site, year));
  return { year, name: "Global", throughWeek, soFar, weeks, gaps: globalYearGaps(year, weeks, first, throughWeek) };
}

/** What the global chart's year page is made of, without building a week: each week by its key. */
export function yearKeyOfGlobal(site: SiteIndex, year: number) {
  const span = globalYear(site, year);
  return span && { ...span, weeks: span.weeks.map((week): [string, string] => [week, site.global.keyOf(week) ?? ""]) };
}

/** A year page's inputs: its span, and each of its weeks' entries, loaded by their content. */
export function yearInputsOf(
  page: Omit<YearInputs, "weeks"> & { weeks: readonly (readonly [week: string, content: string])[] },
  entriesOf: (week: string, content: string) => readonly WeeklyRank[],
): YearInputs {
  const { year, name, throughWeek, soFar, gaps } = page;
  const weeks = page.weeks.map(([week, content]) => ({ week, entries: entriesOf(week, content).map(pick) }));
  return { year, name, throughWeek, soFar, gaps, weeks };
}

/** The year-end chart the API serves for the same year (`region`: a code, or "global"). */
export function yearChartOf(source: DataSource, region: string, inputs: YearInputs): YearChart {
  return {
    region,
    year: inputs.year,
    source,
    soFar: inputs.soFar,
    throughWeek: inputs.throughWeek,
    weeks: inputs.weeks.map((week) => week.week),
    gaps: inputs.gaps,
    entries: yearOfWeeks(inputs.year, inputs.weeks).map((entry) => ({ ...entry, link: tiktokSoundUrl(entry.clip_id) })),
  };
}
