import { OpenAPIHono, createRoute, z } from "@hono/zod-openapi";
import type { Context } from "hono";
import type { AppEnv } from "../app-env";
import { decodeCursor, encodeCursor } from "../archive/cursor";
import { ArchiveDump } from "../archive/dump";
import { SITE_PROJECTION } from "../archive/rows";
import { archiveAnswersKept } from "../archive-cache/archive-copies";
import { REGIONS, regionName } from "../charts/regions";
import { JSON_TYPE, LIST_CACHE, archiveOf, countQueries, pageSize } from "../http/archive-http";
import { validQuery } from "../on-error";
import { errorResponses, regionsResponseSchema } from "../schemas/archive-api";
import { slimChartSchema } from "../schemas/slim";
import { mountArchiveCharts } from "./archive-charts";
import { mountArchiveGlobal } from "./archive-global";
import { mountArchiveSounds } from "./archive-sounds";
import { mountArchiveStatus } from "./archive-status";
import { mountArchiveYear } from "./archive-year";
import { mountSearchApi } from "./search";
import { mountSitemapList } from "./sitemaps";

/**
 * The read-only archive API, mounted at `/api` (docs/weekly-archive.md "The archive API"): everything
 * is read from D1, a bounded amount per request; nothing here ever reaches the upstream. The admin
 * routes are their own app (admin.ts).
 */
export function archiveApi(): OpenAPIHono<AppEnv> {
  const app = new OpenAPIHono<AppEnv>();
  app.use("*", countQueries);
  app.get("/charts/*", archiveAnswersKept(false));
  app.get("/global/*", archiveAnswersKept(true));
  mountSearchApi(app);
  // Before the weekly charts: `/charts/{region}/year/{year}` must not reach a weekly route.
  mountArchiveYear(app);
  app.openapi(regionsRoute, async (c) => {
    const { charts, jobLog } = archiveOf(c);
    const [summaries, gaps] = await Promise.all([charts.regionSummaries(), jobLog.gapsByRegion()]);
    const byRegion = new Map(summaries.map((s) => [s.region, s]));
    c.header("Cache-Control", LIST_CACHE);
    return c.json(
      {
        regions: REGIONS.map((code) => ({
          code,
          name: regionName(code),
          weeks: byRegion.get(code)?.weeks ?? 0,
          latestWeek: byRegion.get(code)?.latestWeek ?? null,
          gaps: gaps.get(code) ?? [],
        })),
      },
      200,
    );
  });
  mountArchiveCharts(app);
  mountArchiveGlobal(app);
  mountArchiveSounds(app);
  mountArchiveStatus(app);
  // Described, then routed by hand: @hono/zod-openapi cannot type an application/x-ndjson answer.
  app.openAPIRegistry.registerPath(exportRoute);
  app.get("/export", validQuery(exportRoute.request.query), (c) => exportPage(c, c.req.valid("query")));
  app.openapi(siteChartsRoute, (c) => siteCharts(c, c.req.valid("query")));
  mountSitemapList(app);
  return app;
}

/** Charts per export page by default, and at most: a page is two D1 queries however many it holds. */
export const EXPORT_PAGE_SIZE = 20;
export const EXPORT_MAX_PAGE_SIZE = 100;
export const SITE_PAGE_SIZE = 50;
export const SITE_MAX_PAGE_SIZE = 100;

const pagedQuery = (fallback: number, max: number) =>
  z.object({
    cursor: z
      .string()
      .optional()
      .openapi({ param: { description: "The `next` cursor of the previous page (absent for the first page)." } }),
    limit: z
      .string()
      .optional()
      .openapi({
        param: { description: `Charts per page, 1–${max} (default ${fallback}).` },
        example: String(fallback),
      }),
  });

const regionsRoute = createRoute({
  method: "get",
  path: "/regions",
  summary: "Every chart region with its archived weeks and gaps",
  responses: {
    200: { description: "The 71 regions", content: { "application/json": { schema: regionsResponseSchema } } },
  },
});

const exportRoute = createRoute({
  method: "get",
  path: "/export",
  summary: "The whole archive as JSON lines, a page at a time",
  description:
    "One chart per line (the shape of /api/charts/{region}/{week}), every data source, in source, region and week " +
    'order. Paged: the response\'s `X-Next-Cursor` header (and `Link: <…>; rel="next"`) gives the cursor of the ' +
    "next page; it is absent on the last page.",
  request: { query: pagedQuery(EXPORT_PAGE_SIZE, EXPORT_MAX_PAGE_SIZE) },
  responses: {
    200: {
      description: "Newline-delimited charts",
      headers: z.object({ "X-Next-Cursor": z.string().optional().openapi({ description: "Cursor of the next page" }) }),
      content: { "application/x-ndjson": { schema: z.string().openapi({ description: "One Chart per line" }) } },
    },
    ...errorResponses(400),
  },
});

const exportCursor = z.object({ r: z.string(), w: z.string(), s: z.string() });

interface PagedQuery {
  cursor?: string | undefined;
  limit?: string | undefined;
}

async function exportPage(c: Context<AppEnv>, query: PagedQuery): Promise<Response> {
  const size = pageSize(query.limit, EXPORT_PAGE_SIZE, EXPORT_MAX_PAGE_SIZE);
  const after = query.cursor === undefined ? null : decodeCursor(query.cursor, exportCursor);
  const page = await new ArchiveDump(c.env.DB).chartsPage(
    after && { region: after.r, week: after.w, source: after.s },
    size,
  );
  const last = page.at(-1);
  const headers: Record<string, string> = { "Content-Type": "application/x-ndjson", "Cache-Control": LIST_CACHE };
  if (last && page.length === size) {
    const next = encodeCursor({ r: last.region, w: last.week, s: last.source });
    headers["X-Next-Cursor"] = next;
    headers.Link = `</api/export?cursor=${next}&limit=${size}>; rel="next"`;
  }
  return new Response(page.map((chart) => `${JSON.stringify(chart)}\n`).join(""), { headers });
}

/** The shared slim chart, plus what only this route answers: the chart's change number. */
const siteChartSchema = slimChartSchema
  .extend({
    changed: z
      .number()
      .int()
      .min(0)
      .openapi({ description: "The chart's change number: the `seq` at which it last changed (0: before numbers)" }),
  })
  .openapi("SiteChart");

const regionChangesSchema = z.object({
  weeks: z.number().int().min(1).openapi({ description: "Charts of the region stored" }),
  changes: z.number().int().min(0).openapi({ description: "The sum of their change numbers (`changed`)" }),
});

const siteChartsRoute = createRoute({
  method: "get",
  path: "/site/charts",
  summary: "The charts of the configured source, slim, a page at a time; with `since`, only those changed since",
  description:
    "The projection the site build reads: what the pages show, never raw upstream records. Region then week " +
    "order; follow `next` until it is null. `seq` is the archive's change number when the page was read: a " +
    "build that has read every page asks next time with `since=<seq of its first page>` and gets only the " +
    'charts stored, backfilled, imported, corrected or derived again since then (docs/site.md "Incremental by ' +
    'default"). Change numbers are strictly increasing and time-based (milliseconds since the Unix epoch, or ' +
    "just above), so a number read before the database was restored to an earlier point is below every " +
    "number given after it. The first page also carries `regions`, every region's count and sum of change " +
    "numbers, read in the same transaction as its charts: a build compares them with the charts it keeps. " +
    "`projection` changes whenever what this route answers for the same stored data changes.",
  request: {
    query: pagedQuery(SITE_PAGE_SIZE, SITE_MAX_PAGE_SIZE).extend({
      since: z
        .string()
        .regex(/^\d{1,15}$/, "since: a change number (a non-negative integer)")
        .optional()
        .openapi({ param: { description: "Only charts changed after this change number (a previous `seq`)." } }),
    }),
  },
  responses: {
    200: {
      description: "A page of slim charts",
      content: {
        "application/json": {
          schema: z
            .object({
              charts: z.array(siteChartSchema),
              next: z.string().nullable(),
              seq: z.number().int().min(0).openapi({ description: "The archive's change number at this read" }),
              regions: z
                .record(z.string(), regionChangesSchema)
                .optional()
                .openapi({
                  description:
                    "First page only (no `cursor`): per region with at least one chart, whatever `since`, " +
                    "its count of charts and the sum of their change numbers",
                }),
              projection: z.number().int().min(1).openapi({
                description: "The version of the projection: charts read under another one must be read again",
              }),
            })
            .openapi("SiteCharts"),
        },
      },
    },
    ...errorResponses(400),
  },
});

const siteCursor = z.object({ r: z.string(), w: z.string() });

async function siteCharts(c: Context<AppEnv>, query: PagedQuery & { since?: string | undefined }) {
  const size = pageSize(query.limit, SITE_PAGE_SIZE, SITE_MAX_PAGE_SIZE);
  const after = query.cursor === undefined ? null : decodeCursor(query.cursor, siteCursor);
  // Without `since`, every chart: rows stored before change numbers existed have 0.
  const since = query.since === undefined ? -1 : Number(query.since);
  const { charts, seq, regions } = await archiveOf(c).charts.slimChangesPage(
    since,
    after && { region: after.r, week: after.w },
    size,
  );
  const last = charts.at(-1);
  const next = last && charts.length === size ? encodeCursor({ r: last.region, w: last.week }) : null;
  const body = { charts, next, seq, ...(regions && { regions }), projection: SITE_PROJECTION.version };
  return c.json(body, 200, { "Content-Type": JSON_TYPE, "Cache-Control": LIST_CACHE });
}
