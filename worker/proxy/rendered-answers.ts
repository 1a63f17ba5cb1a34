/**
 * An instance's memory of answers it has just rendered, whole: the body bytes, their ETag and the
 * times behind them, kept while every page behind the answer is fresh by today's CACHE_TTL_SECONDS
 * (docs/http.md "Caches: no cached answer outlives what it describes"). A repeated question is then
 * answered without reading a tier, validating, re-serialising or hashing anything — the hit path
 * the proxy exists for. Bounded: the oldest answers go first past MAX_RENDERED_BYTES.
 */
export const MAX_RENDERED_BYTES = 16 * 1024 * 1024;

export interface RenderedAnswer {
  body: string;
  etag: string;
  /** The oldest and newest upstream fetch behind it (Age, Last-Modified). */
  fetchedAt: number;
  modifiedAt: number;
}

/**
 * Whether some page behind an answer is no longer fresh: judged by the TTL in force now, never the
 * one it was rendered with, so a lowered CACHE_TTL_SECONDS applies to answers already kept.
 */
export function isExpired(answer: Pick<RenderedAnswer, "fetchedAt">, now: number, cacheTtlSeconds: number): boolean {
  return now >= answer.fetchedAt + cacheTtlSeconds * 1000;
}

/** Query strings remembered as spellings of a rendered answer's key (the validator's result). */
export const MAX_SPELLINGS = 10_000;

export class RenderedAnswers {
  private readonly answers = new Map<string, RenderedAnswer>();
  private readonly spellings = new Map<string, string>();
  private bytes = 0;

  private readonly maxBytes: number;

  constructor(maxBytes = MAX_RENDERED_BYTES) {
    this.maxBytes = maxBytes;
  }

  get(key: string, now: number, cacheTtlSeconds: number): RenderedAnswer | null {
    const found = this.answers.get(key);
    if (!found) return null;
    if (isExpired(found, now, cacheTtlSeconds)) {
      this.delete(key);
      return null;
    }
    return found;
  }

  /**
   * The answer for a query string seen before, without validating it again: what a query string
   * means never changes, so the key its validation gave is remembered with it.
   */
  getBySpelling(
    source: string,
    search: string,
    now: number,
    cacheTtlSeconds: number,
  ): { key: string; answer: RenderedAnswer } | null {
    const key = this.spellings.get(`${source}:${search}`);
    const answer = key === undefined ? null : this.get(key, now, cacheTtlSeconds);
    return key !== undefined && answer ? { key, answer } : null;
  }

  rememberSpelling(source: string, search: string, key: string): void {
    if (this.spellings.size >= MAX_SPELLINGS) this.spellings.clear();
    this.spellings.set(`${source}:${search}`, key);
  }

  keep(key: string, answer: RenderedAnswer): void {
    this.delete(key);
    this.answers.set(key, answer);
    this.bytes += answer.body.length;
    // A Map iterates in insertion order: the first key is the oldest answer.
    for (const oldest of this.answers.keys()) {
      if (this.bytes <= this.maxBytes) break;
      this.delete(oldest);
    }
  }

  private delete(key: string): void {
    const found = this.answers.get(key);
    if (!found) return;
    this.bytes -= found.body.length;
    this.answers.delete(key);
  }
}
