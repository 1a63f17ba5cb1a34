/**
 * ISO 8601 week dates in UTC, written in the extended week-date form `2026-W47`.
 *
 * An ISO week runs Monday to Sunday; week 1 of a year is the week holding that year's first
 * Thursday (equivalently, 4 January), so a week-year has 52 or 53 weeks and may start or end in a
 * neighbouring calendar year: 2026-W01 starts on Monday 2025-12-29, 2026-W53 ends on Sunday
 * 2027-01-03. Everything here is UTC: the chart week is the same everywhere.
 *
 * Pure functions: no clock reads — `now` is always passed in as epoch milliseconds.
 */

/** A canonical ISO week, `YYYY-Www` (upper-case `W`, two-digit week). */
export type IsoWeek = string;

export interface YearWeek {
  year: number;
  week: number;
}

const DAY_MS = 86_400_000;
export const WEEK_MS = 7 * DAY_MS;

/**
 * Four-digit years only: ISO 8601 allows more digits (with a sign) only by prior agreement, and a
 * fixed width keeps week strings sortable as text.
 */
const ISO_WEEK_PATTERN = /^(\d{4})-W(\d{2})$/;

/** Epoch ms of 00:00 UTC on a calendar date; setUTCFullYear, unlike Date.UTC, keeps years < 100. */
function utcMidnight(year: number, monthIndex: number, day: number): number {
  const date = new Date(0);
  date.setUTCFullYear(year, monthIndex, day);
  return date.getTime();
}

/** ISO weekday of a UTC instant: Monday 0 … Sunday 6 (ISO 8601 numbers Monday 1). */
function isoWeekdayIndex(ms: number): number {
  return (new Date(ms).getUTCDay() + 6) % 7;
}

/** Monday 00:00 UTC of week 1: the Monday on or before 4 January (ISO 8601's week-year rule). */
function firstMonday(year: number): number {
  const jan4 = utcMidnight(year, 0, 4);
  return jan4 - isoWeekdayIndex(jan4) * DAY_MS;
}

/**
 * 53 when the year starts on a Thursday, or is a leap year starting on a Wednesday; those are the
 * years whose 28 December (always in the last week) falls in week 53. 2015, 2020 and 2026 have 53.
 */
export function weeksInYear(year: number): 52 | 53 {
  return (firstMonday(year + 1) - firstMonday(year)) / WEEK_MS === 53 ? 53 : 52;
}

export function formatIsoWeek({ year, week }: YearWeek): IsoWeek {
  return `${String(year).padStart(4, "0")}-W${String(week).padStart(2, "0")}`;
}

/** The ISO week holding a UTC instant; its week-year is the calendar year of its Thursday. */
export function isoWeekOf(ms: number): IsoWeek {
  if (!Number.isFinite(ms)) throw new RangeError(`not a time: ${ms}`);
  const dayStart = Math.floor(ms / DAY_MS) * DAY_MS;
  const thursday = dayStart + (3 - isoWeekdayIndex(dayStart)) * DAY_MS;
  const year = new Date(thursday).getUTCFullYear();
  if (year < 0 || year > 9999) throw new RangeError(`year ${year} outside 0000–9999`);
  const week = Math.floor((thursday - firstMonday(year)) / WEEK_MS) + 1;
  return formatIsoWeek({ year, week });
}

/** Untrusted text → year and week, or null if it is not a canonical, existing ISO week. */
export function parseIsoWeek(s: string): YearWeek | null {
  const match = ISO_WEEK_PATTERN.exec(s);
  if (!match) return null;
  const year = Number(match[1]);
  const week = Number(match[2]);
  if (week < 1 || week > weeksInYear(year)) return null;
  return { year, week };
}

/** Accepts a lower-case `w` (as typed in a URL) and returns the canonical form, or null. */
export function normaliseIsoWeek(s: string): IsoWeek | null {
  const upper = s.toUpperCase();
  return parseIsoWeek(upper) ? upper : null;
}

export function isIsoWeek(s: string): s is IsoWeek {
  return parseIsoWeek(s) !== null;
}

/** For week strings that must already be valid: a malformed one is a bug, not absent data. */
function requireWeek(week: IsoWeek): YearWeek {
  const parsed = parseIsoWeek(week);
  if (!parsed) throw new RangeError(`not a canonical ISO week: ${JSON.stringify(week)}`);
  return parsed;
}

/** Monday 00:00 UTC of the week, as epoch ms. */
export function weekStart(week: IsoWeek): number {
  const { year, week: n } = requireWeek(week);
  return firstMonday(year) + (n - 1) * WEEK_MS;
}

export function addWeeks(week: IsoWeek, n: number): IsoWeek {
  if (!Number.isInteger(n)) throw new RangeError(`not a whole number of weeks: ${n}`);
  return isoWeekOf(weekStart(week) + n * WEEK_MS);
}

export function previousWeek(week: IsoWeek): IsoWeek {
  return addWeeks(week, -1);
}

export function nextWeek(week: IsoWeek): IsoWeek {
  return addWeeks(week, 1);
}

/** Negative, zero or positive, for Array.prototype.sort. */
export function compareWeeks(a: IsoWeek, b: IsoWeek): -1 | 0 | 1 {
  const diff = weekStart(a) - weekStart(b);
  return diff < 0 ? -1 : diff > 0 ? 1 : 0;
}

/** Every week from `from` to `to`, both included, in order; empty when `from` is after `to`. */
export function weeksBetween(from: IsoWeek, to: IsoWeek): IsoWeek[] {
  const weeks: IsoWeek[] = [];
  const end = weekStart(to);
  for (let start = weekStart(from); start <= end; start += WEEK_MS) weeks.push(isoWeekOf(start));
  return weeks;
}

/**
 * DESIGN "Chart data model": week W's snapshot is taken from Monday 00:00 UTC of W+1 (the chart's
 * 7-day window has then closed on W) and accepted until Wednesday 00:00 UTC of W+1, which leaves
 * two days of retries. Half-open: `opens <= t < closes`.
 */
const SNAPSHOT_GRACE_MS = 2 * DAY_MS;

export interface SnapshotWindow {
  opens: number;
  closes: number;
}

export function snapshotWindow(week: IsoWeek): SnapshotWindow {
  const opens = weekStart(week) + WEEK_MS;
  return { opens, closes: opens + SNAPSHOT_GRACE_MS };
}

/** The week that has just ended at `now`, and whether its snapshot may still be taken. */
export function weekToSnapshot(now: number): { week: IsoWeek; open: boolean } {
  const week = previousWeek(isoWeekOf(now));
  const { opens, closes } = snapshotWindow(week);
  return { week, open: opens <= now && now < closes };
}

/** True once the week's window has closed: a region without its snapshot now has a gap there. */
export function isPastWindow(week: IsoWeek, now: number): boolean {
  return now >= snapshotWindow(week).closes;
}
