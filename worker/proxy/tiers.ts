import { type RenderedAnswer, isExpired } from "./rendered-answers";
import { type StoredPage, parseStoredPage } from "./stored-page";

/**
 * The proxy's stores for full pages: the colo cache (a speed bonus: a no-op on *.workers.dev,
 * so correctness never depends on it) and KV (global, eventually consistent). The only module
 * that touches either. A tier that throws is a miss, never an error: the gate holds the last good
 * copy, and a failed write only costs speed.
 */

/** KV rejects an expirationTtl under 60 s (developers.cloudflare.com/kv/api/write-key-value-pairs). */
export const KV_MIN_EXPIRATION_TTL_SECONDS = 60;
/** KV values are limited to 25 MiB; a full page is ~30 KB, far below. Keys: 512 bytes (see keys.ts). */
export const KV_MAX_VALUE_BYTES = 25 * 1024 * 1024;

const COLO_CACHE_ORIGIN = "https://colo-cache.trending-sounds.internal/";

interface Lifetimes {
  cacheTtlSeconds: number;
  staleTtlSeconds: number;
}

export async function readAnswer(
  kv: KVNamespace,
  colo: Cache | null,
  key: string,
): Promise<{ page: StoredPage; from: "colo" | "kv" } | null> {
  const fromColo = colo ? await readColo(colo, coloRequest(key)) : null;
  if (fromColo) return { page: fromColo, from: "colo" };
  try {
    const page = parseStoredPage(await kv.get(key, "text"));
    return page ? { page, from: "kv" } : null;
  } catch (error) {
    console.warn(JSON.stringify({ event: "kv_read_failed", error: String(error) }));
    return null;
  }
}

async function readColo(colo: Cache, request: Request): Promise<StoredPage | null> {
  try {
    const hit = await colo.match(request);
    return hit ? parseStoredPage(await hit.text()) : null;
  } catch (error) {
    console.warn(JSON.stringify({ event: "colo_cache_read_failed", error: String(error) }));
    return null;
  }
}

/** Keep a fresh copy near the reader for the rest of its freshness (the Cache API needs a max-age). */
export async function putInColoCache(
  colo: Cache | null,
  key: string,
  page: StoredPage,
  freshForSeconds: number,
): Promise<void> {
  if (!colo || freshForSeconds < 1) return;
  await putColo(colo, coloRequest(key), JSON.stringify(page), freshForSeconds);
}

/**
 * A stale copy the gate just served because it could not refresh (failing, paused, over budget)
 * or while its refresh runs: kept near the reader for a short while, so neither an outage nor a
 * burst is one gate call per request.
 */
export async function holdStaleInColoCache(
  colo: Cache | null,
  key: string,
  page: StoredPage,
  holdSeconds: number,
): Promise<void> {
  if (colo) await putColo(colo, heldRequest(key), JSON.stringify(page), holdSeconds);
}

/** Ends a hold early (the refresh it stood in for has landed), so the colo reads the fresh copy. */
export async function releaseHeldInColoCache(colo: Cache | null, key: string): Promise<void> {
  if (!colo) return;
  try {
    await colo.delete(heldRequest(key));
  } catch (error) {
    console.warn(JSON.stringify({ event: "colo_cache_delete_failed", error: String(error) }));
  }
}

export async function readHeldFromColoCache(colo: Cache | null, key: string): Promise<StoredPage | null> {
  return colo ? readColo(colo, heldRequest(key)) : null;
}

async function putColo(
  colo: Cache,
  request: Request,
  body: string,
  maxAgeSeconds: number,
  headers: Record<string, string> = {},
): Promise<void> {
  const response = new Response(body, {
    headers: {
      "Content-Type": "application/json",
      "Cache-Control": `public, max-age=${Math.floor(maxAgeSeconds)}`,
      ...headers,
    },
  });
  try {
    await colo.put(request, response);
  } catch (error) {
    console.warn(JSON.stringify({ event: "colo_cache_write_failed", error: String(error) }));
  }
}

/**
 * Written once per copy, by the one asker the gate hands the write to (KV allows 1 write per
 * second per key), always from waitUntil: nobody waits on KV.
 */
export async function writeAnswerToKv(
  kv: KVNamespace,
  key: string,
  body: string,
  fetchedAt: number,
  lifetimes: Lifetimes,
): Promise<boolean> {
  if (new TextEncoder().encode(body).byteLength > KV_MAX_VALUE_BYTES) return false;
  const expirationTtl = Math.max(KV_MIN_EXPIRATION_TTL_SECONDS, lifetimes.cacheTtlSeconds + lifetimes.staleTtlSeconds);
  try {
    await kv.put(key, body, { expirationTtl, metadata: { fetchedAt } });
    return true;
  } catch (error) {
    // The gate's own storage still has the copy: a failed KV write only costs speed.
    console.warn(JSON.stringify({ event: "kv_write_failed", key, error: String(error) }));
    return false;
  }
}

/**
 * An answer as an isolate rendered it (the bytes a client gets, its ETag and times), kept near
 * the reader while every page behind it is fresh: another isolate of the colo then answers the
 * same question without reading the full page, validating it, slicing, serialising or hashing
 * (most of the ≈ 3 ms of CPU a first asker pays: `npx node bench/profile-tier.mjs`).
 */
export async function putRenderedInColoCache(
  colo: Cache | null,
  key: string,
  answer: RenderedAnswer,
  now: number,
  lifetimes: Pick<Lifetimes, "cacheTtlSeconds">,
): Promise<void> {
  const freshForSeconds = Math.floor((answer.fetchedAt + lifetimes.cacheTtlSeconds * 1000 - now) / 1000);
  if (!colo || freshForSeconds < 1) return;
  const { etag, fetchedAt, modifiedAt } = answer;
  const times = JSON.stringify({ etag, fetchedAt, modifiedAt });
  await putColo(colo, renderedRequest(key), answer.body, freshForSeconds, { [RENDERED_HEADER]: times });
}

/**
 * The rendered answer another isolate of the colo kept, if it is still fresh at `now` by today's
 * TTL: the colo keeps it as long as the TTL it was written with said, which may since be lower.
 */
export async function readRenderedFromColoCache(
  colo: Cache | null,
  key: string,
  now: number,
  lifetimes: Pick<Lifetimes, "cacheTtlSeconds">,
): Promise<RenderedAnswer | null> {
  if (!colo) return null;
  try {
    const hit = await colo.match(renderedRequest(key));
    if (!hit) return null;
    const times = renderedTimes(hit.headers.get(RENDERED_HEADER));
    if (!times || isExpired(times, now, lifetimes.cacheTtlSeconds)) return null;
    return { ...times, body: await hit.text() };
  } catch (error) {
    console.warn(JSON.stringify({ event: "colo_cache_read_failed", error: String(error) }));
    return null;
  }
}

/** Where a rendered answer's ETag and times travel with its bytes (never sent to a client). */
const RENDERED_HEADER = "X-Rendered-Answer";

/** The header's fields, or null for anything this version did not write. */
function renderedTimes(header: string | null): Omit<RenderedAnswer, "body"> | null {
  try {
    const { etag, fetchedAt, modifiedAt } = JSON.parse(header ?? "null") ?? {};
    const times = [fetchedAt, modifiedAt];
    if (typeof etag !== "string" || !times.every(Number.isFinite)) return null;
    return { etag, fetchedAt, modifiedAt };
  } catch {
    return null;
  }
}

function coloRequest(key: string): Request {
  return new Request(`${COLO_CACHE_ORIGIN}${encodeURIComponent(key)}`);
}

/** Versioned: a later change to what a rendered answer holds never reads an older one. */
function renderedRequest(key: string): Request {
  return new Request(`${COLO_CACHE_ORIGIN}rendered-v1/${encodeURIComponent(key)}`);
}

function heldRequest(key: string): Request {
  return new Request(`${COLO_CACHE_ORIGIN}held/${encodeURIComponent(key)}`);
}
