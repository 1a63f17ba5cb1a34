/**
 * CSV as RFC 4180 defines it (§2): records end in CRLF, a field holding a comma, a double quote,
 * CR or LF is enclosed in double quotes, and a double quote inside one is doubled. The header is
 * the first record; the route serving it says so with `text/csv; charset=utf-8; header=present`
 * (RFC 4180 §3).
 */
import type { Derived } from "./derive";

const NEEDS_QUOTES = /[",\r\n]/;

/**
 * A spreadsheet opening the file runs a cell starting with = + - @ (or tab / CR, which some apps
 * skip before looking) as a formula: titles and authors are free text from TikTok users, so one
 * could smuggle `=HYPERLINK(…)` or a DDE payload into whoever opens the export. A leading `'`
 * makes the cell plain text (OWASP "CSV Injection"). Only strings are guarded: numbers such as a
 * negative `change` are ours and must stay numbers.
 */
const FORMULA_START = /^[=+\-@\t\r]/;

function cellText(value: unknown): string {
  if (value === null || value === undefined) return "";
  if (typeof value === "string") return FORMULA_START.test(value) ? `'${value}` : value;
  if (typeof value === "number" || typeof value === "boolean" || typeof value === "bigint") {
    return String(value);
  }
  return JSON.stringify(value) ?? "";
}

function field(value: unknown): string {
  const text = cellText(value);
  return NEEDS_QUOTES.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

/** One record with its CRLF, for callers that stream rows one at a time. */
export function csvRecord(values: readonly unknown[]): string {
  return `${values.map(field).join(",")}\r\n`;
}

/**
 * Header then rows. Every record ends in CRLF, the last one too (RFC 4180 §2.2 allows it, and it
 * lets streamed chunks be concatenated). null and undefined are empty fields; numbers and
 * booleans are written as JavaScript prints them; anything else as JSON.
 */
export function toCsv(header: readonly string[], rows: readonly (readonly unknown[])[]): string {
  return [header, ...rows].map(csvRecord).join("");
}

/** Every chart's first columns: its rank and what our derivation adds. */
const RANK_AND_HISTORY = ["rank", "last_week", "peak", "weeks_on_chart", "movement", "change", "first_week"] as const;

export const CHART_CSV_HEADER = [
  ...RANK_AND_HISTORY,
  "clip_id",
  "song_id",
  "title",
  "author",
  "duration",
  "if_cml",
  "promoted",
  "link",
  "cover",
] as const;

/** The fields a chart entry needs for its CSV row: the upstream's names plus the derived ones. */
export interface CsvChartEntry extends Derived {
  rank: number;
  clip_id: string;
  song_id?: string | null;
  title?: string | null;
  author?: string | null;
  duration?: number | null;
  if_cml?: boolean | null;
  promoted?: boolean | null;
  link?: string | null;
  cover?: string | null;
}

/** A chart (`{region, week, fetchedAt, source, entries}`); only its entries become rows. */
export interface CsvChart {
  entries: readonly CsvChartEntry[];
}

function rankAndHistory(e: Derived & { rank: number }): unknown[] {
  return [e.rank, e.lastWeek, e.peak, e.weeksOnChart, e.movement, e.change, e.firstWeek];
}

function chartRow(e: CsvChartEntry): unknown[] {
  return [
    ...rankAndHistory(e),
    e.clip_id,
    e.song_id,
    e.title,
    e.author,
    e.duration,
    e.if_cml,
    e.promoted,
    e.link,
    e.cover,
  ];
}

export function chartCsv(chart: CsvChart): string {
  return toCsv(CHART_CSV_HEADER, chart.entries.map(chartRow));
}

export const GLOBAL_CSV_HEADER = [
  ...RANK_AND_HISTORY,
  "clip_id",
  "title",
  "author",
  "points",
  "regions",
  "number_one_in",
  "best_rank",
  "link",
  "cover",
] as const;

/** A global chart's entries as CSV: the regions where a sound is #1 in one cell, space-separated. */
export function globalChartCsv(chart: { entries: readonly GlobalCsvEntry[] }): string {
  return toCsv(
    GLOBAL_CSV_HEADER,
    chart.entries.map((e) => [
      ...rankAndHistory(e),
      e.clip_id,
      e.title,
      e.author,
      e.points,
      e.regions,
      e.numberOne.join(" "),
      e.bestRank,
      e.link,
      e.cover,
    ]),
  );
}

export interface GlobalCsvEntry extends Derived {
  rank: number;
  clip_id: string;
  title: string;
  author: string;
  points: number;
  regions: number;
  numberOne: readonly string[];
  bestRank: number;
  link: string;
  cover: string;
}
