import type { MiddlewareHandler } from "hono";
import { RETAINED_304_HEADERS, etag } from "hono/etag";
import { sha256Hex } from "../hash";
import { etagMatches } from "../proxy/freshness";

/**
 * ETags and 304s of what the Worker answers from the archive. A strong ETag over the exact bytes
 * (RFC 9110 §8.8.3); If-None-Match compares weakly (§13.1.2), since the edge may weaken the tag
 * when it compresses. A 304 repeats ETag and Cache-Control (§15.4.5) but no content headers.
 */

/** 32 hex digits of the body's SHA-256: the tag every archive answer and page carries. */
const TAG_BYTES = 16;

export async function bodyTag(body: string): Promise<string> {
  return `"${(await sha256Hex(body)).slice(0, TAG_BYTES * 2)}"`;
}

/**
 * Hono's etag for answers made whole on each request (a chart, a CSV, a sitemap file). The 304
 * keeps CORS as every other answer does; Hono hashes in 256 KiB chunks, so a larger body's tag
 * is a chain of digests rather than its plain SHA-256: as stable, and as strong.
 */
export const taggedByBody: MiddlewareHandler = etag({
  generateDigest: async (body) => (await crypto.subtle.digest("SHA-256", body)).slice(0, TAG_BYTES),
  retainedHeaders: [...RETAINED_304_HEADERS, "access-control-allow-origin", "access-control-expose-headers"],
});

/**
 * A 304 in place of a tagged answer the browser has already, for copies kept with their ETag (the
 * colo cache): answered without hashing them again, which Hono's etag would do on every hit.
 */
export function notModifiedOr(request: Request, response: Response): Response {
  const tag = response.headers.get("ETag");
  const ifNoneMatch = request.headers.get("If-None-Match");
  if (tag === null || ifNoneMatch === null || !etagMatches(ifNoneMatch, tag)) return response;
  const headers = new Headers({ ETag: tag });
  const cacheControl = response.headers.get("Cache-Control");
  if (cacheControl !== null) headers.set("Cache-Control", cacheControl);
  return new Response(null, { status: 304, headers });
}
