/**
 * A sound as the site shows it in a table and on its own page: the cover (or a box of its
 * initials), the title and the author, each text in `<bdi>` as it may run right-to-left. One
 * definition for the weekly and global chart rows (site/src/lib/chart-rows.ts), the year-end table
 * and the Worker's sound page (sound-render.ts). Pure; every value goes through `html`, the cover
 * URL through safe-url.ts.
 *
 * Each caller keeps the exact bytes it has always written, so the markup comes in three forms:
 * - `row`: a chart row's cell, written short (fixed tokens unquoted, the `td` end tag left out:
 *   chart-rows.ts says why); the 40-pixel image needs no wrapper, the cell is its box.
 * - `cell`: a table cell written in full (every attribute quoted, the end tag written).
 * - `page`: the sound page's 120-pixel cover in its own box (`cv big`).
 */
import { type Html, html } from "./markup";
import { checkCoverUrl } from "./safe-url";
import { initials as initialsOf } from "./text";

export type SoundMarkupForm = "row" | "cell" | "page";

/** What the cell shows, straight from the archive (unchecked, unescaped). */
export interface SoundCellData {
  cover: string;
  title: string;
  author: string;
}

/**
 * The checks a caller may remember (the site build does, once per distinct value:
 * site/src/lib/safe-url.ts and format.ts); each must answer exactly as the Worker's own.
 */
export interface SoundCellChecks {
  coverUrl: (raw: string) => string | null;
  initials: (title: string) => string;
}

const WORKER_CHECKS: SoundCellChecks = { coverUrl: checkCoverUrl, initials: initialsOf };

/**
 * The cover, or a box of the sound's initials for a missing or rejected one; the stylesheet also
 * draws the initials over an image that fails to load (expired). Decoration only: the title is
 * right next to it.
 */
export function soundCover(
  src: string,
  title: string,
  form: SoundMarkupForm,
  checks: SoundCellChecks = WORKER_CHECKS,
): Html {
  const url = checks.coverUrl(src);
  const letters = checks.initials(title);
  if (form === "row") {
    return url
      ? html`<img src="${url}" alt width=40 height=40 loading=lazy referrerpolicy=no-referrer data-i="${letters}">`
      : html`<span class=cv data-i="${letters}"></span>`;
  }
  const [size, box] = form === "page" ? [120, "cv big"] : [40, "cv"];
  if (!url) return html`<span class="${box}" data-i="${letters}"></span>`;
  const image = html`<img src="${url}" alt="" width="${size}" height="${size}" loading="lazy" referrerpolicy="no-referrer" data-i="${letters}">`;
  return form === "page" ? html`<span class="${box}">${image}</span>` : image;
}

/**
 * Cover, title (linking our page for the sound, `soundHref`) and author, in one table cell; the
 * author's `<bdi>` is its own line (site.css), none when the author is empty.
 */
export function soundCell(
  sound: SoundCellData,
  soundHref: string,
  form: Exclude<SoundMarkupForm, "page">,
  checks: SoundCellChecks = WORKER_CHECKS,
): Html {
  const author = sound.author && html`<bdi>${sound.author}</bdi>`;
  const content = html`${soundCover(sound.cover, sound.title, form, checks)}<a href="${soundHref}"><bdi>${sound.title}</bdi></a>${author}`;
  return form === "row" ? html`<td>${content}` : html`<td>${content}</td>`;
}
