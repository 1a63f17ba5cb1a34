import type { Context, MiddlewareHandler } from "hono";
import type { AppEnv } from "../app-env";
import { type ArchiveState, stateKey } from "../archive/change-number";
import type { DataSource } from "../config";
import { browserMaxAge } from "./page-cache";
import { notModifiedOr } from "./validators";

/**
 * Answers made from the archive, kept in the colo cache (where it works: custom domains) under a
 * key that names the archive state they were made from (archive/change-number.ts), so a repeated
 * one is answered without D1 but for that state, read at most once a minute per isolate. A copy
 * is kept only when it is a public 200. `asOf` is when the state was read (null: no colo cache);
 * `keyed` says the answer was looked up and kept at all.
 */
export async function readThrough(
  c: Context<AppEnv>,
  keyOf: (state: ArchiveState) => Request | null,
  make: () => Promise<Response>,
): Promise<{ response: Response; asOf: number | null; keyed: boolean; hit: boolean }> {
  const { deps } = c.get("app");
  const colo = deps.coloCache();
  if (!colo) return { response: await make(), asOf: null, keyed: false, hit: false };
  const { state, readAt } = await deps.archiveStates.read(c.env.DB, c.get("config").dataSource, deps.now());
  const key = keyOf(state);
  if (!key) return { response: await make(), asOf: readAt, keyed: false, hit: false };
  const cached = await colo.match(key).catch(() => undefined);
  if (cached) return { response: new Response(cached.body, cached), asOf: readAt, keyed: true, hit: true };
  const response = await make();
  if (response.status === 200 && /\bpublic\b.*max-age=\d+/.test(response.headers.get("Cache-Control") ?? ""))
    c.executionCtx.waitUntil(colo.put(key, response.clone()).catch(() => undefined));
  return { response, asOf: readAt, keyed: true, hit: false };
}

/**
 * The archive API's charts through the colo cache: they are the same for everyone until the
 * archive changes. A global chart is not kept while its ranking waits to be rebuilt: no change
 * number says when it lands.
 */
export function archiveAnswersKept(global: boolean): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const source = c.get("config").dataSource;
    const keyOf = (state: ArchiveState) =>
      global && state.globalDue ? null : apiCacheKey(c.req.url, source, stateKey(state));
    const made = async () => {
      await next();
      return c.res;
    };
    const { response, asOf, keyed, hit } = await readThrough(c, keyOf, made);
    if (asOf === null || !keyed) return;
    const now = c.get("app").deps.now();
    if (hit || response.status === 200 || response.status === 304)
      response.headers.set("Cache-Control", fromRead(response.headers.get("Cache-Control") ?? "", now, asOf));
    if (hit) return notModifiedOr(c.req.raw, response);
  };
}

/** A browser's max-age counted from when the archive state keying the answer was read (archive-cache/page-cache.ts). */
function fromRead(cacheControl: string, now: number, readAt: number): string {
  return cacheControl.replace(/(^|[\s,])max-age=(\d+)/, (_, before: string, seconds: string) => {
    return `${before}max-age=${Math.min(Number(seconds), browserMaxAge(now, readAt))}`;
  });
}

/**
 * The URL alone would serve the old source's chart under the new source's name after a switch,
 * until max-age ends (docs/http.md "Only misses reach the gate": everything kept near the reader is
 * keyed by the data source too), and a chart derived again after an import under its old numbers:
 * the key names the archive state the answer was made from (docs/http.md "Caches").
 */
function apiCacheKey(requestUrl: string, source: DataSource, archive: string): Request {
  const url = new URL(requestUrl);
  return new Request(`${url.origin}/__by-source/${source}/${archive}${url.pathname}${url.search}`);
}
