import { OpenAPIHono } from "@hono/zod-openapi";
import type { AppEnv } from "../app-env";
import { countQueries } from "../http/archive-http";
import { dataHealth, dataHealthRoute } from "./archive-status";
import { mountSearchPage } from "./search";
import { mountSitemapFiles } from "./sitemaps";
import { mountSoundPages } from "./sound-pages";

/** What the Worker answers at the site's own paths: sound and search pages, sound sitemaps, health. */
export function pagesApp(): OpenAPIHono<AppEnv> {
  const app = new OpenAPIHono<AppEnv>();
  for (const path of ["/sounds/*", "/sitemaps/*", "/search"]) app.use(path, countQueries);
  mountSearchPage(app);
  app.get("/healthz", (c) => c.json({ ok: true, service: "trending-sounds", dataSource: c.get("config").dataSource }));
  app.openapi(dataHealthRoute, (c) => dataHealth(c));
  mountSoundPages(app);
  mountSitemapFiles(app);
  return app;
}
