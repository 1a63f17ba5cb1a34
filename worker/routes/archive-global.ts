import { createRoute, type OpenAPIHono, z } from "@hono/zod-openapi";
import type { Context } from "hono";
import type { AppEnv } from "../app-env";
import { GlobalStore } from "../archive/global";
import { taggedByBody } from "../archive-cache/validators";
import { globalChartCsv } from "../charts/csv";
import { spreadingOf } from "../charts/global";
import { type IsoWeek, previousWeek } from "../charts/iso-week";
import { NotFoundError } from "../errors";
import {
  csvContent,
  csvDownload,
  JSON_TYPE,
  LIST_CACHE,
  madeWhole,
  PAST_WEEK_CACHE,
  weekParam,
} from "../http/archive-http";
import { errorResponses } from "../schemas/archive-api";
import { type GlobalChart, globalChartSchema, spreadingSchema } from "../schemas/global-chart";

/**
 * The global chart and spreading sounds (`/api/global/*`): derived from the regional charts of the
 * configured source, no extra credits, the same caching, ETag and error rules as a region's chart.
 */
const weekPath = z.string().openapi({
  param: { name: "week", in: "path", description: "ISO week `YYYY-Www`, or `latest`." },
  example: "2026-W47",
});

const weeksRoute = createRoute({
  method: "get",
  path: "/global",
  summary: "Weeks with a global chart, newest first",
  responses: {
    200: {
      description: "Weeks and how many regions charted in each",
      content: {
        "application/json": {
          schema: z
            .object({ weeks: z.array(z.object({ week: z.string(), regions: z.number().int() })) })
            .openapi("GlobalWeeks"),
        },
      },
    },
  },
});

const chartRoute = createRoute({
  method: "get",
  path: "/global/{week}",
  summary: "The global chart of one ISO week (or `latest`)",
  middleware: taggedByBody,
  description:
    "The top 100 sounds across every region charted that week: points per region 101 − rank, summed; ties by " +
    "regions charted, then best rank. With last week, peak, weeks on chart and movement like a regional chart.",
  request: { params: z.object({ week: weekPath }) },
  responses: {
    200: { description: "The global chart", content: { "application/json": { schema: globalChartSchema } } },
    304: { description: "Not modified (If-None-Match)" },
    ...errorResponses(400, 404),
  },
});

const csvRoute = createRoute({
  method: "get",
  path: "/global/{week}.csv",
  summary: "The global chart of one ISO week (or `latest`), as CSV",
  request: { params: z.object({ week: weekPath }) },
  responses: {
    200: { description: "RFC 4180, header row, CRLF", content: csvContent },
    ...errorResponses(400, 404),
  },
});

const spreadingRoute = createRoute({
  method: "get",
  path: "/global/{week}/spreading",
  summary: "Spreading sounds: the ones whose number of charting regions grew most since last week",
  middleware: taggedByBody,
  request: { params: z.object({ week: weekPath }) },
  responses: {
    200: { description: "Spreading sounds", content: { "application/json": { schema: spreadingSchema } } },
    304: { description: "Not modified (If-None-Match)" },
    ...errorResponses(400, 404),
  },
});

export function mountArchiveGlobal(app: OpenAPIHono<AppEnv>): void {
  app.openapi(weeksRoute, async (c) => {
    c.header("Cache-Control", LIST_CACHE);
    return c.json({ weeks: await store(c).weeks() }, 200);
  });

  app.openAPIRegistry.registerPath(csvRoute);
  // Registered before `{week}`: Hono cannot route `{week}.csv` as a parameter with a suffix.
  app.get("/global/:file{[^/]+\\.csv}", taggedByBody, async (c) => {
    const { chart, latest } = await chartFor(c, c.req.param("file").slice(0, -".csv".length));
    return csvDownload(globalChartCsv(chart), `global-${chart.week}`, latest ? LIST_CACHE : PAST_WEEK_CACHE);
  });

  app.openapi(spreadingRoute, async (c) => {
    const { chart, latest } = await chartFor(c, c.req.valid("param").week);
    const { current, previous } = await store(c).regionalEntries(chart.week);
    const body = { week: chart.week, previousWeek: previousWeek(chart.week), items: spreadingOf(current, previous) };
    return madeWhole(JSON.stringify(body), latest ? LIST_CACHE : PAST_WEEK_CACHE, { "Content-Type": JSON_TYPE });
  });

  app.openapi(chartRoute, async (c) => {
    const { chart, latest } = await chartFor(c, c.req.valid("param").week);
    return madeWhole(JSON.stringify(chart), latest ? LIST_CACHE : PAST_WEEK_CACHE, { "Content-Type": JSON_TYPE });
  });
}

function store(c: Context<AppEnv>): GlobalStore {
  return new GlobalStore(c.env.DB, c.get("config").dataSource);
}

async function chartFor(c: Context<AppEnv>, raw: string): Promise<{ chart: GlobalChart; latest: boolean }> {
  const latest = raw.toLowerCase() === "latest";
  const global = store(c);
  const week: IsoWeek | null = latest ? await global.latestWeek() : weekParam(raw);
  const chart = week ? await global.chart(week, c.get("config").regions) : null;
  if (!chart) throw new NotFoundError(latest ? "no global chart yet" : `no global chart for ${week}`);
  return { chart, latest };
}
