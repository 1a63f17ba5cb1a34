import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";

/**
 * WCAG 2.2 contrast (§1.4.3, level AA: 4.5:1 for text) of the stylesheet's colour pairs, in the
 * light theme and the dark one, read from the custom properties in site.css.
 */
const css = readFileSync("site/src/styles/site.css", "utf8");

function themeColours(block: string): Record<string, string> {
  return Object.fromEntries([...block.matchAll(/--([\w-]+):\s*(#[0-9a-f]{3,6})/gi)].map((m) => [m[1]!, m[2]!]));
}

const light = themeColours(css.slice(0, css.indexOf("@media (prefers-color-scheme: dark)")));
const dark = { ...light, ...themeColours(css.slice(css.indexOf("@media (prefers-color-scheme: dark)"))) };

function luminance(hex: string): number {
  const full = hex.length === 4 ? `#${[...hex.slice(1)].map((c) => c + c).join("")}` : hex;
  const [r, g, b] = [1, 3, 5].map((i) => Number.parseInt(full.slice(i, i + 2), 16) / 255);
  const channel = (c: number) => (c <= 0.04045 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4);
  return 0.2126 * channel(r!) + 0.7152 * channel(g!) + 0.0722 * channel(b!);
}

function contrast(a: string, b: string): number {
  const [hi, lo] = [luminance(a), luminance(b)].sort((x, y) => y - x);
  return (hi! + 0.05) / (lo! + 0.05);
}

/** Text colour on the backgrounds it is drawn on. */
const PAIRS: [text: string, background: string][] = [
  ["fg", "bg"],
  ["fg", "stripe"],
  ["muted", "bg"],
  ["muted", "stripe"],
  ["muted", "cover"],
  ["link", "bg"],
  ["link", "stripe"],
  ["up", "bg"],
  ["up", "stripe"],
  ["down", "bg"],
  ["down", "stripe"],
  ["new", "bg"],
  ["new", "stripe"],
  ["note-fg", "note-bg"],
  ["link", "note-bg"],
];

describe.each([
  ["light", light],
  ["dark", dark],
])("the %s theme", (_, colours) => {
  it.each(PAIRS)("draws --%s on --%s at 4.5:1 or more", (text, background) => {
    expect(colours[text], text).toBeDefined();
    expect(colours[background], background).toBeDefined();
    expect(contrast(colours[text]!, colours[background]!)).toBeGreaterThanOrEqual(4.5);
  });
});
