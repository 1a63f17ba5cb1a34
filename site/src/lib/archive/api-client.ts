/**
 * Reads a SiteArchive from a running Worker's public API (ARCHIVE_URL). The build talks only to
 * our own API — never to the upstream — so it costs no credits, and the Worker answers only with
 * its configured source's data. Every response is validated; redirects are refused, so the build
 * cannot be sent anywhere else.
 *
 *   GET /api/status                      → { source, … }
 *   GET /api/regions                     → { regions: [{ code, name, weeks, latestWeek, gaps }] }
 *   GET /api/site/charts[?cursor=…]      → { charts: SlimChart[], next }   (followed until null)
 *   GET /api/debuts?region=XX&limit=n    → { region, items }               (regions with weeks)
 *   GET /api/debuts/global?limit=n       → { items }
 */
import { z } from "zod";
import { slimChartSchema } from "../../../../worker/charts/slim";
import { dataSourceSchema } from "../../../../worker/charts/slim";
import { debutItemSchema, globalDebutItemSchema } from "../../../../worker/charts/site-archive";
import { FEED_ITEM_LIMIT } from "../feed";

const statusSchema = z.object({ source: dataSourceSchema });
const regionsSchema = z.object({
  regions: z.array(
    z.object({
      code: z.string(),
      name: z.string(),
      weeks: z.number().int().min(0),
      latestWeek: z.string().nullable(),
      gaps: z.array(z.string()),
    }),
  ),
});
const chartsPageSchema = z.object({ charts: z.array(slimChartSchema), next: z.string().min(1).nullable() });
const debutsSchema = z.object({ region: z.string(), items: z.array(debutItemSchema) });
const globalDebutsSchema = z.object({ items: z.array(globalDebutItemSchema) });

/** A cursor loop in a misbehaving server must end: 10 years × 71 regions is ≈ 37,000 charts. */
const MAX_CHART_PAGES = 100_000;
/** Debut requests in flight at once: the Worker's D1 is the bottleneck, not the network. */
const DEBUT_CONCURRENCY = 4;

export interface ApiClientOptions {
  baseUrl: string;
  fetch: typeof globalThis.fetch;
  now: Date;
  /** Items per debuts log: what the feeds show. */
  debutLimit?: number;
  timeoutMs?: number;
}

export class ApiError extends Error {
  override name = "ApiError";
}

export async function readArchiveFromApi(options: ApiClientOptions): Promise<unknown> {
  const { fetch, now, debutLimit = FEED_ITEM_LIMIT, timeoutMs = 60_000 } = options;
  const base = new URL(options.baseUrl.endsWith("/") ? options.baseUrl : `${options.baseUrl}/`);

  async function get<T>(path: string, schema: z.ZodType<T>): Promise<T> {
    const url = new URL(path, base);
    const response = await fetch(url, {
      headers: { Accept: "application/json" },
      redirect: "error",
      signal: AbortSignal.timeout(timeoutMs),
    });
    if (!response.ok) {
      const excerpt = (await response.text()).slice(0, 200);
      throw new ApiError(`GET ${url.pathname}${url.search}: HTTP ${response.status} ${excerpt}`);
    }
    const parsed = schema.safeParse(await response.json());
    if (!parsed.success)
      throw new ApiError(`GET ${url.pathname}${url.search}: unexpected body: ${parsed.error.message}`);
    return parsed.data;
  }

  const { source } = await get("api/status", statusSchema);
  const { regions } = await get("api/regions", regionsSchema);

  const charts: z.infer<typeof slimChartSchema>[] = [];
  const cursors = new Set<string>();
  let next: string | null = null;
  for (let page = 0; ; page++) {
    if (page >= MAX_CHART_PAGES) throw new ApiError("GET api/site/charts: too many pages");
    const query: string = next === null ? "" : `?cursor=${encodeURIComponent(next)}`;
    const body: z.infer<typeof chartsPageSchema> = await get(`api/site/charts${query}`, chartsPageSchema);
    charts.push(...body.charts);
    if (body.next === null) break;
    if (cursors.has(body.next)) throw new ApiError(`GET api/site/charts: cursor ${body.next} repeats`);
    cursors.add(body.next);
    next = body.next;
  }

  const withWeeks = regions.filter((region) => region.weeks > 0);
  const debuts = await mapLimited(withWeeks, DEBUT_CONCURRENCY, async (region) => {
    const path = `api/debuts?region=${encodeURIComponent(region.code)}&limit=${debutLimit}`;
    return (await get(path, debutsSchema)).items;
  });
  const global = await get(`api/debuts/global?limit=${debutLimit}`, globalDebutsSchema);

  return {
    version: 1,
    source,
    readAt: now.toISOString(),
    regions: regions.map((region) => ({
      code: region.code,
      name: region.name,
      weeks: charts.filter((chart) => chart.region === region.code).map((chart) => chart.week),
      gaps: region.gaps,
    })),
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
