import { OpenAPIHono } from "@hono/zod-openapi";
import type { Context, MiddlewareHandler } from "hono";
import { cors } from "hono/cors";
import { type AppDeps, type AppEnv, productionDeps } from "./app-env";
import { configLoader } from "./config";
import { errorResponse } from "./envelope";
import { siteMiss } from "./http/site-misses";
import { invalidInput, onError } from "./on-error";
import { adminApi } from "./routes/admin";
import { archiveApi } from "./routes/archive";
import { serveOpenApi } from "./routes/meta";
import { pagesApp } from "./routes/pages";
import { ALLOWED_METHODS, endpointApp } from "./routes/trending";

export function createApp(deps: AppDeps = productionDeps): OpenAPIHono<AppEnv> {
  const app = new OpenAPIHono<AppEnv>({ defaultHook: invalidInput });
  app.use("*", requestContext(deps));
  app.use("*", cors(CORS));
  app.route("/v1", endpointApp());
  app.route("/api", archiveApi());
  app.route("/api/admin", adminApi());
  app.route("/", pagesApp());
  serveOpenApi(app);
  app.notFound(notFound);
  app.onError(onError);
  return app;
}

/** Every request's id, the app's dependencies and its config; every answer names the data source. */
function requestContext(deps: AppDeps): MiddlewareHandler<AppEnv> {
  const configFor = configLoader();
  return async (c, next) => {
    c.set("requestId", c.req.header("CF-Ray") ?? crypto.randomUUID());
    c.set("app", { deps });
    c.set("config", configFor(c.env));
    await next();
    c.header("X-Data-Source", c.get("config").dataSource);
  };
}

const CORS = {
  origin: "*",
  allowMethods: ALLOWED_METHODS.split(", "),
  // Drop-in clients still send their KeyAPI key: allowed here, ignored, never forwarded.
  allowHeaders: ["Authorization", "Content-Type", "If-None-Match", "If-Modified-Since"],
  exposeHeaders: ["ETag", "Age", "Last-Modified", "X-Cache", "X-Data-Source", "Retry-After"],
  maxAge: 86_400,
};

/** The edge endpoint, the archive API and the Worker's own routes: JSON, never the site's 404 page. */
const MACHINE_PATHS = /^\/(v1|api|healthz|openapi\.json|__scheduled)(\/|$)/;

/**
 * Machine clients get the envelope; every other path reaches the Worker as a request for the
 * site that matched no file (wrangler.toml [assets]): a region redirect or the site's 404 page.
 */
function notFound(c: Context<AppEnv>): Response | Promise<Response> {
  const { pathname } = new URL(c.req.url);
  if (!MACHINE_PATHS.test(pathname)) return siteMiss(c);
  return errorResponse(404, `not found: ${pathname}`, c.get("requestId") ?? crypto.randomUUID());
}
