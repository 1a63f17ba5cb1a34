/**
 * Small text helpers shared by the Worker's pages and the site (site/src/lib/format.ts re-exports
 * them, remembering initials for the length of a build): plain functions, no clock.
 */

/** `1 week`, `3 weeks` */
export function plural(count: number, one: string, many = `${one}s`): string {
  return `${count} ${count === 1 ? one : many}`;
}

// An initial is the first letter, digit or emoji of a word: never punctuation, a mark or an
// invisible bidirectional control.
const VISIBLE = /^[\p{L}\p{N}\p{Extended_Pictographic}]/u;
let segmenter: Intl.Segmenter | undefined;
// The common case without the segmenter (which dominated a full-scale build's profile): ASCII
// punctuation, then an ASCII letter or digit followed by ASCII or nothing. Two ASCII characters
// other than CR LF never share a grapheme, so the letter is a whole grapheme on its own.
const ASCII_INITIAL = /^[\x21-\x2F\x3A-\x40\x5B-\x60\x7B-\x7E]*([A-Za-z0-9])(?:[\x21-\x7E]|$)/;

function firstVisible(word: string): string | undefined {
  const ascii = ASCII_INITIAL.exec(word);
  if (ascii) return ascii[1];
  segmenter ??= new Intl.Segmenter("en", { granularity: "grapheme" });
  for (const { segment } of segmenter.segment(word)) if (VISIBLE.test(segment)) return segment;
  return undefined;
}

/**
 * Up to two initials (the first visible grapheme of the first two words that have one), for the
 * cover's fallback box. Works for any script and for emoji, whose grapheme may be several code
 * points.
 */
export function initials(title: string): string {
  let letters = "";
  let found = 0;
  for (const word of title.split(/\s+/u)) {
    const letter = firstVisible(word);
    if (letter === undefined) continue;
    letters += letter;
    if (++found === 2) break;
  }
  return letters.toLocaleUpperCase("en");
}

/**
 * Bidirectional formatting characters: embeddings and overrides (U+202A–U+202E), isolates
 * (U+2066–U+2069), and the marks LRM, RLM and ALM (U+200E, U+200F, U+061C).
 */
const BIDI_CONTROLS = /[\u202A-\u202E\u2066-\u2069\u200E\u200F\u061C]/g;

/**
 * Text for a page's `<title>` or meta description, which are plain text: no `<bdi>` can contain an
 * override there, and an unclosed U+202E in a title would reverse the rest of the line (" — Author ·
 * Trending Sounds" in a tab, a bookmark, a search result). The controls are dropped; the letters
 * keep their own direction.
 */
export function plainText(text: string): string {
  return text.replace(BIDI_CONTROLS, "");
}
