import type { RenderedPage } from "./sound-page";

/**
 * The shell: a page the site build makes with the site's layout (head, stylesheet, header, demo
 * banner, footer) around these markers (site/src/pages/shell/sound/[source].astro), which the
 * Worker replaces with a page it renders. So a Worker page looks exactly like a built one.
 * Markers are plain words the build writes unchanged, and never escaped.
 */
export const SHELL_MARKERS = {
  title: "@@shell-title@@",
  description: "@@shell-description@@",
  main: "@@shell-main@@",
} as const;

/** The shell's path among the site's files: one per data source, the demo one with its banner. */
export function shellPath(source: string): string {
  return `/shell/sound/${source}/`;
}

export class ShellError extends Error {}

/**
 * The shell with each marker replaced by the page's escaped markup. Each marker must be there
 * exactly once; they are all found in the shell before anything is inserted, so a title that
 * happens to spell a marker stays text.
 */
export function fillShell(shell: string, page: RenderedPage): string {
  const slots = (["title", "description", "main"] as const).map((name) => {
    const at = shell.indexOf(SHELL_MARKERS[name]);
    if (at < 0 || shell.indexOf(SHELL_MARKERS[name], at + 1) >= 0)
      throw new ShellError(`the shell must hold the ${name} marker exactly once`);
    return { at, end: at + SHELL_MARKERS[name].length, markup: page[name].value };
  });
  slots.sort((a, b) => a.at - b.at);
  let out = "";
  let from = 0;
  for (const slot of slots) {
    out += shell.slice(from, slot.at) + slot.markup;
    from = slot.end;
  }
  return out + shell.slice(from);
}
