/**
 * The rows of a chart table, as markup: the one part of the site written as strings rather than
 * Astro components, for two measured reasons.
 *
 * - Build time. A row is repeated 100 times a page and ≈ 370,000 times in a full-scale build
 *   (71 regions × 52 weeks). As five components a row (row, cover, movement, sparkline), rows
 *   took 21 of a 31-second build; as one string they take about a second.
 * - Page weight. HTML lets a `td`, `th` or `tr` end tag be left out when the next cell or row
 *   follows (WHATWG HTML §13.1.2.4, "Optional tags"), and an attribute value that is one plain
 *   token go unquoted (§13.1.2.3), which Astro never does: ≈ 65 bytes a row. Only fixed tokens
 *   written here go unquoted; every value from the archive is quoted and escaped.
 *
 * Every value goes through `html`, which escapes it; URLs are checked (safe-url.ts) first. The
 * stylesheet styles cells by position (site.css, "chart rows"), so no cell carries a class but
 * the movement cell.
 */
import type { Movement } from "@worker/charts/derive";
import type { GlobalChartEntry } from "@worker/schemas/global-chart";
import { entryAnchor } from "@worker/views/urls";
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

/**
 * The cover, or a box of the sound's initials for a missing or rejected one; the stylesheet also
 * draws the initials over an image that fails to load (expired). Decoration only: the title is
 * right next to it. In a chart the image needs no wrapper: the cell is its box.
 */
function cover(src: string, title: string): Html {
  const url = safeCoverUrl(src);
  const letters = initials(title);
  return url
    ? html`<img src="${url}" alt width=40 height=40 loading=lazy referrerpolicy=no-referrer data-i="${letters}">`
    : html`<span class=cv data-i="${letters}"></span>`;
}

/**
 * Cover, title (linking our page for the sound) and author, in one cell; each text in `<bdi>`, as
 * it may run right-to-left. The author's `<bdi>` is its own line (site.css); none when it is empty.
 */
function soundCell(entry: Pick<IndexedEntry, "cover" | "title" | "author">, soundHref: string): Html {
  const author = entry.author && html`<bdi>${entry.author}</bdi>`;
  return html`<td>${cover(entry.cover, entry.title)}<a href="${soundHref}"><bdi>${entry.title}</bdi></a>${author}`;
}

function tiktokCell(link: string): Html {
  const tiktok = safeTikTokLink(link);
  return tiktok ? html`<td><a href="${tiktok}">TikTok</a>` : html`<td>`;
}

/** `path`: the trend's path data, drawn once per build (indexed-chart.ts). */
function sparklineCell(path: string): Html {
  return path ? html`<td><svg aria-hidden=true><path d="${path}"/></svg>` : html`<td>`;
}

/** Rank, move, sound, LW, PK, WKS, trend, business use, link: one `tr` per entry. */
export function chartRows(entries: readonly IndexedEntry[], soundLink: (clipId: string) => string): string {
  return entries
    .map(
      (e) =>
        html`<tr id="${entryAnchor(e.clip_id)}"><th scope=row>${e.rank}${movementCell(e.movement, e.change)}${soundCell(e, soundLink(e.clip_id))}<td>${orDash(e.lastWeek)}<td>${e.peak}<td>${e.weeksOnChart}${sparklineCell(e.sparkline)}<td>${e.if_cml ? "✓" : ""}${tiktokCell(e.link)}`
          .value,
    )
    .join("");
}

/** Rank, move, sound, regions, #1 in, points, LW, PK, WKS, link: one `tr` per entry. */
export function globalRows(
  entries: readonly GlobalChartEntry[],
  soundLink: (clipId: string) => string,
  regionName: (code: string) => string,
): string {
  return entries
    .map((e) => {
      const numberOne = e.numberOne.map(
        (code, i) => html`${i > 0 ? " " : ""}<abbr title="${regionName(code)}">${code}</abbr>`,
      );
      return html`<tr id="${entryAnchor(e.clip_id)}"><th scope=row>${e.rank}${movementCell(e.movement, e.change)}${soundCell(e, soundLink(e.clip_id))}<td>${e.regions}<td>${numberOne}<td>${e.points}<td>${orDash(e.lastWeek)}<td>${e.peak}<td>${e.weeksOnChart}${tiktokCell(e.link)}`
        .value;
    })
    .join("");
}
