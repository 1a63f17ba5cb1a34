/**
 * The one fold of text for search, used on both sides: a sound's title and author when they are
 * indexed, and a query when it is matched (docs/site.md "/search?q="). Pure, no bindings.
 *
 * - Compatibility forms and case are folded (NFKD, lower case), diacritics dropped (combining
 *   marks removed, then NFC again so Hangul syllables come back whole): "Canción" → "cancion".
 *   Letters with no decomposition that people type without their stroke or ligature (ł ı ß ø æ
 *   œ đ ð þ) are spelled in plain Latin; Persian and Arabic letter variants that keyboards mix (ی/ي/ى,
 *   ک/ك, ة/ه) become one, tatweel (a stretch, not a letter) goes, Arabic-Indic and Persian digits
 *   become ASCII digits.
 * - Whitespace separates words; punctuation inside a word joins it ("Don't" → "dont", "AC/DC" →
 *   "acdc", "P!nk" → "pnk"). The index keeps the pieces too (splitPieces), so "ac dc" still finds
 *   it. Nothing but letters and digits is left: FTS5's query syntax (quotes, `*`, `:`, `^`,
 *   brackets, `+`, `-`) never reaches the index as syntax.
 * - Han, Hiragana and Katakana are written without spaces between words, so each character is a
 *   token of its own here: a query's run of them becomes a phrase of adjacent characters, which
 *   matches that run anywhere in a title (FTS5's unicode61 tokenizer alone would keep a whole
 *   unspaced title as one token, found only by its start). Thai, Lao, Khmer and Myanmar are cut
 *   into words by Intl.Segmenter's dictionaries (a character each would find most titles).
 *
 * FOLD_VERSION names this fold: rows indexed by an older one are folded again in bounded steps
 * (worker/search/backfill.ts). Change it whenever a title's fold changes.
 */
export const FOLD_VERSION = 2;

const MARKS = /\p{M}+/gu;
const NOT_WORD = /[^\p{L}\p{N}]+/u;
const SPACES = /\s+/u;
const CJK = /([\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\u30FC])/gu;
const UNSPACED = /[\p{Script=Thai}\p{Script=Lao}\p{Script=Khmer}\p{Script=Myanmar}]+/gu;
const TATWEEL = /\u0640/gu;
// One segmenter for every call: its dictionaries are the runtime's (ICU), nothing is loaded per call.
const WORDS = new Intl.Segmenter(undefined, { granularity: "word" });

/** Letters NFKD leaves whole, folded to what people type instead (applied after lower-casing). */
const LETTERS: Record<string, string> = {
  ł: "l",
  ı: "i",
  ß: "ss",
  ø: "o",
  æ: "ae",
  œ: "oe",
  đ: "d",
  ð: "d",
  þ: "th",
  ی: "ي", // Persian yeh
  ى: "ي", // alef maksura, written for a final yeh
  ک: "ك", // Persian keheh
  ة: "ه", // teh marbuta, written and typed as heh
};
const LETTER = new RegExp(`[${Object.keys(LETTERS).join("")}]`, "gu");
/** Arabic-Indic (U+0660…) and Persian (U+06F0…) digits. */
const EASTERN_DIGIT = /[\u0660-\u0669\u06F0-\u06F9]/gu;

/** The text's words before punctuation is dropped: folded, whitespace-separated chunks. */
function chunks(text: string): string[] {
  return (
    segmentUnspaced(text.normalize("NFC"))
      .normalize("NFKD")
      .replace(MARKS, "")
      .normalize("NFC")
      .toLowerCase()
      .replace(LETTER, (c) => LETTERS[c] ?? c)
      // Both digit blocks start at a code point ending in 0: the low four bits are the digit.
      .replace(EASTERN_DIGIT, (d) => String((d.codePointAt(0) ?? 0) & 0xf))
      .replace(TATWEEL, "")
      .split(SPACES)
  );
}

/** Runs of scripts written without spaces get spaces between their words (before marks go: the dictionaries need them). */
function segmentUnspaced(text: string): string {
  return text.replace(UNSPACED, (run) => [...WORDS.segment(run)].map((s) => s.segment).join(" "));
}

const piecesOf = (chunk: string) => chunk.split(NOT_WORD).filter((piece) => piece !== "");

/** Words of `text`, folded, punctuation inside each joined: runs of letters and digits (CJK runs not yet split). */
export function foldedWords(text: string): string[] {
  return chunks(text)
    .map((chunk) => piecesOf(chunk).join(""))
    .filter((word) => word !== "");
}

/** The pieces of the words that punctuation joined ("ac", "dc" of "AC/DC"), for the index only. */
export function splitPieces(text: string): string[] {
  return chunks(text)
    .map(piecesOf)
    .filter((pieces) => pieces.length > 1)
    .flat();
}

/** A word as the index's tokens: itself, or one token per CJK character inside it. */
export function tokensOf(word: string): string[] {
  return word
    .replace(CJK, " $1 ")
    .split(" ")
    .filter((token) => token !== "");
}

/** The text as a name: its tokens separated by single spaces. What a whole title or author is compared as. */
export function foldName(text: string): string {
  return foldedWords(text).flatMap(tokensOf).join(" ");
}

/**
 * Lines starting with this hold the pieces of joined words: indexed for the full-text match, never
 * a name (a folded name starts with a letter or a digit, so it can never equal or start with one).
 */
export const PIECES_MARK = "~";

/**
 * The text as the index stores it: its name, and on a second line the pieces of its joined words
 * that are not tokens of the name already (only when there are any).
 */
export function foldForIndex(text: string): string {
  const name = foldName(text);
  const tokens = new Set(name.split(" "));
  const extra = [...new Set(splitPieces(text).flatMap(tokensOf))].filter((t) => !tokens.has(t));
  return extra.length === 0 ? name : `${name}\n${PIECES_MARK} ${extra.join(" ")}`;
}
