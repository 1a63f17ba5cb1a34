import { type OpenAPIHono, createRoute, z } from "@hono/zod-openapi";
import type { Context } from "hono";
import type { AppEnv } from "../app-env";
import { ArchiveStore } from "../archive/store";
import { REGIONS, regionName } from "../charts/regions";
import type { Chart } from "../charts/schema";
import { mountArchiveCharts } from "./archive-charts";
import { LIST_CACHE } from "./archive-http";
import { regionsResponseSchema } from "./archive-schemas";
import { mountArchiveSounds } from "./archive-sounds";
import { mountArchiveStatus } from "./archive-status";

/**
 * The read-only archive API (`/api/*`, DESIGN.md "The archive API"): everything is read from D1
 * through ArchiveStore; nothing here ever reaches the upstream.
 */
export function mountArchive(app: OpenAPIHono<AppEnv>): void {
  app.openapi(regionsRoute, async (c) => {
    const summaries = new Map((await new ArchiveStore(c.env.DB).regionSummaries()).map((s) => [s.region, s]));
    c.header("Cache-Control", LIST_CACHE);
    return c.json(
      {
        regions: REGIONS.map((code) => ({
          code,
          name: regionName(code),
          weeks: summaries.get(code)?.weeks ?? 0,
          latestWeek: summaries.get(code)?.latestWeek ?? null,
        })),
      },
      200,
    );
  });
  mountArchiveCharts(app);
  mountArchiveSounds(app);
  mountArchiveStatus(app);
  app.openapi(exportRoute, (c) => exportArchive(c) as never);
}

/** Charts per D1 page of the export: a page is two queries, however many charts it holds. */
export const EXPORT_PAGE_SIZE = 20;

const regionsRoute = createRoute({
  method: "get",
  path: "/api/regions",
  summary: "Every chart region with its archived weeks",
  responses: {
    200: { description: "The 71 regions", content: { "application/json": { schema: regionsResponseSchema } } },
  },
});

const exportRoute = createRoute({
  method: "get",
  path: "/api/export",
  summary: "The whole archive as JSON lines",
  description: "One chart per line (the shape of /api/charts/{region}/{week}), in region then week order, streamed.",
  responses: {
    200: {
      description: "Newline-delimited charts",
      content: { "application/x-ndjson": { schema: z.string().openapi({ description: "One Chart per line" }) } },
    },
  },
});

/** Pulls a page from D1 only when the client has read the previous one: memory stays flat. */
function exportArchive(c: Context<AppEnv>): Response {
  const store = new ArchiveStore(c.env.DB);
  const encoder = new TextEncoder();
  const requestId = c.get("requestId");
  let after: Pick<Chart, "region" | "week"> | null = null;
  const stream = new ReadableStream<Uint8Array>(
    {
      async pull(controller) {
        try {
          const page = await store.exportPage(after, EXPORT_PAGE_SIZE);
          const last = page.at(-1);
          if (last) {
            controller.enqueue(encoder.encode(page.map((chart) => `${JSON.stringify(chart)}\n`).join("")));
            after = { region: last.region, week: last.week };
          }
          if (page.length < EXPORT_PAGE_SIZE) controller.close();
        } catch (error) {
          // Headers are gone already: the client sees a cut-off stream, the log says why.
          console.error(JSON.stringify({ event: "export_failed", requestId, after, error: String(error) }));
          controller.error(error);
        }
      },
    },
    { highWaterMark: 0 },
  );
  return new Response(stream, { headers: { "Content-Type": "application/x-ndjson", "Cache-Control": LIST_CACHE } });
}
