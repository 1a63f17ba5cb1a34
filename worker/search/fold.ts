/**
 * The one fold of text for search, used on both sides: a sound's title and author when they are
 * indexed, and a query when it is matched (DESIGN.md "/search?q="). Pure, no bindings.
 *
 * - Compatibility forms and case are folded (NFKD, lower case), diacritics dropped (combining
 *   marks removed, then NFC again so Hangul syllables come back whole): "Canción" → "cancion".
 * - Anything that is not a letter or a digit separates words: FTS5's query syntax (quotes, `*`,
 *   `:`, `^`, brackets, `+`, `-`) never reaches the index as syntax.
 * - Han, Hiragana and Katakana are written without spaces between words, so each character is a
 *   word of its own here: a query's run of them becomes a phrase of adjacent characters, which
 *   matches that run anywhere in a title (FTS5's unicode61 tokenizer alone would keep a whole
 *   unspaced title as one token, found only by its start).
 */

const MARKS = /\p{M}+/gu;
const NOT_WORD = /[^\p{L}\p{N}]+/gu;
const CJK = /([\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\u30FC])/gu;

/** Words of `text`, folded, each a run of letters and digits (CJK runs not yet split). */
export function foldedWords(text: string): string[] {
  return text
    .normalize("NFKD")
    .replace(MARKS, "")
    .normalize("NFC")
    .toLowerCase()
    .split(NOT_WORD)
    .filter((word) => word !== "");
}

/** A word as the index's tokens: itself, or one token per CJK character inside it. */
export function tokensOf(word: string): string[] {
  return word
    .replace(CJK, " $1 ")
    .split(" ")
    .filter((token) => token !== "");
}

/** The text as the index stores it: tokens separated by single spaces. */
export function foldForIndex(text: string): string {
  return foldedWords(text).flatMap(tokensOf).join(" ");
}
