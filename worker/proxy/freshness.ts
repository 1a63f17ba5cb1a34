/**
 * HTTP caching headers for a proxied answer (pure). RFC 9111: `Age` is the time since the
 * upstream fetch, and `max-age` stays the full TTL, so a downstream cache does not count the age
 * twice; stale-while-revalidate / stale-if-error (RFC 5861) announce the stale window.
 */
export interface CacheTimes {
  /** The oldest upstream fetch behind the answer (Age). */
  fetchedAt: number;
  /** The newest one (Last-Modified); defaults to fetchedAt. */
  modifiedAt?: number;
  now: number;
  cacheTtlSeconds: number;
  staleTtlSeconds: number;
}

export function cacheHeaders(t: CacheTimes): Record<string, string> {
  const age = Math.max(0, Math.floor((t.now - t.fetchedAt) / 1000));
  return {
    "Cache-Control": `public, max-age=${t.cacheTtlSeconds}, stale-while-revalidate=${t.staleTtlSeconds}, stale-if-error=${t.staleTtlSeconds}`,
    Age: String(age),
    "Last-Modified": new Date(t.modifiedAt ?? t.fetchedAt).toUTCString(),
  };
}

/** If-None-Match uses the weak comparison (RFC 9110 §13.1.2): the edge may weaken our ETag when compressing. */
export function etagMatches(ifNoneMatch: string, etag: string): boolean {
  const strip = (tag: string) => tag.trim().replace(/^W\//, "");
  if (ifNoneMatch.trim() === "*") return true;
  return ifNoneMatch.split(",").some((candidate) => strip(candidate) === strip(etag));
}

/** RFC 9110 §13.1.3: If-Modified-Since is ignored when If-None-Match is present. */
export function isNotModified(headers: Headers, etag: string, lastModifiedMs: number): boolean {
  const inm = headers.get("If-None-Match");
  if (inm !== null) return etagMatches(inm, etag);
  const ims = headers.get("If-Modified-Since");
  if (ims === null) return false;
  const since = Date.parse(ims);
  return !Number.isNaN(since) && Math.floor(lastModifiedMs / 1000) * 1000 <= since;
}
