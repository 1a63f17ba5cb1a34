/**
 * Formatting for pages and feeds: plain functions, no clock. Dates are shown in UTC (the chart
 * week is the same everywhere) and in English, like the rest of the site.
 */
import type { Movement } from "@worker/charts/derive";
import { weekStart } from "@worker/charts/iso-week";
import { initials as initialsOnce, plural } from "@worker/views/text";

const DAY_MS = 86_400_000;

/**
 * Month names are ours, not the runtime's: Intl's come from the ICU it was built with, and ICU 72
 * turned en-GB's "Sep" into "Sept", so a Node upgrade would rewrite the text of feed items already
 * published under the same guid (they never change: docs/site.md "Feeds of newly trending sounds").
 * These are the abbreviations ICU gave before 72.
 */
const MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"] as const;

/** `4 Jan` */
function dayMonth(date: Date): string {
  return `${date.getUTCDate()} ${MONTHS[date.getUTCMonth()]}`;
}

/** `4 Jan 2026` */
function fullDate(date: Date): string {
  return `${dayMonth(date)} ${date.getUTCFullYear()}`;
}

const twoDigits = (n: number) => String(n).padStart(2, "0");

/** `23 Nov 2026, 04:17 UTC` */
export function formatUtc(iso: string): string {
  const date = new Date(iso);
  return `${fullDate(date)}, ${twoDigits(date.getUTCHours())}:${twoDigits(date.getUTCMinutes())} UTC`;
}

/** `16–22 Nov 2026`, or across months/years `29 Dec 2025 – 4 Jan 2026`: Monday to Sunday. */
export function formatWeekRange(week: string): string {
  const monday = new Date(weekStart(week));
  const sunday = new Date(weekStart(week) + 6 * DAY_MS);
  if (monday.getUTCFullYear() !== sunday.getUTCFullYear()) return `${fullDate(monday)} – ${fullDate(sunday)}`;
  if (monday.getUTCMonth() !== sunday.getUTCMonth()) return `${dayMonth(monday)} – ${fullDate(sunday)}`;
  return `${monday.getUTCDate()}–${fullDate(sunday)}`;
}

/** A rank or a count that may be absent: `—` stands for "none". */
export function orDash(value: number | null): string {
  return value === null ? "—" : String(value);
}

export { plural };

/**
 * A movement as shown (▲3 ▼3 NEW RE = —) and as spoken, where what is shown is not a word a
 * screen reader would say right ("▲" is "black up-pointing triangle", "RE" a syllable). Baseline
 * (a region's first week) and unknown (the week before was missed) are both "not compared".
 */
export function movementText(movement: Movement, change: number | null): { shown: string; spoken: string | null } {
  const places = Math.abs(change ?? 0);
  switch (movement) {
    case "up":
      return { shown: `▲${places}`, spoken: `up ${plural(places, "place")}` };
    case "down":
      return { shown: `▼${places}`, spoken: `down ${plural(places, "place")}` };
    case "new":
      return { shown: "NEW", spoken: null };
    case "re":
      return { shown: "RE", spoken: "re-entry" };
    case "same":
      return { shown: "=", spoken: "no change" };
    case "baseline":
    case "unknown":
      return { shown: "—", spoken: "not compared" };
  }
}

// A sound keeps its title across regions and weeks: a full-scale build asks ≈ 370,000 times for
// ≈ 50,000 titles. Bounded by the titles of one archive, read once per build.
const initialsOf = new Map<string, string>();

/** The Worker's `initials` (worker/views/text.ts), remembered for the length of a build. */
export function initials(title: string): string {
  let known = initialsOf.get(title);
  if (known === undefined) {
    known = initialsOnce(title);
    initialsOf.set(title, known);
  }
  return known;
}

/** `DE, FR, GB`, at most `max` codes then `+3 more`. */
export function regionList(codes: readonly string[], max = 5): string {
  const shown = codes.slice(0, max).join(", ");
  return codes.length > max ? `${shown} +${codes.length - max} more` : shown;
}
