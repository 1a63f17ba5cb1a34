import { foldForIndex, foldedWords, tokensOf } from "./fold";

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
/** Results on one page. */
export const RESULTS_PER_PAGE = 50;
/**
 * Sounds a query ranks at most, whatever the archive's size (DESIGN.md "Bounded per request"): a
 * broader query (one common word) is told to add a word. The newest-indexed sounds are the ones kept.
 */
export const MAX_CANDIDATES = 1_000;
export const MAX_PAGE = MAX_CANDIDATES / RESULTS_PER_PAGE;

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
}

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
  const phrases = words.map((word, i) => {
    const tokens = tokensOf(word);
    const prefix = i === words.length - 1 && [...(tokens.at(-1) ?? "")].length >= MIN_PREFIX_CHARS;
    return `"${tokens.join(" ")}"${prefix ? "*" : ""}`;
  });
  const all = phrases.join(" AND ");
  return {
    anywhere: `{titles authors} : (${all})`,
    inTitles: `{titles} : (${all})`,
    folded: foldForIndex(words.join(" ")),
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
