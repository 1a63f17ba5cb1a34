import { demoBanner } from "./demo-banner";
import { escapeMarkup } from "./markup";
import type { RenderedPage } from "./sound-render";

/**
 * The shell: a page the site build makes with the site's layout (head, stylesheet, header, demo
 * banner, footer) around these markers (site/src/pages/shell/sound.astro), which the Worker
 * replaces with a page it renders. So a Worker page looks exactly like a built one. Markers are
 * plain words the build writes unchanged, and never escapes.
 */
export const SHELL_MARKERS = {
  title: "@@shell-title@@",
  description: "@@shell-description@@",
  main: "@@shell-main@@",
  /** The page's own path, after the site's origin in the canonical link (the shell knows the origin). */
  path: "@@shell-path@@",
} as const;

/** The shell's path among the site's files. */
export const SHELL_PATH = "/shell/sound/";

export class ShellError extends Error {}

/** What fills a shell: the page's markup and, for a shell with a canonical link, its path. */
export type ShellPage = Pick<RenderedPage, "title" | "description" | "main"> & { path?: string };

/**
 * The shell with each marker replaced by the page's escaped markup. Each marker must be there
 * exactly once (the path at most once: a shell with a canonical link needs the page's path); they
 * are all found in the shell before anything is inserted, so a title that happens to spell a
 * marker stays text. The demo banner follows the Worker's data, not the
 * build's: it is added to a page of demo data built without it, and taken out of a page of the
 * provider's data built with it (a build and a Worker on different sources: `npm run dev`, or a
 * source switched before the next build).
 */
export function fillShell(shell: string, page: ShellPage, demo: boolean): string {
  const banner = demoBanner().value;
  const built = shell.includes(banner);
  const base = built && !demo ? shell.replace(banner, "") : shell;
  const main = demo && !built ? banner + page.main.value : page.main.value;
  const fills = {
    title: page.title.value,
    description: page.description.value,
    main,
    path: page.path && escapeMarkup(page.path),
  };
  const slots = (["title", "description", "main", "path"] as const).flatMap((name) => {
    const at = base.indexOf(SHELL_MARKERS[name]);
    if (name === "path" && at < 0) return [];
    if (at < 0 || base.indexOf(SHELL_MARKERS[name], at + 1) >= 0)
      throw new ShellError(`the shell must hold the ${name} marker exactly once`);
    const markup = fills[name];
    if (markup === undefined) throw new ShellError("the shell has a canonical link: the page must give its path");
    return [{ at, end: at + SHELL_MARKERS[name].length, markup }];
  });
  slots.sort((a, b) => a.at - b.at);
  let out = "";
  let from = 0;
  for (const slot of slots) {
    out += base.slice(from, slot.at) + slot.markup;
    from = slot.end;
  }
  return out + base.slice(from);
}
