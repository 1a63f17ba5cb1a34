import { foldedWords, tokensOf } from "./fold";

/**
 * A search request's `q` and `page`, checked and turned into what the index is asked (pure).
 * Everything a client types is folded into words of letters and digits before it gets near
 * FTS5: each word becomes a quoted phrase of its tokens, so quotes, `*`, `NEAR`, `AND`, column
 * filters or SQL fragments are only ever words to find, never syntax.
 */

/** Longest query, in characters after normalising (titles are short; a pasted URL still fits). */
export const MAX_QUERY_CHARS = 200;
/** Most words a query may have: each is a phrase the index intersects. */
export const MAX_QUERY_WORDS = 10;
/**
 * Most tokens a query may have: each is a doclist the index reads. A word of a script written
 * without spaces is many tokens (a CJK character each), so 200 characters of Chinese are one
 * "word" but 200 reads; no title anyone types is longer than this.
 */
export const MAX_QUERY_TOKENS = 40;
/** Results on one page. */
export const RESULTS_PER_PAGE = 50;
/**
 * Sounds a query shows at most, whatever the archive's size (docs/weekly-archive.md "Bounded per request"): a
 * broader query (one common word) is told to add a word. Of the sounds that only contain the
 * words, the newest-indexed are the ones ranked; whole-name and starts-with matches are gathered
 * through their own index first (worker/search/reader.ts), so a cap never drops them.
 */
export const MAX_CANDIDATES = 1_000;
export const MAX_PAGE = MAX_CANDIDATES / RESULTS_PER_PAGE;
/**
 * Whole-name matches, and starts-with matches, a query gathers at most, each: far more than a page
 * shows (a name is rarely shared by more), read in the order of the names' own index. Above it
 * only a query as broad as "original sound" goes, and it is told to add a word.
 */
export const MAX_NAME_MATCHES = 5_000;

// C0 (but tab and line breaks, which a pasted query may hold: they are whitespace), DEL and C1
// controls: never part of a title anyone types.
const CONTROL = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F]/;
// Clip ids are decimal digit strings (worker/charts/schema.ts), 19 digits today.
const CLIP_ID = /^\d{6,32}$/;
// A TikTok music link ends with the sound's id (…/music/Title-7234567890123456789).
const TIKTOK_MUSIC_LINK = /^https?:\/\/(?:www\.|m\.)?tiktok\.com\/music\/[^?#\s]*?(\d{6,32})(?:[/?#].*)?$/i;

export type SearchRequest =
  /** No query: the page that invites one. */
  | { kind: "empty" }
  | { kind: "invalid"; message: string }
  /** A pasted clip id (or TikTok music link): its page, if the archive has it. */
  | { kind: "clip"; clipId: string; query: string; page: 1 }
  | { kind: "words"; query: string; page: number; plan: MatchPlan | null };

/** What the index is asked. null when the query has no letters or digits at all (it finds nothing). */
export interface MatchPlan {
  /** FTS5 MATCH over titles and authors (the source is added by the reader). */
  anywhere: string;
  /** The same, titles only. */
  inTitles: string;
  /** The whole query folded as a title is, for whole-title and prefix matches. */
  folded: string;
  /**
   * The names that start with the query lie strictly between these (binary order): the query's
   * text, or with a space after it when its last token is too short to be a prefix (the same rule
   * as the full-text match, so a name found here always matches there too).
   */
  startsAfter: string;
  startsBefore: string;
}

/** Above every character a folded name holds: the upper end of a range of names with one start. */
const LAST_CHAR = "\u{10FFFF}";

/** NFC, trimmed, inner whitespace collapsed: the query as shown and as cached. */
export function normaliseQuery(raw: string): string {
  return raw.normalize("NFC").trim().replace(/\s+/gu, " ");
}

export function parseSearch(rawQuery: string | undefined, rawPage: string | undefined): SearchRequest {
  // A huge query is refused before any work is done on it.
  if (rawQuery !== undefined && rawQuery.length > MAX_QUERY_CHARS * 4) return tooLong();
  if (rawQuery !== undefined && CONTROL.test(rawQuery))
    return { kind: "invalid", message: "the query must not contain control characters" };
  const page = parsePage(rawPage);
  if (page === null) return { kind: "invalid", message: `page must be a whole number from 1 to ${MAX_PAGE}` };
  const query = normaliseQuery(rawQuery ?? "");
  if (query === "") return { kind: "empty" };
  if ([...query].length > MAX_QUERY_CHARS) return tooLong();
  const clipId = CLIP_ID.exec(query)?.[0] ?? TIKTOK_MUSIC_LINK.exec(query)?.[1];
  if (clipId !== undefined && page === 1) return { kind: "clip", clipId, query, page: 1 };
  const words = foldedWords(query);
  if (words.length > MAX_QUERY_WORDS)
    return { kind: "invalid", message: `the query may have at most ${MAX_QUERY_WORDS} words` };
  if (words.flatMap(tokensOf).length > MAX_QUERY_TOKENS)
    return {
      kind: "invalid",
      message: `the query may have at most ${MAX_QUERY_TOKENS} words, each Chinese or Japanese character counted as one`,
    };
  return { kind: "words", query, page, plan: planOf(words) };
}

/**
 * The last word is matched as a prefix (the word being typed) once its last token has two
 * characters: a one-letter prefix would read a doclist of most of the index, and a CJK token is
 * one character, whole already.
 */
export const MIN_PREFIX_CHARS = 2;

export function planOf(words: readonly string[]): MatchPlan | null {
  if (words.length === 0) return null;
  const lastTokens = tokensOf(words.at(-1) ?? "");
  const lastIsPrefix = [...(lastTokens.at(-1) ?? "")].length >= MIN_PREFIX_CHARS;
  const phrases = words.map((word, i) => {
    const prefix = i === words.length - 1 && lastIsPrefix;
    return `"${tokensOf(word).join(" ")}"${prefix ? "*" : ""}`;
  });
  const all = phrases.join(" AND ");
  // The words are folded already: folding again would cut Thai anew, without its marks.
  const folded = words.flatMap(tokensOf).join(" ");
  const startsAfter = lastIsPrefix ? folded : `${folded} `;
  return {
    anywhere: `{titles authors} : (${all})`,
    inTitles: `{titles} : (${all})`,
    folded,
    startsAfter,
    startsBefore: startsAfter + LAST_CHAR,
  };
}

function parsePage(raw: string | undefined): number | null {
  if (raw === undefined) return 1;
  if (!/^\d{1,3}$/.test(raw)) return null;
  const page = Number(raw);
  return page >= 1 && page <= MAX_PAGE ? page : null;
}

function tooLong(): SearchRequest {
  return { kind: "invalid", message: `the query may be at most ${MAX_QUERY_CHARS} characters long` };
}
