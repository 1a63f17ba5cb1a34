import { OpenAPIHono, createRoute } from "@hono/zod-openapi";
import type { Context } from "hono";
import type { AppEnv } from "../app-env";
import { CHART_SIZE } from "../charts/sound";
import { InvalidInputError, MethodNotAllowed, UpstreamError } from "../errors";
import { sha256Hex } from "../hash";
import { clientId } from "../http/client-id";
import { type CacheStatus, type PageAnswer, answerPage } from "../proxy/answer-page";
import { cacheHeaders, isNotModified } from "../proxy/freshness";
import { type ChartQuery, UPSTREAM_PAGE_SIZE, canonicalChart, isUnfiltered } from "../proxy/keys";
import type { RenderedAnswer } from "../proxy/rendered-answers";
import { fullPagesFor, isPastTotal, sliceWindow } from "../proxy/slice";
import { putRenderedInColoCache, readRenderedFromColoCache } from "../proxy/tiers";
import { type TrendingQuery, trendingQuerySchema } from "../schemas/trending-query";
import { errorEnvelopeSchema, successEnvelopeSchema } from "../upstream/schema";

/** Under `/v1`: the provider's path. */
const MUSIC_PATH = "/tiktok/trending/music";
export const ALLOWED_METHODS = "GET, HEAD, OPTIONS";

const inEnvelope = (description: string) => ({
  description,
  content: { "application/json": { schema: errorEnvelopeSchema } },
});
const errorResponses = {
  400: inEnvelope("Invalid input (costs nothing)"),
  429: inEnvelope("This client caused too many upstream calls; see Retry-After"),
  502: inEnvelope("Upstream failure and no copy to serve"),
  503: inEnvelope("Not configured, cooling down, paused or over budget; see Retry-After"),
  504: inEnvelope("Upstream timeout and no copy to serve"),
};

const trendingRoute = createRoute({
  method: "get",
  path: MUSIC_PATH,
  summary: "Trending sounds (cached drop-in for KeyAPI)",
  description:
    "Same parameters and envelope as KeyAPI's endpoint. Answers are served from full cached pages; " +
    "X-Cache says HIT, MISS, STALE or REVALIDATED; Age is the time since the upstream fetch.",
  request: { query: trendingQuerySchema },
  responses: {
    200: { description: "The chart page", content: { "application/json": { schema: successEnvelopeSchema } } },
    304: { description: "Not modified (If-None-Match / If-Modified-Since)" },
    ...errorResponses,
  },
});

/** The edge endpoint, mounted at `/v1`. */
export function endpointApp(): OpenAPIHono<AppEnv> {
  const app = new OpenAPIHono<AppEnv>();
  // The hit path: a query string answered moments ago is answered again from the instance's
  // rendered answer, before validation (its meaning cannot have changed) and every tier.
  app.on(["GET", "HEAD"], MUSIC_PATH, async (c, next) => {
    const { deps } = c.get("app");
    const now = deps.now();
    const search = searchOf(c.req.url);
    const config = c.get("config");
    const found = deps.rendered.getBySpelling(config.dataSource, search, now, config.cacheTtlSeconds);
    if (found) return respond(c, { ...found.answer, status: "HIT" }, now);
    checkRawQuery(search);
    return next();
  });
  app.openapi(trendingRoute, (c) => serveTrending(c, c.req.valid("query")));
  app.all(MUSIC_PATH, (c) => {
    throw new MethodNotAllowed(c.req.method, ALLOWED_METHODS);
  });
  return app;
}

async function serveTrending(c: Context<AppEnv>, query: TrendingQuery): Promise<Response> {
  const config = c.get("config");
  const { deps } = c.get("app");
  if (config.dataSource === "keyapi" && !config.apiKey) {
    throw new UpstreamError(
      "not_configured",
      "upstream not configured: set the KEYAPI_KEY secret (or DATA_SOURCE=demo)",
      3600,
    );
  }
  const chart: ChartQuery = {
    region: query.region,
    period: query.period,
    newToTop100: query.new_to_top_100,
    commercialMusic: query.commercial_music,
    searchKeyword: query.search_keyword,
  };
  const now = deps.now();
  const key = `${config.dataSource}:${canonicalChart(chart)}&page=${query.page}&limit=${query.limit}`;
  const kept = deps.rendered.get(key, now, config.cacheTtlSeconds) ?? (await keptInColo(c, key, now));
  const answer = kept ? { ...kept, status: "HIT" as const } : await render(c, chart, query, now);
  // One writer per answer: the joiners of a stampede render the same bytes, and only the first
  // to finish keeps them and writes them to the colo cache (no await from this check to `keep`).
  const fresh = !kept && answer.status !== "STALE";
  if (fresh && deps.rendered.get(key, now, config.cacheTtlSeconds)?.etag !== answer.etag) {
    const { body, etag, fetchedAt, modifiedAt } = answer;
    const rendered = { body, etag, fetchedAt, modifiedAt };
    deps.rendered.keep(key, rendered);
    c.executionCtx.waitUntil(putRenderedInColoCache(deps.coloCache(), key, rendered, now, config));
  }
  deps.rendered.rememberSpelling(config.dataSource, searchOf(c.req.url), key);
  return respond(c, answer, now);
}

/** An answer another isolate of the colo rendered, kept in this instance's memo too. */
async function keptInColo(c: Context<AppEnv>, key: string, now: number): Promise<RenderedAnswer | null> {
  const { deps } = c.get("app");
  const found = await readRenderedFromColoCache(deps.coloCache(), key, now, c.get("config"));
  if (found) deps.rendered.keep(key, found);
  return found;
}

function respond(c: Context<AppEnv>, answer: RenderedAnswer & { status: CacheStatus }, now: number): Response {
  const config = c.get("config");
  const headers = new Headers({
    "Content-Type": "application/json; charset=utf-8",
    ETag: answer.etag,
    "X-Cache": answer.status,
    ...cacheHeaders({
      fetchedAt: answer.fetchedAt,
      modifiedAt: answer.modifiedAt,
      now,
      cacheTtlSeconds: config.cacheTtlSeconds,
      staleTtlSeconds: config.staleTtlSeconds,
    }),
  });
  if (isNotModified(c.req.raw.headers, answer.etag, answer.modifiedAt))
    return new Response(null, { status: 304, headers });
  return new Response(answer.body, { status: 200, headers });
}

/** The answer through the tiers: the full pages the window needs, sliced, serialised and tagged. */
async function render(
  c: Context<AppEnv>,
  chart: ChartQuery,
  query: TrendingQuery,
  now: number,
): Promise<RenderedAnswer & { status: CacheStatus }> {
  const config = c.get("config");
  const { deps } = c.get("app");
  const client = await clientId(c.req.header("CF-Connecting-IP"));
  const answerDeps = {
    kv: c.env.ANSWERS,
    colo: deps.coloCache(),
    gate: c.env.GATE.get(c.env.GATE.idFromName(deps.gateName)),
    held: deps.held,
    waitUntil: (p: Promise<unknown>) => c.executionCtx.waitUntil(p),
  };
  const answers: PageAnswer[] = [];
  for (const fullPage of fullPagesFor(query.page, query.limit)) {
    // Learn the total from page 1 (which every other asker of this chart shares) before asking
    // for a page that may lie past it: past the top 100, or in a filtered chart, whose total is
    // often short of 100 — rather than pay for a page nobody else will ask for.
    const mayBePastTotal = fullPage > CHART_SIZE / UPSTREAM_PAGE_SIZE || (fullPage > 1 && !isUnfiltered(chart));
    if (answers.length === 0 && mayBePastTotal) {
      answers.push(await answerPage(answerDeps, config, chart, 1, client, now));
    }
    const known = answers[0];
    if (known && isPastTotal(fullPage, known.total)) break;
    answers.push(await answerPage(answerDeps, config, chart, fullPage, client, now));
  }
  const window = sliceWindow(
    query.page,
    query.limit,
    answers.map((a) => ({ page: a.page, total: a.total, rows: a.entry?.sound_list ?? [] })),
  );
  // Age from the oldest page served; Last-Modified (and If-Modified-Since) from the newest.
  const fetchedAt = Math.min(...answers.map((a) => a.fetchedAt));
  const modifiedAt = Math.max(...answers.map((a) => a.fetchedAt));
  const first = answers.find((a) => a.entry)?.entry;
  const body = JSON.stringify({
    code: 0,
    message: first?.message ?? "success",
    data: window,
    requestId: first?.requestId ?? (await localRequestId(chart, query, fetchedAt)),
  });
  return {
    body,
    etag: `"${(await sha256Hex(body)).slice(0, 32)}"`,
    fetchedAt,
    modifiedAt,
    status: overallStatus(answers.map((a) => a.status)),
  };
}

/** The weakest tier used decides what the client is told. */
function overallStatus(statuses: CacheStatus[]): CacheStatus {
  for (const status of ["STALE", "MISS", "REVALIDATED"] as const) if (statuses.includes(status)) return status;
  return "HIT";
}

/** A page answered locally has no upstream requestId: derive one, so the same answer has the same bytes. */
async function localRequestId(chart: ChartQuery, query: TrendingQuery, fetchedAt: number): Promise<string> {
  const h = await sha256Hex(JSON.stringify([chart, query.page, query.limit, fetchedAt]));
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20, 32)}`;
}

/** The query string of a request URL, `?` included (as URL.search gives it), without parsing the URL. */
function searchOf(url: string): string {
  const start = url.indexOf("?");
  if (start < 0) return "";
  const end = url.indexOf("#", start);
  const search = end < 0 ? url.slice(start) : url.slice(start, end);
  return search === "?" ? "" : search;
}

/**
 * Hono keeps an undecodable %-escape as literal text and drops a nameless parameter, so the
 * schema would see something the client never sent (and spend a credit on it): reject both.
 */
function checkRawQuery(search: string): void {
  for (const part of search.replace(/^\?/, "").split("&")) {
    if (part === "") continue;
    if (part.startsWith("=")) throw new InvalidInputError("a parameter has no name");
    try {
      decodeURIComponent(part.replaceAll("+", " "));
    } catch {
      throw new InvalidInputError("the query string is not valid percent-encoded UTF-8");
    }
  }
}
