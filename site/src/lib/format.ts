/**
 * Formatting for pages and feeds: plain functions, no clock. Dates are shown in UTC (the chart
 * week is the same everywhere) and in English, like the rest of the site.
 */
import { weekStart } from "../../../worker/charts/iso-week";

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

/** `1 week`, `3 weeks` */
export function plural(count: number, one: string, many = `${one}s`): string {
  return `${count} ${count === 1 ? one : many}`;
}

// An initial is the first letter, digit or emoji of a word: never punctuation, a mark or an
// invisible bidirectional control.
const VISIBLE = /^[\p{L}\p{N}\p{Extended_Pictographic}]/u;
const segmenter = new Intl.Segmenter("en", { granularity: "grapheme" });
// The common case without the segmenter (which dominated a full-scale build's profile): ASCII
// punctuation, then an ASCII letter or digit followed by ASCII or nothing. Two ASCII characters
// other than CR LF never share a grapheme, so the letter is a whole grapheme on its own.
const ASCII_INITIAL = /^[\x21-\x2F\x3A-\x40\x5B-\x60\x7B-\x7E]*([A-Za-z0-9])(?:[\x21-\x7E]|$)/;

function firstVisible(word: string): string | undefined {
  const ascii = ASCII_INITIAL.exec(word);
  if (ascii) return ascii[1];
  for (const { segment } of segmenter.segment(word)) if (VISIBLE.test(segment)) return segment;
  return undefined;
}

// A sound keeps its title across regions and weeks: a full-scale build asks ≈ 370,000 times for
// ≈ 50,000 titles. Bounded by the titles of one archive, read once per build.
const initialsOf = new Map<string, string>();

/**
 * Up to two initials (the first visible grapheme of the first two words that have one), for the
 * cover's fallback box. Works for any script and for emoji, whose grapheme may be several code
 * points.
 */
export function initials(title: string): string {
  const known = initialsOf.get(title);
  if (known !== undefined) return known;
  let letters = "";
  let found = 0;
  for (const word of title.split(/\s+/u)) {
    const letter = firstVisible(word);
    if (letter === undefined) continue;
    letters += letter;
    if (++found === 2) break;
  }
  const result = letters.toLocaleUpperCase("en");
  initialsOf.set(title, result);
  return result;
}

/** `DE, FR, GB`, at most `max` codes then `+3 more`. */
export function regionList(codes: readonly string[], max = 5): string {
  const shown = codes.slice(0, max).join(", ");
  return codes.length > max ? `${shown} +${codes.length - max} more` : shown;
}
