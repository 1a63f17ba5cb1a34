/**
 * Year-end charts (docs/weekly-archive.md "Year-end charts"): for one ISO year, a region's or the global
 * chart's sounds ranked by points summed over the year's weeks. Pure functions over plain data:
 * the site ranks its year pages with them from the weekly charts it already has, and the Worker
 * ranks the weekly rows it reads from D1 with them (archive/year.ts): the rule is written once.
 *
 * Ranking: a week gives `101 − rank` (the regional rank for a region, the global rank for the
 * global chart); a week with no chart (a gap) gives nothing. Ties by weeks charted that year (more
 * first), then best rank (lower first), then the clip id as text, so every tie has one answer.
 */
import { type IsoWeek, compareWeeks, formatIsoWeek, isPastWindow, weeksBetween, weeksInYear } from "./iso-week";

export const YEAR_CHART_SIZE = 100;

/** One sound on one week's chart, as the year reads it. */
export interface WeeklyRank {
  clip_id: string;
  rank: number;
  title: string;
  author: string;
  cover: string;
  /** The week's movement: `new` marks the week a sound first entered this chart. */
  movement?: string;
}

/** One week's ranking of a region or of the global chart. */
export interface RankedWeek {
  week: IsoWeek;
  entries: readonly WeeklyRank[];
}

export interface YearEntry {
  rank: number;
  clip_id: string;
  /** Title, author and cover as the week it peaked lists them. */
  title: string;
  author: string;
  cover: string;
  /** Σ over the year's weeks of 101 − rank. */
  points: number;
  /** Weeks on the chart this year. */
  weeks: number;
  /** Best rank this year, and the first week it reached it. */
  peak: number;
  peakWeek: IsoWeek;
  /** Its first week on the chart this year, and its rank then. */
  firstWeek: IsoWeek;
  firstRank: number;
  /** It entered this chart for the first time ever this year (movement `new` in its first week). */
  debut: boolean;
}

interface Tally {
  clip_id: string;
  points: number;
  weeks: number;
  peak: WeeklyRank & { week: IsoWeek };
  first: WeeklyRank & { week: IsoWeek };
  debut: boolean;
}

const byText = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/** The weeks of an ISO year, in order: `2026-W01` … `2026-W53` (52 or 53). */
export function weeksOfYear(year: number): IsoWeek[] {
  return weeksBetween(formatIsoWeek({ year, week: 1 }), formatIsoWeek({ year, week: weeksInYear(year) }));
}

/** The ISO year of a week (`2026-W01` may start in December 2025: its year is 2026). */
export function yearOfWeek(week: IsoWeek): number {
  return Number(week.slice(0, 4));
}

/** `2026-W01` and `2026-W53` style bounds, as text: ISO weeks sort as text within a year. */
export function yearBounds(year: number): { first: IsoWeek; last: IsoWeek } {
  return { first: formatIsoWeek({ year, week: 1 }), last: formatIsoWeek({ year, week: weeksInYear(year) }) };
}

/**
 * Whether a year is over (docs/weekly-archive.md "Year-end charts"): every configured region has its last week
 * — a chart, or a gap the job recorded — or that week's snapshot window has closed, after which
 * no chart of it can land. One region storing the last week is not enough: the others' charts of
 * that week still add points.
 */
export function yearComplete(
  year: number,
  lastWeek: { settledRegions: number; configuredRegions: number },
  now: number,
): boolean {
  const { last } = yearBounds(year);
  return lastWeek.settledRegions >= lastWeek.configuredRegions || isPastWindow(last, now);
}

/**
 * How far a year counts: up to its last week once it is complete (yearComplete), else up to the
 * archive's newest week (the last one at most), "so far". `latestWeek` is the newest week of the
 * source's whole archive, so a completed year's answer never changes with a new week.
 */
export function yearSpan(
  year: number,
  latestWeek: IsoWeek,
  complete: boolean,
): { throughWeek: IsoWeek; soFar: boolean } {
  const { last } = yearBounds(year);
  if (complete) return { throughWeek: last, soFar: false };
  return { throughWeek: compareWeeks(latestWeek, last) < 0 ? latestWeek : last, soFar: true };
}

/**
 * The weeks of the year without a global chart: no region charted then, within the archived span
 * (from the archive's first week up to `throughWeek`).
 */
export function globalYearGaps(
  year: number,
  chartedWeeks: readonly IsoWeek[],
  firstWeek: IsoWeek,
  throughWeek: IsoWeek,
): IsoWeek[] {
  const charted = new Set(chartedWeeks);
  return weeksOfYear(year).filter(
    (week) => compareWeeks(week, firstWeek) >= 0 && compareWeeks(week, throughWeek) <= 0 && !charted.has(week),
  );
}

/**
 * Ranks a year from its weekly rankings (weeks outside `year` are ignored; a gap is simply absent,
 * so it counts nothing). The top `size` make the year's chart.
 */
export function yearOfWeeks(year: number, weeks: readonly RankedWeek[], size = YEAR_CHART_SIZE): YearEntry[] {
  const tallies = new Map<string, Tally>();
  const ordered = weeks.filter((w) => yearOfWeek(w.week) === year).sort((a, b) => compareWeeks(a.week, b.week));
  for (const { week, entries } of ordered) {
    for (const entry of entries) {
      const seen = { ...entry, week };
      const tally = tallies.get(entry.clip_id);
      if (!tally) {
        tallies.set(entry.clip_id, {
          clip_id: entry.clip_id,
          points: 101 - entry.rank,
          weeks: 1,
          peak: seen,
          first: seen,
          debut: entry.movement === "new",
        });
        continue;
      }
      tally.points += 101 - entry.rank;
      tally.weeks += 1;
      // Weeks arrive in order: an equal rank later keeps the first week it was reached.
      if (entry.rank < tally.peak.rank) tally.peak = seen;
      if (entry.movement === "new") tally.debut = true;
    }
  }
  return [...tallies.values()]
    .sort(
      (a, b) => b.points - a.points || b.weeks - a.weeks || a.peak.rank - b.peak.rank || byText(a.clip_id, b.clip_id),
    )
    .slice(0, size)
    .map((t, i) => ({
      rank: i + 1,
      clip_id: t.clip_id,
      title: t.peak.title,
      author: t.peak.author,
      cover: t.peak.cover,
      points: t.points,
      weeks: t.weeks,
      peak: t.peak.rank,
      peakWeek: t.peak.week,
      firstWeek: t.first.week,
      firstRank: t.first.rank,
      debut: t.debut,
    }));
}

/** What a year page's summary names: the #1, the longest-running and the biggest debut. */
export interface YearSummary<E extends YearEntry = YearEntry> {
  numberOne: E | null;
  /** Most weeks on the chart this year (ties: the better year rank). */
  longestRunning: E | null;
  /** The best first-week rank among this year's debuts (ties: the better year rank). */
  biggestDebut: E | null;
}

export function yearSummary<E extends YearEntry>(entries: readonly E[]): YearSummary<E> {
  let longestRunning: E | null = null;
  let biggestDebut: E | null = null;
  for (const entry of entries) {
    if (!longestRunning || entry.weeks > longestRunning.weeks) longestRunning = entry;
    if (entry.debut && (!biggestDebut || entry.firstRank < biggestDebut.firstRank)) biggestDebut = entry;
  }
  return { numberOne: entries[0] ?? null, longestRunning, biggestDebut };
}
