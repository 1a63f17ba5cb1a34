import { createRoute, type OpenAPIHono } from "@hono/zod-openapi";
import type { Context } from "hono";
import type { AppEnv } from "../app-env";
import { taggedByBody } from "../archive-cache/validators";
import { chartCsv } from "../charts/csv";
import type { IsoWeek } from "../charts/iso-week";
import { type Region, regionName } from "../charts/regions";
import { type Chart, chartSchema } from "../charts/schema";
import { NotFoundError } from "../errors";
import {
  archiveOf,
  csvContent,
  csvDownload,
  isoTime,
  JSON_TYPE,
  LIST_CACHE,
  madeWhole,
  PAST_WEEK_CACHE,
  regionParam,
  weekParam,
} from "../http/archive-http";
import {
  chartParamsSchema,
  chartWeeksResponseSchema,
  errorResponses,
  regionParamsSchema,
} from "../schemas/archive-api";

const chartContent = { "application/json": { schema: chartSchema } };

const weeksRoute = createRoute({
  method: "get",
  path: "/charts/{region}",
  summary: "A region's archived weeks, newest first",
  request: { params: regionParamsSchema },
  responses: {
    200: { description: "Archived weeks", content: { "application/json": { schema: chartWeeksResponseSchema } } },
    ...errorResponses(400, 404),
  },
});

const latestRoute = createRoute({
  method: "get",
  path: "/charts/{region}/latest",
  summary: "A region's newest archived chart",
  middleware: taggedByBody,
  description: "The chart itself (no redirect), cached for five minutes.",
  request: { params: regionParamsSchema },
  responses: {
    200: { description: "The newest chart", content: chartContent },
    304: { description: "Not modified (If-None-Match)" },
    ...errorResponses(400, 404),
  },
});

const weekRoute = createRoute({
  method: "get",
  path: "/charts/{region}/{week}",
  summary: "One region's chart for one ISO week",
  middleware: taggedByBody,
  description:
    "Served with a strong ETag (If-None-Match compares weakly); browsers keep it five minutes, so a week derived " +
    "again after a backfill or an import shows within five minutes.",
  request: { params: chartParamsSchema },
  responses: {
    200: { description: "The chart", content: chartContent },
    304: { description: "Not modified (If-None-Match)" },
    ...errorResponses(400, 404),
  },
});

const csvRoute = createRoute({
  method: "get",
  path: "/charts/{region}/{week}.csv",
  summary: "One region's chart for one ISO week, as CSV",
  description: "RFC 4180 with a header row, as a download. `latest.csv` is the newest chart.",
  request: { params: chartParamsSchema },
  responses: {
    200: { description: "The chart as CSV", content: csvContent },
    304: { description: "Not modified (If-None-Match)" },
    ...errorResponses(400, 404),
  },
});

export function mountArchiveCharts(app: OpenAPIHono<AppEnv>): void {
  app.openapi(weeksRoute, async (c) => {
    const region = regionParam(c.req.valid("param").region);
    const weeks = await archiveOf(c).charts.weeks(region);
    const body = {
      region,
      name: regionName(region),
      weeks: weeks.map((w) => ({
        week: w.week,
        fetchedAt: isoTime(w.fetchedAt),
        source: w.source,
        entries: w.entryCount,
      })),
    };
    c.header("Cache-Control", LIST_CACHE);
    return c.json(body, 200);
  });

  // Registered before `{week}`: the first route that answers wins.
  app.openapi(latestRoute, async (c) => {
    const chart = await latestChart(c, regionParam(c.req.valid("param").region));
    return madeWhole(JSON.stringify(chart), LIST_CACHE, { "Content-Type": JSON_TYPE });
  });

  // Hono cannot route `{week}.csv` as one segment with a parameter and a suffix: a regex parameter
  // takes the whole segment (`2026-W47.csv`), and the document is registered separately.
  app.openAPIRegistry.registerPath(csvRoute);
  app.get("/charts/:region/:file{[^/]+\\.csv}", taggedByBody, async (c) => {
    const region = regionParam(c.req.param("region"));
    const file = c.req.param("file").slice(0, -".csv".length);
    const latest = file.toLowerCase() === "latest";
    const chart = latest ? await latestChart(c, region) : await weekChart(c, region, weekParam(file));
    return csvDownload(chartCsv(chart), `${chart.region}-${chart.week}`, latest ? LIST_CACHE : PAST_WEEK_CACHE);
  });

  app.openapi(weekRoute, async (c) => {
    const params = c.req.valid("param");
    const chart = await weekChart(c, regionParam(params.region), weekParam(params.week));
    return madeWhole(JSON.stringify(chart), PAST_WEEK_CACHE, { "Content-Type": JSON_TYPE });
  });
}

async function weekChart(c: Context<AppEnv>, region: Region, week: IsoWeek): Promise<Chart> {
  const chart = await archiveOf(c).charts.chart(region, week);
  if (!chart) throw new NotFoundError(`no chart for ${region} in ${week}`);
  return chart;
}

async function latestChart(c: Context<AppEnv>, region: Region): Promise<Chart> {
  const store = archiveOf(c).charts;
  const newest = (await store.weeks(region))[0];
  const chart = newest ? await store.chart(region, newest.week) : null;
  if (!chart) throw new NotFoundError(`no chart archived for ${region} yet`);
  return chart;
}
