/**
 * The chart tables (weekly, global, year-end) as column lists, each column's header and cell
 * together (worker/views/columns.ts), written as strings rather than Astro components. The weekly
 * and global rows are written so for two measured reasons.
 *
 * - Build time. A row is repeated 100 times a page and ≈ 370,000 times in a full-scale build
 *   (71 regions × 52 weeks). As five components a row (row, cover, movement, sparkline), rows
 *   took 21 of a 31-second build; as one string they take about a second.
 * - Page weight. HTML lets a `td`, `th` or `tr` end tag be left out when the next cell or row
 *   follows (WHATWG HTML §13.1.2.4, "Optional tags"), and an attribute value that is one plain
 *   token go unquoted (§13.1.2.3), which Astro never does: ≈ 65 bytes a row. Only fixed tokens
 *   written here go unquoted; every value from the archive is quoted and escaped.
 *
 * Every value goes through `html`, which escapes it; URLs are checked (safe-url.ts) first; the
 * sound cell is the Worker's (worker/views/sound-cell.ts), also on its sound pages. The
 * stylesheet styles cells by position (site.css, "chart rows"), so no cell carries a class but
 * the movement cell.
 */
import type { Movement } from "@worker/charts/derive";
import type { GlobalChartEntry } from "@worker/schemas/global-chart";
import type { YearChartEntry } from "@worker/schemas/year-chart";
import { type Column, cells } from "@worker/views/columns";
import { type SoundCellChecks, type SoundCellData, soundCell } from "@worker/views/sound-cell";
import { entryAnchor, soundUrl } from "@worker/views/urls";
import { initials, movementText, orDash } from "./format";
import type { IndexedEntry } from "./indexed-chart";
import { type Html, html } from "./markup";
import { safeCoverUrl, safeTikTokLink } from "./safe-url";

/**
 * The movement as a reader sees and copies it (▲3 ▼3 NEW RE = —, in the markup itself: reader
 * view, copy and paste, text browsers) and, for a screen reader, as words (format.ts
 * `movementText`). The symbols are hidden from assistive technology, the words from the eye; the
 * words start with a space, so text that ignores the stylesheet reads "▲3 up 3 places".
 */
export function movementCell(movement: Movement, change: number | null): Html {
  const { shown, spoken } = movementText(movement, change);
  const cell = spoken ? html`<span aria-hidden=true>${shown}</span><span class=vh> ${spoken}</span>` : html`${shown}`;
  return html`<td class=${MOVEMENT_CLASS[movement]}>${cell}`;
}

// Fixed tokens, so unquoted (see the top of this file).
const MOVEMENT_CLASS: Record<Movement, Html> = {
  up: html`m-up`,
  down: html`m-down`,
  new: html`m-new`,
  re: html`m-re`,
  same: html`m-same`,
  baseline: html`m-none`,
  unknown: html`m-none`,
};

/** The sound cell (worker/views/sound-cell.ts) with the build's remembered checks. */
const BUILD_CHECKS: SoundCellChecks = { coverUrl: safeCoverUrl, initials };

function soundCellOf(entry: SoundCellData & { clip_id: string }, soundLink: (clipId: string) => string): Html {
  return soundCell(entry, soundLink(entry.clip_id), "row", BUILD_CHECKS);
}

function tiktokCell(link: string): Html {
  const tiktok = safeTikTokLink(link);
  return tiktok ? html`<td><a href="${tiktok}">TikTok</a>` : html`<td>`;
}

/** `path`: the trend's path data, drawn once per build (indexed-chart.ts). */
function sparklineCell(path: string): Html {
  return path ? html`<td><svg aria-hidden=true><path d="${path}"/></svg>` : html`<td>`;
}

const rankColumn: Column<{ rank: number }> = {
  header: html`Rank`,
  cell: (e) => html`<th scope=row>${e.rank}`,
};
const moveColumn: Column<{ movement: Movement; change: number | null }> = {
  header: html`Move`,
  cell: (e) => movementCell(e.movement, e.change),
};
const lastWeekColumn: Column<{ lastWeek: number | null }> = {
  header: html`<abbr title="Last week's rank">LW</abbr>`,
  cell: (e) => html`<td>${orDash(e.lastWeek)}`,
};
const peakColumn: Column<{ peak: number }> = {
  header: html`<abbr title="Peak rank">PK</abbr>`,
  cell: (e) => html`<td>${e.peak}`,
};
const weeksColumn: Column<{ weeksOnChart: number }> = {
  header: html`<abbr title="Weeks on chart">WKS</abbr>`,
  cell: (e) => html`<td>${e.weeksOnChart}`,
};
const linkColumn: Column<{ link: string }> = { header: html`Link`, cell: (e) => tiktokCell(e.link) };

/** A weekly chart's columns: rank, move, sound, LW, PK, WKS, trend, business use, link. */
export function chartColumns(soundLink: (clipId: string) => string): Column<IndexedEntry>[] {
  return [
    rankColumn,
    moveColumn,
    { header: html`Sound`, cell: (e) => soundCellOf(e, soundLink) },
    lastWeekColumn,
    peakColumn,
    weeksColumn,
    { header: html`Trend <span class="vh">(daily, picture only)</span>`, cell: (e) => sparklineCell(e.sparkline) },
    {
      header: html`<abbr title="Approved for business use (TikTok Commercial Music Library)">Biz</abbr>`,
      cell: (e) => html`<td>${e.if_cml ? "✓" : ""}`,
    },
    linkColumn,
  ];
}

/**
 * The global chart's columns: rank, move, sound, regions, #1 in, points, LW, PK, WKS, link. No
 * trend: TikTok's trend is one region's daily curve, scaled to its own peak; there is no global
 * daily series, and a sum or average of regional curves would be a curve nobody measured.
 */
export function globalColumns(
  soundLink: (clipId: string) => string,
  regionName: (code: string) => string,
): Column<GlobalChartEntry>[] {
  return [
    rankColumn,
    moveColumn,
    { header: html`Sound`, cell: (e) => soundCellOf(e, soundLink) },
    { header: html`Regions`, cell: (e) => html`<td>${e.regions}` },
    {
      header: html`#1 in`,
      cell: (e) =>
        html`<td>${e.numberOne.map((code, i) => html`${i > 0 ? " " : ""}<abbr title="${regionName(code)}">${code}</abbr>`)}`,
    },
    {
      header: html`<abbr title="Points: 101 minus its rank in each region, summed">Pts</abbr>`,
      cell: (e) => html`<td>${e.points}`,
    },
    lastWeekColumn,
    peakColumn,
    weeksColumn,
    linkColumn,
  ];
}

/** One `tr` per entry, in the columns' order, end tags left out. */
function rows<Row extends { clip_id: string }>(entries: readonly Row[], columns: readonly Column<Row>[]): string {
  return entries.map((e) => html`<tr id="${entryAnchor(e.clip_id)}">${cells(columns, e)}`.value).join("");
}

/** A weekly chart's rows, in chartColumns' order. */
export function chartRows(entries: readonly IndexedEntry[], soundLink: (clipId: string) => string): string {
  return rows(entries, chartColumns(soundLink));
}

/** The global chart's rows, in globalColumns' order. */
export function globalRows(
  entries: readonly GlobalChartEntry[],
  soundLink: (clipId: string) => string,
  regionName: (code: string) => string,
): string {
  return rows(entries, globalColumns(soundLink, regionName));
}

/**
 * The year-end chart's columns: a weekly chart's conventions with the year's columns in place of
 * movement and last week. Few pages have a year table, so its markup is written in full (every
 * attribute quoted, every end tag written). The seventh column is the one a phone's narrow screen
 * drops (site.css, the weekly chart's trend): here the peak week, as the peak rank stays.
 */
export const YEAR_COLUMNS: readonly Column<YearChartEntry>[] = [
  { header: html`Rank`, cell: (e) => html`<th scope="row">${e.rank}</th>` },
  { header: html`<abbr title="Weeks on the chart this year">WKS</abbr>`, cell: (e) => html`<td>${e.weeks}</td>` },
  { header: html`Sound`, cell: (e) => soundCell(e, soundUrl(e.clip_id), "cell", BUILD_CHECKS) },
  { header: html`<abbr title="Peak rank this year">PK</abbr>`, cell: (e) => html`<td>${e.peak}</td>` },
  {
    header: html`<abbr title="Points: 101 minus its rank each week, summed over the year">Pts</abbr>`,
    cell: (e) => html`<td>${e.points}</td>`,
  },
  { header: html`First week`, cell: (e) => html`<td>${e.firstWeek}${e.debut && " (debut)"}</td>` },
  { header: html`Peak week`, cell: (e) => html`<td>${e.peakWeek}</td>` },
  {
    header: html`Link`,
    cell: (e) => {
      const tiktok = safeTikTokLink(e.link);
      return html`<td>${tiktok && html`<a href="${tiktok}">TikTok</a>`}</td>`;
    },
  },
];

/** The year-end chart's rows, in YEAR_COLUMNS' order. */
export function yearRows(entries: readonly YearChartEntry[]): string {
  return entries.map((e) => html`<tr id="${entryAnchor(e.clip_id)}">${cells(YEAR_COLUMNS, e)}</tr>`.value).join("");
}
