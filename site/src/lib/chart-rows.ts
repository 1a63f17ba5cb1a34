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
import type { Movement } from "../../../worker/charts/derive";
import type { GlobalChartEntry } from "../../../worker/charts/global-schema";
import { initials, orDash } from "./format";
import type { IndexedEntry } from "./indexed-chart";
import { type Html, html } from "./markup";
import { safeCoverUrl, safeTikTokLink } from "./safe-url";
import { entryAnchor } from "./urls";

/**
 * Up and down carry only the number of places; the stylesheet adds the arrow, "=" for no change
 * and "—" for nothing to compare, each with alternative text (site.css, "Movement"), so "▲3" is
 * read "up 3". The rest is short text, expanded for screen readers where it is not a word.
 */
export function movementCell(movement: Movement, change: number | null): Html {
  switch (movement) {
    case "up":
    case "down":
      return movement === "up"
        ? html`<td class=m-up>${Math.abs(change ?? 0)}`
        : html`<td class=m-down>${Math.abs(change ?? 0)}`;
    case "new":
      return html`<td class=m-new>NEW`;
    case "re":
      return html`<td class=m-re>RE<span class=vh>-entry</span>`;
    case "same":
      return html`<td class=m-same>`;
    case "baseline":
    case "unknown":
      return html`<td class=m-none>`;
  }
}

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

/** Cover, title (linking our page for the sound) and author, in one cell. */
function soundCell(entry: Pick<IndexedEntry, "cover" | "title" | "author">, soundHref: string): Html {
  return html`<td>${cover(entry.cover, entry.title)}<a href="${soundHref}">${entry.title}</a><small>${entry.author}</small>`;
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
