import { OpenAPIHono } from "@hono/zod-openapi";
import type { Context, Next } from "hono";
import { cors } from "hono/cors";
import { type AppDeps, type AppEnv, productionDeps } from "./app-env";
import { stateKey } from "./archive/change-number";
import { countingD1 } from "./archive/query-counter";
import { etagMatches } from "./cache/freshness";
import { configLoader, type DataSource } from "./config";
import { errorResponse } from "./envelope";
import { ConfigError, InvalidInputError, NotFoundError, statusForUpstreamError, UpstreamError } from "./errors";
import { mountAdmin } from "./routes/admin";
import { mountArchive } from "./routes/archive";
import { mountArchiveYear } from "./routes/archive-year";
import { mountMeta } from "./routes/meta";
import { mountSearch } from "./routes/search";
import { siteMiss } from "./routes/site-misses";
import { mountSitemaps } from "./routes/sitemaps";
import { mountSoundPages } from "./routes/sound-pages";
import { ALLOWED_METHODS, MethodNotAllowed, mountTrending } from "./routes/trending";
import { browserMaxAge } from "./views/page-cache";

export function createApp(deps: AppDeps = productionDeps): OpenAPIHono<AppEnv> {
  const configFor = configLoader();
  const app = new OpenAPIHono<AppEnv>({
    // Validation failures become the provider's 400 envelope, before anything costs a credit.
    defaultHook: (result, c) => {
      if (result.success) return;
      const message = result.error.issues.map(describeIssue).join("; ");
      return errorResponse(
        400,
        `invalid input: ${message}`,
        c.get("requestId"),
        sourceHeader(c.get("config")?.dataSource),
      );
    },
  });

  app.use("*", async (c, next) => {
    c.set("requestId", c.req.header("CF-Ray") ?? crypto.randomUUID());
    c.set("app", { deps });
    c.set("config", configFor(c.env));
    await next();
    c.header("X-Data-Source", c.get("config").dataSource);
  });
  app.use(
    "*",
    cors({
      origin: "*",
      allowMethods: ALLOWED_METHODS.split(", "),
      // Drop-in clients still send their KeyAPI key: allowed here, ignored, never forwarded.
      allowHeaders: ["Authorization", "Content-Type", "If-None-Match", "If-Modified-Since"],
      exposeHeaders: ["ETag", "Age", "Last-Modified", "X-Cache", "X-Data-Source", "Retry-After"],
      maxAge: 86_400,
    }),
  );

  // Every archive request and sound page says how much D1 work it did: bounded per request,
  // whatever the archive's size.
  app.use("/api/*", countQueries);
  app.use("/sounds/*", countQueries);
  app.use("/sitemaps/*", countQueries);
  app.use("/search", countQueries);
  // Charts of the archive are the same for everyone until the archive changes: where the colo cache
  // works (custom domains), a repeated one is answered from it, D1 untouched but for the archive's
  // state, read at most once a minute per isolate (archive/change-number.ts).
  app.get("/api/charts/*", (c, next) => fromColoCache(c, next, deps, false));
  app.get("/api/global/*", (c, next) => fromColoCache(c, next, deps, true));
  mountTrending(app);
  mountSearch(app);
  // Before the archive: `/api/charts/{region}/year/{year}` must not reach a weekly route.
  mountArchiveYear(app);
  mountArchive(app);
  mountAdmin(app);
  mountMeta(app);
  mountSoundPages(app);
  mountSitemaps(app);

  // Machine clients get the envelope; every other path reaches the Worker as a request for the
  // site that matched no file (wrangler.toml [assets]): a region redirect or the site's 404 page.
  app.notFound((c) => {
    const { pathname } = new URL(c.req.url);
    if (!MACHINE_PATHS.test(pathname)) return siteMiss(c);
    return errorResponse(404, `not found: ${pathname}`, c.get("requestId") ?? crypto.randomUUID());
  });
  app.onError((error, c) => {
    const requestId = c.get("requestId") ?? crypto.randomUUID();
    const source = sourceHeader(c.get("config")?.dataSource);
    if (error instanceof UpstreamError) {
      const status = statusForUpstreamError(error.kind);
      const retry: Record<string, string> =
        error.retryAfter !== null ? { "Retry-After": String(Math.max(1, error.retryAfter)) } : {};
      return withCors(errorResponse(status, error.message, requestId, { ...source, ...retry }));
    }
    if (error instanceof InvalidInputError)
      return withCors(errorResponse(400, `invalid input: ${error.message}`, requestId, source));
    if (error instanceof NotFoundError) return withCors(errorResponse(404, error.message, requestId, source));
    if (error instanceof MethodNotAllowed) {
      return withCors(
        errorResponse(405, `method ${c.req.method} not allowed`, requestId, { ...source, Allow: error.allow }),
      );
    }
    if (error instanceof ConfigError) {
      console.error(JSON.stringify({ event: "config_error", requestId, message: error.message }));
      return withCors(errorResponse(500, `server misconfigured: ${error.message}`, requestId));
    }
    console.error(
      JSON.stringify({
        event: "unhandled_error",
        requestId,
        path: new URL(c.req.url).pathname,
        error: String(error),
        stack: error instanceof Error ? error.stack : undefined,
      }),
    );
    return withCors(errorResponse(500, "internal error", requestId, source));
  });
  return app;
}

/** The edge endpoint, the archive API and the Worker's own routes: JSON, never the site's 404 page. */
const MACHINE_PATHS = /^\/(v1|api|healthz|openapi\.json|__scheduled)(\/|$)/;

async function countQueries(c: Context<AppEnv>, next: Next): Promise<void> {
  const counter = countingD1(c.env.DB);
  c.env = { ...c.env, DB: counter.db };
  await next();
  c.res.headers.append("Server-Timing", `d1;desc="queries=${counter.queries()} rows_read=${counter.rowsRead()}"`);
}

async function fromColoCache(
  c: Context<AppEnv>,
  next: Next,
  deps: AppDeps,
  global: boolean,
): Promise<Response | undefined> {
  const colo = deps.coloCache();
  if (!colo) return void (await next());
  const source = c.get("config").dataSource;
  const { state, readAt } = await deps.archiveStates.read(c.env.DB, source, deps.now());
  // Not kept while a global ranking waits to be rebuilt: no change number says when it lands.
  if (global && state.globalDue) return void (await next());
  const key = apiCacheKey(c.req.url, source, stateKey(state));
  const cached = await colo.match(key).catch(() => undefined);
  if (cached) {
    const cacheControl = fromRead(cached.headers.get("Cache-Control") ?? "", deps.now(), readAt);
    const etag = cached.headers.get("ETag");
    const inm = c.req.header("If-None-Match");
    if (etag && inm !== undefined && etagMatches(inm, etag))
      return new Response(null, { status: 304, headers: { ETag: etag, "Cache-Control": cacheControl } });
    const response = new Response(cached.body, cached);
    response.headers.set("Cache-Control", cacheControl);
    return response;
  }
  await next();
  const cacheControl = c.res.headers.get("Cache-Control") ?? "";
  if (c.res.status === 200 && /\bpublic\b.*max-age=\d+/.test(cacheControl)) {
    c.executionCtx.waitUntil(colo.put(key, c.res.clone()).catch(() => undefined));
  }
  if (c.res.status === 200 || c.res.status === 304)
    c.res.headers.set("Cache-Control", fromRead(cacheControl, deps.now(), readAt));
}

/** A browser's max-age counted from when the archive state keying the answer was read (views/page-cache.ts). */
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

function describeIssue(issue: { code: string; path: PropertyKey[]; message: string; keys?: string[] }): string {
  if (issue.code === "unrecognized_keys") return `unknown parameter(s): ${(issue.keys ?? []).join(", ")}`;
  const name = issue.path.map(String).join(".");
  if (issue.code === "invalid_type" && name) return `${name} must be given once, as a single value`;
  return issue.message.startsWith(name) ? issue.message : `${name}: ${issue.message}`;
}

function sourceHeader(source: string | undefined): Record<string, string> {
  return source ? { "X-Data-Source": source } : {};
}

/** onError answers replace the response the cors middleware decorated: add CORS again. */
function withCors(response: Response): Response {
  response.headers.set("Access-Control-Allow-Origin", "*");
  response.headers.set(
    "Access-Control-Expose-Headers",
    "ETag, Age, Last-Modified, X-Cache, X-Data-Source, Retry-After",
  );
  return response;
}
