/**
 * Formatting for pages and feeds: plain functions, no clock. Dates are shown in UTC (the chart
 * week is the same everywhere) and in English, like the rest of the site.
 */
import type { Movement } from "../../../worker/charts/derive";
import { weekStart } from "../../../worker/charts/iso-week";

const DAY_MS = 86_400_000;

export interface MovementView {
  /** What sighted readers see: ▲3, ▼2, NEW, RE, = or —. */
  symbol: string;
  /** What the symbol means, for screen readers and tooltips. */
  label: string;
  /** The CSS modifier that colours it. */
  kind: "up" | "down" | "new" | "re" | "same" | "none";
}

export function movementView(movement: Movement, change: number | null): MovementView {
  switch (movement) {
    case "up":
      return { symbol: `▲${Math.abs(change ?? 0)}`, label: `up ${Math.abs(change ?? 0)}`, kind: "up" };
    case "down":
      return { symbol: `▼${Math.abs(change ?? 0)}`, label: `down ${Math.abs(change ?? 0)}`, kind: "down" };
    case "same":
      return { symbol: "=", label: "no change", kind: "same" };
    case "new":
      return { symbol: "NEW", label: "new entry", kind: "new" };
    case "re":
      return { symbol: "RE", label: "re-entry", kind: "re" };
    case "baseline":
      return { symbol: "—", label: "first archived week, nothing to compare", kind: "none" };
    case "unknown":
      return { symbol: "—", label: "last week is missing, nothing to compare", kind: "none" };
  }
}

const DATE = new Intl.DateTimeFormat("en-GB", { day: "numeric", month: "short", year: "numeric", timeZone: "UTC" });
const DAY_MONTH = new Intl.DateTimeFormat("en-GB", { day: "numeric", month: "short", timeZone: "UTC" });
const TIME = new Intl.DateTimeFormat("en-GB", {
  hour: "2-digit",
  minute: "2-digit",
  hourCycle: "h23",
  timeZone: "UTC",
});

/** `23 Nov 2026, 04:17 UTC` */
export function formatUtc(iso: string): string {
  const date = new Date(iso);
  return `${DATE.format(date)}, ${TIME.format(date)} UTC`;
}

/** `16–22 Nov 2026`, or across months/years `29 Dec 2025 – 4 Jan 2026`: Monday to Sunday. */
export function formatWeekRange(week: string): string {
  const monday = new Date(weekStart(week));
  const sunday = new Date(weekStart(week) + 6 * DAY_MS);
  if (monday.getUTCFullYear() !== sunday.getUTCFullYear()) return `${DATE.format(monday)} – ${DATE.format(sunday)}`;
  if (monday.getUTCMonth() !== sunday.getUTCMonth()) return `${DAY_MONTH.format(monday)} – ${DATE.format(sunday)}`;
  return `${monday.getUTCDate()}–${DATE.format(sunday)}`;
}

/** A rank or a count that may be absent: `—` stands for "none". */
export function orDash(value: number | null): string {
  return value === null ? "—" : String(value);
}

/** `1 week`, `3 weeks` */
export function plural(count: number, one: string, many = `${one}s`): string {
  return `${count} ${count === 1 ? one : many}`;
}

// An initial is the first letter, digit or emoji of a word: never punctuation, a mark or an
// invisible bidirectional control.
const VISIBLE = /^[\p{L}\p{N}\p{Extended_Pictographic}]/u;
const segmenter = new Intl.Segmenter("en", { granularity: "grapheme" });

function firstVisible(word: string): string | undefined {
  for (const { segment } of segmenter.segment(word)) if (VISIBLE.test(segment)) return segment;
  return undefined;
}

/**
 * Up to two initials (the first visible grapheme of the first two words that have one), for the
 * cover's fallback box. Works for any script and for emoji, whose grapheme may be several code
 * points.
 */
export function initials(title: string): string {
  const letters = title
    .split(/\s+/u)
    .map(firstVisible)
    .filter((letter) => letter !== undefined);
  return letters.slice(0, 2).join("").toLocaleUpperCase("en");
}

/** `DE, FR, GB`, at most `max` codes then `+3 more`. */
export function regionList(codes: readonly string[], max = 5): string {
  const shown = codes.slice(0, max).join(", ");
  return codes.length > max ? `${shown} +${codes.length - max} more` : shown;
}
