import { type OpenAPIHono, createRoute, z } from "@hono/zod-openapi";
import type { Context } from "hono";
import type { AppEnv } from "../app-env";
import { ArchiveStore, type PublishedItem } from "../archive/store";
import { chartSchema } from "../charts/schema";
import { errorResponse } from "../envelope";
import { InvalidInputError } from "../errors";
import { NO_STORE, isAdmin, jsonResponse } from "./archive-http";
import { errorResponses } from "./archive-schemas";

/**
 * The operator's full dump and restore of the archive (`npm run export` / `npm run import`):
 * every chart plus the published-items log and the gaps, as JSON lines. Restoring re-derives the
 * charts with the same code the job runs, so the round trip is lossless, and it only ever adds:
 * importing twice changes nothing.
 */
export const ADMIN_ARCHIVE_PATH = "/api/admin/archive";
const PAGE = 20;
/** One import request stays well inside D1's 1,000 queries per invocation (~5 per chart). */
export const MAX_CHARTS_PER_IMPORT = 50;

const publishedLine = z.object({
  type: z.literal("published"),
  region: z.string(),
  clip_id: z.string(),
  week: z.string(),
  first_seen: z.number().int(),
  title: z.string(),
  author: z.string(),
  cover: z.string(),
  rank: z.number().int(),
});
const gapLine = z.object({
  type: z.literal("gap"),
  region: z.string(),
  week: z.string(),
  recorded_at: z.number().int(),
});
const chartLine = chartSchema.extend({ type: z.literal("chart") });
const dumpLine = z.discriminatedUnion("type", [publishedLine, gapLine, chartLine]);

const DERIVED_FIELDS = ["lastWeek", "peak", "weeksOnChart", "firstWeek", "movement", "change"];
const bearer = { security: [{ adminToken: [] }] };

const dumpRoute = createRoute({
  method: "get",
  path: ADMIN_ARCHIVE_PATH,
  summary: "Full archive dump (admin)",
  description: "JSON lines: the published log, the gaps, then every chart, each line with a `type`.",
  ...bearer,
  responses: {
    200: { description: "Dump", content: { "application/x-ndjson": { schema: z.string() } } },
    ...errorResponses(401),
  },
});

const restoreRoute = createRoute({
  method: "post",
  path: ADMIN_ARCHIVE_PATH,
  summary: "Restore a dump (admin); only adds what is missing",
  ...bearer,
  responses: {
    200: {
      description: "What was added",
      content: {
        "application/json": {
          schema: z.object({ charts: z.object({ stored: z.number(), skipped: z.number() }), logRows: z.number() }),
        },
      },
    },
    ...errorResponses(400, 401),
  },
});

export function mountAdmin(app: OpenAPIHono<AppEnv>): void {
  app.openAPIRegistry.registerComponent("securitySchemes", "adminToken", { type: "http", scheme: "bearer" });
  app.use(ADMIN_ARCHIVE_PATH, async (c, next) => {
    if (!(await isAdmin(c.req.header("Authorization"), c.get("config").adminToken))) {
      return errorResponse(401, "admin token required", c.get("requestId"), { "WWW-Authenticate": "Bearer" });
    }
    await next();
  });
  app.openapi(dumpRoute, (c) => dump(c) as never);
  app.openapi(restoreRoute, (c) => restore(c) as never);
}

function dump(c: Context<AppEnv>): Response {
  const store = new ArchiveStore(c.env.DB);
  const encoder = new TextEncoder();
  const lines = (rows: unknown[]) => encoder.encode(rows.map((row) => `${JSON.stringify(row)}\n`).join(""));
  let stage: "published" | "gaps" | "charts" = "published";
  let afterItem: { region: string; clipId: string } | null = null;
  let afterChart: { region: string; week: string } | null = null;
  const stream = new ReadableStream<Uint8Array>(
    {
      async pull(controller) {
        if (stage === "published") {
          const page: PublishedItem[] = await store.publishedPage(afterItem, 500);
          controller.enqueue(lines(page.map((item) => ({ type: "published", ...item }))));
          const last = page.at(-1);
          if (last) afterItem = { region: last.region, clipId: last.clip_id };
          if (page.length < 500) stage = "gaps";
        } else if (stage === "gaps") {
          controller.enqueue(lines((await store.allGaps()).map((gap) => ({ type: "gap", ...gap }))));
          stage = "charts";
        } else {
          const page = await store.exportPage(afterChart, PAGE);
          controller.enqueue(lines(page.map((chart) => ({ type: "chart", ...chart }))));
          const last = page.at(-1);
          if (last) afterChart = { region: last.region, week: last.week };
          if (page.length < PAGE) controller.close();
        }
      },
    },
    { highWaterMark: 0 },
  );
  return new Response(stream, { headers: { "Content-Type": "application/x-ndjson", "Cache-Control": NO_STORE } });
}

async function restore(c: Context<AppEnv>): Promise<Response> {
  const parsed = (await c.req.text())
    .split("\n")
    .filter((line) => line.trim() !== "")
    .map((line, i) => {
      let json: unknown;
      try {
        json = JSON.parse(line);
      } catch {
        throw new InvalidInputError(`line ${i + 1} is not JSON`);
      }
      const result = dumpLine.safeParse(json);
      if (!result.success)
        throw new InvalidInputError(`line ${i + 1} is not a dump line: ${result.error.issues[0]?.message}`);
      return result.data;
    });
  const charts = parsed.flatMap((l) => (l.type === "chart" ? [l] : []));
  if (charts.length > MAX_CHARTS_PER_IMPORT) {
    throw new InvalidInputError(`at most ${MAX_CHARTS_PER_IMPORT} charts per request (npm run import splits files)`);
  }
  const store = new ArchiveStore(c.env.DB);
  // The log first: it is the record of what was announced, and the charts must not re-announce.
  const logRows = await store.restoreLog(
    parsed.flatMap(({ type, ...row }) => (type === "published" ? [row as PublishedItem] : [])),
    parsed.flatMap((line) =>
      line.type === "gap" ? [{ region: line.region, week: line.week, recorded_at: line.recorded_at }] : [],
    ),
  );
  let stored = 0;
  for (const chart of charts) {
    const entries = chart.entries.map((entry) =>
      Object.fromEntries(Object.entries(entry).filter(([key]) => !DERIVED_FIELDS.includes(key))),
    );
    const added = await store.storeSnapshot(
      {
        region: chart.region,
        week: chart.week,
        fetchedAt: Date.parse(chart.fetchedAt),
        source: chart.source,
        entries: entries as never,
      },
      { publish: false },
    );
    if (added) stored++;
  }
  return jsonResponse({ charts: { stored, skipped: charts.length - stored }, logRows }, NO_STORE);
}
