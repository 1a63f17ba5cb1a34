import { demoBanner } from "./demo-banner";
import type { RenderedPage } from "./sound-page";

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
} as const;

/** The shell's path among the site's files. */
export const SHELL_PATH = "/shell/sound/";

export class ShellError extends Error {}

/**
 * The shell with each marker replaced by the page's escaped markup. Each marker must be there
 * exactly once; they are all found in the shell before anything is inserted, so a title that
 * happens to spell a marker stays text. The demo banner follows the Worker's data, not the
 * build's: it is added to a page of demo data built without it, and taken out of a page of the
 * provider's data built with it (a build and a Worker on different sources: `npm run dev`, or a
 * source switched before the next build).
 */
export function fillShell(shell: string, page: RenderedPage, demo: boolean): string {
  const banner = demoBanner().value;
  const built = shell.includes(banner);
  const base = built && !demo ? shell.replace(banner, "") : shell;
  const main = demo && !built ? banner + page.main.value : page.main.value;
  const slots = (["title", "description", "main"] as const).map((name) => {
    const at = base.indexOf(SHELL_MARKERS[name]);
    if (at < 0 || base.indexOf(SHELL_MARKERS[name], at + 1) >= 0)
      throw new ShellError(`the shell must hold the ${name} marker exactly once`);
    return { at, end: at + SHELL_MARKERS[name].length, markup: name === "main" ? main : page[name].value };
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
