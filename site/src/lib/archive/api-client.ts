/**
 * Reads a SiteArchive from a running Worker's public API (ARCHIVE_URL). The build talks only to
 * our own API — never to the upstream — so it costs no credits, and the Worker answers only with
 * its configured source's data. Every response is validated (a chart's content by the caller,
 * prepare.ts); redirects are refused, so the build cannot be sent anywhere else; a read that may
 * pass (5xx, 429, the network) is tried again.
 *
 *   GET /api/status                      → { source, … }
 *   GET /api/regions                     → { regions: [{ code, name, weeks, latestWeek, gaps }] }
 *   GET /api/site/charts[?since=n][&cursor=…] → { charts: (SlimChart & { changed })[], next, seq, projection,
 *                                        regions } (followed until null; with `since`, only the charts
 *                                        changed after change number n; `regions`, on the first page only:
 *                                        each region's count of charts and sum of change numbers)
 *   GET /api/debuts?region=XX&limit=n    → { region, items }               (regions with weeks)
 *   GET /api/debuts/global?limit=n       → { items }
 */

import { dataSourceSchema } from "@worker/charts/source";
import { debutsResponseSchema, globalDebutsResponseSchema, regionsResponseSchema } from "@worker/schemas/archive-api";
import { z } from "zod";
import { FEED_ITEM_LIMIT } from "../feed";

// Only what the build reads of the status: its other fields may change without breaking a build.
const statusSchema = z.object({ source: dataSourceSchema });
/** What the archive holds of a region, as the first page of a read says: the build checks its copy against it. */
const regionStateSchema = z.object({ weeks: z.number().int().min(0), changes: z.number().int().min(0) });
export type RegionState = z.infer<typeof regionStateSchema>;

// Charts are kept as they came (chart-store.ts): not parsed here, where zod would drop any field
// this build's schema does not know yet. Each is checked whole where it enters the build
// (prepare.ts prepareChart, prepareArchive); here only what this client reads of it.
const chartPlaceSchema = z.object({ region: z.string(), week: z.string() });
const chartsPageSchema = z.object({
  charts: z.array(z.record(z.string(), z.unknown())),
  next: z.string().min(1).nullable(),
  // Absent from a Worker older than change numbers (or than the projection version, or than the
  // region summary): then every build reads everything.
  seq: z.number().int().min(0).optional(),
  projection: z.number().int().min(0).optional(),
  regions: z.record(z.string(), regionStateSchema).optional(),
});
const changedSchema = z.number().int().min(0);
type ChartsPage = z.infer<typeof chartsPageSchema>;

/** A cursor loop in a misbehaving server must end: 10 years × 71 regions is ≈ 37,000 charts. */
const MAX_CHART_PAGES = 100_000;
/** Debut requests in flight at once: the Worker's D1 is the bottleneck, not the network. */
const DEBUT_CONCURRENCY = 4;
/**
 * Tries per read: a 5xx, a 429 or a network error (a deploy in progress, a blip, a new hostname
 * that does not resolve yet) is tried again after 1 s, 2 s, 4 s, 8 s. Anything else fails at once.
 */
export const READ_TRIES = 5;
export const READ_RETRY_MS = 1_000;

export interface ApiClientOptions {
  baseUrl: string;
  fetch: typeof globalThis.fetch;
  now: Date;
  /** Items per debuts log: what the feeds show. */
  debutLimit?: number;
  /**
   * What to keep of each chart, as its page arrives (by default, the chart): the chart as the API
   * gave it (its change number taken out; not checked beyond its region and week: the caller's
   * job, prepare.ts) and its change number.
   */
  eachChart?: (chart: Record<string, unknown>, index: number, changed: number) => unknown;
  /** Only the charts changed after this change number (a previous read's `seq`); all if absent. */
  since?: number | null;
  timeoutMs?: number;
  /** The first wait between tries of a read (doubled each time); tests pass their own waits. */
  retryMs?: number;
  sleep?: (ms: number) => Promise<void>;
}

export class ApiError extends Error {
  override name = "ApiError";
  /** The HTTP status of an answer refused for it, if one was. */
  status?: number;
}

export type Get = <T>(path: string, schema: z.ZodType<T>) => Promise<T>;

class Retryable extends ApiError {}

export interface Reads {
  fetch: typeof globalThis.fetch;
  timeoutMs: number;
  retryMs: number;
  sleep: (ms: number) => Promise<void>;
}

/**
 * One GET of our API: JSON, no redirects, a deadline, the body checked against its schema; a
 * failure that may pass (5xx, 429, the network) is tried again with backoff.
 */
export function getter(baseUrl: string, reads: Reads): Get {
  const base = new URL(baseUrl.endsWith("/") ? baseUrl : `${baseUrl}/`);
  const once = getOnce(base, reads);
  return async (path, schema) => {
    for (let attempt = 1; ; attempt++) {
      try {
        return await once(path, schema);
      } catch (error) {
        if (!(error instanceof Retryable) || attempt >= READ_TRIES) throw error;
        await reads.sleep(reads.retryMs * 2 ** (attempt - 1));
      }
    }
  };
}

function getOnce(base: URL, { fetch, timeoutMs }: Reads): Get {
  return async (path, schema) => {
    const url = new URL(path, base);
    const what = `GET ${url.pathname}${url.search}`;
    let response: Response;
    try {
      response = await fetch(url, {
        headers: { Accept: "application/json" },
        // Never followed (the build must not be sent anywhere else), and never tried again.
        redirect: "manual",
        signal: AbortSignal.timeout(timeoutMs),
      });
    } catch (error) {
      throw new Retryable(`${what}: ${error instanceof Error ? error.message : String(error)}`);
    }
    if (response.status >= 300 && response.status < 400) {
      await response.body?.cancel();
      throw new ApiError(`${what}: HTTP ${response.status}: a redirect, refused`);
    }
    if (!response.ok) {
      const failure = response.status >= 500 || response.status === 429 ? Retryable : ApiError;
      const error = new failure(`${what}: HTTP ${response.status} ${(await response.text()).slice(0, 200)}`);
      error.status = response.status;
      throw error;
    }
    const parsed = schema.safeParse(await response.json());
    if (!parsed.success) throw new ApiError(`${what}: unexpected body: ${parsed.error.message}`);
    return parsed.data;
  };
}

/**
 * Every chart, page by page, following the opaque cursor until it is null: what `each` keeps of
 * it, and each region's weeks in the order they came.
 */
async function allCharts(
  get: Get,
  each: NonNullable<ApiClientOptions["eachChart"]>,
  since: number | null,
): Promise<{
  charts: unknown[];
  weeks: Map<string, string[]>;
  seq: number | null;
  projection: number | null;
  state: Record<string, RegionState> | null;
}> {
  const charts: unknown[] = [];
  const weeks = new Map<string, string[]>();
  const seen = new Set<string>();
  let cursor: string | null = null;
  // The change number of the first page: a change made while the later pages are read is read
  // again next time rather than missed.
  let seq: number | null | undefined;
  let first: ChartsPage | undefined;
  // The largest page the API gives (100 charts): fewer round trips for a full build.
  const pageAt = (at: string | null): Promise<ChartsPage> => {
    const query =
      `?limit=100${since === null ? "" : `&since=${since}`}` +
      `${at === null ? "" : `&cursor=${encodeURIComponent(at)}`}`;
    const page = get(`api/site/charts${query}`, chartsPageSchema);
    // Awaited below; until then a failure must not count as unhandled.
    page.catch(() => {});
    return page;
  };
  let pending = pageAt(cursor);
  for (let page = 0; page < MAX_CHART_PAGES; page++) {
    const body: ChartsPage = await pending;
    const { charts: batch, next } = body;
    seq ??= body.seq ?? null;
    first ??= body;
    if (next !== null) {
      if (seen.has(next)) throw new ApiError(`GET api/site/charts: cursor ${next} repeats`);
      seen.add(next);
      cursor = next;
      // The next page is read while this one is kept: the Worker's D1 reads and this build's
      // parsing and writing overlap (a full build at ten years is ≈ 370 pages).
      pending = pageAt(cursor);
    }
    for (const { changed, ...chart } of batch) {
      const checked = chartPlaceSchema.safeParse(chart);
      if (!checked.success) throw new ApiError(`GET api/site/charts: unexpected chart: ${checked.error.message}`);
      const { region, week } = checked.data;
      const regionWeeks = weeks.get(region);
      if (regionWeeks) regionWeeks.push(week);
      else weeks.set(region, [week]);
      charts.push(each(chart, charts.length, changedSchema.safeParse(changed).data ?? 0));
    }
    if (next === null) {
      return { charts, weeks, seq, projection: first?.projection ?? null, state: first?.regions ?? null };
    }
  }
  throw new ApiError("GET api/site/charts: too many pages");
}

/** The raw SiteArchive (validated by prepareArchive next). */
export async function readArchiveFromApi(options: ApiClientOptions): Promise<unknown> {
  const { now, debutLimit = FEED_ITEM_LIMIT, timeoutMs = 60_000, eachChart = (chart) => chart } = options;
  const get = getter(options.baseUrl, {
    fetch: options.fetch,
    timeoutMs,
    retryMs: options.retryMs ?? READ_RETRY_MS,
    sleep: options.sleep ?? ((ms) => new Promise((resolve) => setTimeout(resolve, ms))),
  });
  const { source } = await get("api/status", statusSchema);
  const { regions } = await get("api/regions", regionsResponseSchema);
  const since = options.since ?? null;
  const { charts, weeks: weeksOf, seq, projection, state } = await allCharts(get, eachChart, since);
  const withWeeks = regions.filter((region) => region.weeks > 0);
  const debuts = await mapLimited(withWeeks, DEBUT_CONCURRENCY, async (region) => {
    const path = `api/debuts?region=${encodeURIComponent(region.code)}&limit=${debutLimit}`;
    return (await get(path, debutsResponseSchema)).items;
  });
  const global = await get(`api/debuts/global?limit=${debutLimit}`, globalDebutsResponseSchema);
  return {
    version: 1,
    source,
    readAt: now.toISOString(),
    // With `since`, a region's weeks are only those read now: read.ts adds the ones kept from before.
    regions: regions.map(({ code, name, gaps }) => ({
      code,
      name,
      weeks: weeksOf.get(code) ?? [],
      gaps,
    })),
    // What the archive holds of each region, read in the same batch as the first page of charts,
    // and the Worker's projection version: read.ts checks what it kept against them.
    state,
    projection,
    seq,
    charts,
    debuts: debuts.flat(),
    globalDebuts: global.items,
  };
}

/** `map` with at most `limit` calls in flight, results in input order. */
async function mapLimited<T, R>(items: readonly T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array(items.length);
  let nextIndex = 0;
  async function worker() {
    while (nextIndex < items.length) {
      const index = nextIndex++;
      results[index] = await fn(items[index] as T);
    }
  }
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}
