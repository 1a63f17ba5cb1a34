import { OpenAPIHono, createRoute, z } from "@hono/zod-openapi";
import type { Context } from "hono";
import type { AppEnv } from "../app-env";
import { decodeCursor, encodeCursor } from "../archive/cursor";
import { ArchiveDump } from "../archive/dump";
import { type DumpLine, parseDumpLine } from "../archive/dump-lines";
import { GlobalStore } from "../archive/global";
import { ADMIN_QUERY_BUDGET, D1_MAX_ROW_BYTES } from "../archive/limits";
import { utf8Bytes } from "../archive/rows";
import { ArchiveStore, storeQueriesAtMost } from "../archive/store";
import type { DataSource } from "../config";
import { InvalidInputError } from "../errors";
import { requireAdmin } from "../http/admin-auth";
import { NO_STORE, NO_STORE_JSON, pageSize } from "../http/archive-http";
import { validQuery } from "../on-error";
import { errorResponses } from "../schemas/archive-api";
import { DERIVE_PATH, mountAdminDerive } from "./admin-derive";
import { mountSearchAdmin } from "./search-admin";

/**
 * The operator's full dump and restore of the archive (`npm run export` / `npm run import`):
 * every source's charts plus the published logs and the gaps, as JSON lines, a bounded page per
 * request (docs/weekly-archive.md "Bounded per request"). Restoring validates every line like the job, then
 * re-derives the charts with the job's own code, so the round trip is lossless; it only ever
 * adds: importing twice changes nothing. An imported week earlier than some stored ones leaves
 * those later weeks to be derived again by the follow-up (admin-derive.ts), so a request's work
 * never grows with the region's history.
 */
/** Under `/api/admin`. */
const ARCHIVE_PATH = "/archive";
export const DUMP_CHARTS_PER_PAGE = 20;
export const DUMP_LOG_ROWS_PER_PAGE = 1_000;
/** The log's restore: one batch of at most three statements. */
const LOG_RESTORE_QUERIES = 3;
/** A touched week's global ranking: GlobalStore.rebuild reads the week, then writes a batch of three. */
const GLOBAL_REBUILD_QUERIES = 4;
/**
 * Charts per import request, so that even its worst case (every chart retried after conflicts, each
 * of another week) stays within ADMIN_QUERY_BUDGET: 18 with a budget of 600.
 */
export const MAX_CHARTS_PER_IMPORT = Math.floor(
  (ADMIN_QUERY_BUDGET - LOG_RESTORE_QUERIES) / (storeQueriesAtMost(false) + GLOBAL_REBUILD_QUERIES),
);
/** Log rows per import request; each kind is bound as one JSON value, under D1's 2 MB per value. */
export const MAX_LOG_ROWS_PER_IMPORT = 2_000;

const STAGES = ["published", "global", "gaps", "charts"] as const;
type Stage = (typeof STAGES)[number];
const dumpCursor = z.object({ t: z.enum(STAGES), a: z.array(z.string()).nullable() });

const bearer = { security: [{ adminToken: [] }] };

const dumpRoute = createRoute({
  method: "get",
  path: ARCHIVE_PATH,
  summary: "Full archive dump (admin), a page at a time",
  description:
    "JSON lines, each with a `type`: the published log, the all-regions log, the gaps, then every chart of every " +
    "source. Follow the `X-Next-Cursor` header until it is absent.",
  ...bearer,
  request: {
    query: z.object({
      cursor: z.string().optional(),
      limit: z
        .string()
        .optional()
        .openapi({ param: { description: "Charts per page (1–100, default 20)" } }),
      logLimit: z
        .string()
        .optional()
        .openapi({ param: { description: "Log rows per page (1–5000, default 1000)" } }),
    }),
  },
  responses: {
    200: { description: "A page of the dump", content: { "application/x-ndjson": { schema: z.string() } } },
    ...errorResponses(400, 401),
  },
});

const restoreRoute = createRoute({
  method: "post",
  path: ARCHIVE_PATH,
  summary: "Restore dump lines (admin); only adds what is missing",
  description:
    `At most ${MAX_CHARTS_PER_IMPORT} charts and ${MAX_LOG_ROWS_PER_IMPORT} log rows per request; every line is checked before anything is written. ` +
    `Later weeks of a region that an imported week changes are derived again by \`POST /api/admin${DERIVE_PATH}\`.`,
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

/** The operator's routes, mounted at `/api/admin`: every one needs the admin token. */
export function adminApi(): OpenAPIHono<AppEnv> {
  const app = new OpenAPIHono<AppEnv>();
  app.openAPIRegistry.registerComponent("securitySchemes", "adminToken", { type: "http", scheme: "bearer" });
  app.use("*", requireAdmin);
  mountSearchAdmin(app);
  // Described, then routed by hand: @hono/zod-openapi cannot type an application/x-ndjson answer.
  app.openAPIRegistry.registerPath(dumpRoute);
  app.get(ARCHIVE_PATH, validQuery(dumpRoute.request.query), (c) => dumpPage(c, c.req.valid("query")));
  app.openapi(restoreRoute, (c) => restore(c));
  mountAdminDerive(app);
  return app;
}

async function dumpPage(
  c: Context<AppEnv>,
  query: { cursor?: string | undefined; limit?: string | undefined; logLimit?: string | undefined },
): Promise<Response> {
  const charts = pageSize(query.limit, DUMP_CHARTS_PER_PAGE, 100);
  const logRows = pageSize(query.logLimit, DUMP_LOG_ROWS_PER_PAGE, 5_000);
  const cursor =
    query.cursor === undefined ? { t: "published" as Stage, a: null } : decodeCursor(query.cursor, dumpCursor);
  const dump = new ArchiveDump(c.env.DB);
  const a = cursor.a ?? [];
  let rows: { line: Record<string, unknown>; key: string[] }[];
  let size = logRows;
  switch (cursor.t) {
    case "published":
      rows = (await dump.publishedPage(cursor.a && { source: a[0]!, region: a[1]!, clipId: a[2]! }, size)).map(
        (row) => ({ line: { type: "published", ...row }, key: [row.source, row.region, row.clip_id] }),
      );
      break;
    case "global":
      rows = (await dump.globalPage(cursor.a && { source: a[0]!, clipId: a[1]! }, size)).map((row) => ({
        line: { type: "global", ...row },
        key: [row.source, row.clip_id],
      }));
      break;
    case "gaps":
      rows = (await dump.gapsPage(cursor.a && { source: a[0]!, region: a[1]!, week: a[2]! }, size)).map((row) => ({
        line: { type: "gap", ...row },
        key: [row.source, row.region, row.week],
      }));
      break;
    case "charts":
      size = charts;
      rows = (await dump.chartsPage(cursor.a && { region: a[0]!, week: a[1]!, source: a[2]! }, size)).map((chart) => ({
        line: { type: "chart", ...chart },
        key: [chart.region, chart.week, chart.source],
      }));
      break;
  }
  const last = rows.at(-1);
  const stage = STAGES.indexOf(cursor.t);
  // A full page may have more after it; a short one ends its stage, and the next stage starts.
  const next =
    last && rows.length === size
      ? { t: cursor.t, a: last.key }
      : stage < STAGES.length - 1
        ? { t: STAGES[stage + 1]!, a: null }
        : null;
  const headers: Record<string, string> = { "Content-Type": "application/x-ndjson", "Cache-Control": NO_STORE };
  if (next) headers["X-Next-Cursor"] = encodeCursor(next);
  return new Response(rows.map(({ line }) => `${JSON.stringify(line)}\n`).join(""), { headers });
}

async function restore(c: Context<AppEnv>) {
  const lines: DumpLine[] = [];
  for (const [i, text] of (await c.req.text()).split("\n").entries()) {
    if (text.trim() === "") continue;
    const line = parseDumpLine(text);
    if (typeof line === "string") throw new InvalidInputError(`line ${i + 1}: ${line}`);
    lines.push(line);
  }
  const rowsOf = <T extends DumpLine["type"]>(type: T) =>
    lines.flatMap((l) => (l.type === type ? [l] : [])) as Extract<DumpLine, { type: T }>[];
  const charts = rowsOf("chart").map((l) => l.snapshot);
  const published = rowsOf("published").map((l) => l.row);
  const globals = rowsOf("global").flatMap((l) => (l.row ? [l.row] : []));
  const gaps = rowsOf("gap").map((l) => l.row);
  if (charts.length > MAX_CHARTS_PER_IMPORT)
    throw new InvalidInputError(`at most ${MAX_CHARTS_PER_IMPORT} charts per request (npm run import splits files)`);
  if (published.length + globals.length + gaps.length > MAX_LOG_ROWS_PER_IMPORT)
    throw new InvalidInputError(
      `at most ${MAX_LOG_ROWS_PER_IMPORT} log rows per request (npm run import splits files)`,
    );
  for (const rows of [published, globals, gaps])
    if (utf8Bytes(JSON.stringify(rows)) > D1_MAX_ROW_BYTES)
      throw new InvalidInputError("these log rows exceed D1's 2 MB per value: send fewer per request");

  // The log first: it is the record of what was announced, and the charts must not re-announce.
  const logRows = await new ArchiveDump(c.env.DB).restoreLog(published, globals, gaps);
  let stored = 0;
  const touched = new Map<string, { source: DataSource; week: string }>();
  for (const snapshot of charts) {
    // Each chart is derived within its own source, whatever this deployment's source is.
    const store = new ArchiveStore(c.env.DB, snapshot.source);
    if (await store.storeSnapshot(snapshot, { publish: false, deferLater: true })) {
      stored++;
      touched.set(`${snapshot.source} ${snapshot.week}`, { source: snapshot.source, week: snapshot.week });
    }
  }
  // Each touched week's global ranking once, after its charts (four queries each).
  for (const { source, week } of touched.values()) await new GlobalStore(c.env.DB, source).rebuild(week);
  return c.json({ charts: { stored, skipped: charts.length - stored }, logRows }, 200, NO_STORE_JSON);
}
