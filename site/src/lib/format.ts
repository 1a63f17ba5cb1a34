/**
 * Formatting for pages and feeds: plain functions, no clock. Dates are shown in UTC (the chart
 * week is the same everywhere) and in English, like the rest of the site.
 */
import type { Movement } from "../../../worker/charts/derive";
import { weekStart } from "../../../worker/charts/iso-week";
import { initials as initialsOnce, plural } from "../../../worker/views/text";

const DAY_MS = 86_400_000;

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
