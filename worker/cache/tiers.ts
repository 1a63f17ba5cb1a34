import { type StoredPage, parseStoredPage } from "./entry";

/**
 * The proxy's stores for full pages: the colo cache (a speed bonus: a no-op on *.workers.dev,
 * so correctness never depends on it) and KV (global, eventually consistent). The only module
 * that touches either.
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
  if (colo) {
    const hit = await colo.match(coloRequest(key));
    const page = hit ? parseStoredPage(await hit.text()) : null;
    if (page) return { page, from: "colo" };
  }
  const page = parseStoredPage(await kv.get(key, "text"));
  return page ? { page, from: "kv" } : null;
}

/** Keep a fresh copy near the reader for the rest of its freshness (the Cache API needs a max-age). */
export async function putInColoCache(
  colo: Cache | null,
  key: string,
  page: StoredPage,
  freshForSeconds: number,
): Promise<void> {
  if (!colo || freshForSeconds < 1) return;
  const response = new Response(JSON.stringify(page), {
    headers: { "Content-Type": "application/json", "Cache-Control": `public, max-age=${Math.floor(freshForSeconds)}` },
  });
  await colo.put(coloRequest(key), response);
}

/** Written by the gate only, once per upstream fetch (KV allows 1 write per second per key). */
export async function writeAnswerToKv(
  kv: KVNamespace,
  key: string,
  body: string,
  fetchedAt: number,
  lifetimes: Lifetimes,
): Promise<void> {
  if (body.length > KV_MAX_VALUE_BYTES) return;
  const expirationTtl = Math.max(KV_MIN_EXPIRATION_TTL_SECONDS, lifetimes.cacheTtlSeconds + lifetimes.staleTtlSeconds);
  try {
    await kv.put(key, body, { expirationTtl, metadata: { fetchedAt } });
  } catch (error) {
    // The gate's own storage still has the copy: a failed KV write only costs speed.
    console.warn(JSON.stringify({ event: "kv_write_failed", key, error: String(error) }));
  }
}

function coloRequest(key: string): Request {
  return new Request(`${COLO_CACHE_ORIGIN}${encodeURIComponent(key)}`);
}
