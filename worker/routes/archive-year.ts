import { createRoute, type OpenAPIHono, z } from "@hono/zod-openapi";
import type { Context } from "hono";
import type { AppEnv } from "../app-env";
import { YearStore } from "../archive/year";
import { taggedByBody } from "../archive-cache/validators";
import { InvalidInputError, NotFoundError } from "../errors";
import {
  csvContent,
  csvDownload,
  JSON_TYPE,
  LIST_CACHE,
  madeWhole,
  PAST_WEEK_CACHE,
  regionParam,
} from "../http/archive-http";
import { errorResponses } from "../schemas/archive-api";
import { type YearChart, yearChartCsv, yearChartSchema } from "../schemas/year-chart";

/**
 * Year-end charts (`/api/charts/{region}/year/{year}`, `/api/global/year/{year}`, each also as
 * `.csv`; docs/weekly-archive.md "Year-end charts"): derived from the archive, no extra credits, a bounded
 * amount of D1 work per request (archive/year.ts). A completed year is cached like a past week; the
 * year in progress like the latest chart, since every new week moves it — until every configured
 * region has its last week (or a recorded gap) or that week's window has closed (yearComplete).
 */
const RANKING =
  "The top 100 sounds of an ISO year: a week gives 101 − that week's rank, summed over the year's weeks " +
  "(a week without a chart gives nothing and is listed in `gaps`); ties by weeks charted, then best rank, then " +
  "clip id. A year in progress has `soFar: true` and counts up to `throughWeek`; it is complete once every " +
  "configured region has the year's last week (a chart, or a recorded gap) or that week's snapshot window has closed.";

const yearPath = z.string().openapi({
  param: { name: "year", in: "path", description: "ISO week-year, four digits." },
  example: "2026",
});
const regionPath = z.string().openapi({
  param: { name: "region", in: "path", description: "Chart region, two letters, case-insensitive." },
  example: "DE",
});
const jsonContent = { "application/json": { schema: yearChartSchema } };

function yearRoute<P extends z.ZodObject>(path: string, summary: string, csv: boolean, params: P) {
  return createRoute({
    method: "get",
    path,
    summary,
    description: RANKING,
    // A CSV route is only described: its handler is registered with the tag by hand.
    ...(csv ? {} : { middleware: taggedByBody }),
    request: { params },
    responses: {
      200: { description: "The year-end chart", content: csv ? csvContent : jsonContent },
      304: { description: "Not modified (If-None-Match)" },
      ...errorResponses(400, 404),
    },
  });
}

const regionParams = z.object({ region: regionPath, year: yearPath });
const globalParams = z.object({ year: yearPath });

export function mountArchiveYear(app: OpenAPIHono<AppEnv>): void {
  const csvRegion = yearRoute(
    "/charts/{region}/year/{year}.csv",
    "A region's year-end chart, as CSV",
    true,
    regionParams,
  );
  const csvGlobal = yearRoute("/global/year/{year}.csv", "The global year-end chart, as CSV", true, globalParams);
  app.openAPIRegistry.registerPath(csvRegion);
  app.openAPIRegistry.registerPath(csvGlobal);
  // Registered before `{year}`, as a regex parameter taking the whole segment (archive-charts.ts).
  app.get("/charts/:region/year/:file{[^/]+\\.csv}", taggedByBody, async (c) => {
    const chart = await regionYear(c, c.req.param("region"), c.req.param("file").slice(0, -".csv".length));
    return csvResponse(chart);
  });
  app.get("/global/year/:file{[^/]+\\.csv}", taggedByBody, async (c) =>
    csvResponse(await globalYear(c, c.req.param("file").slice(0, -".csv".length))),
  );

  app.openapi(
    yearRoute("/charts/{region}/year/{year}", "A region's year-end chart", false, regionParams),
    async (c) => {
      const { region, year } = c.req.valid("param");
      return jsonResponse(await regionYear(c, region, year));
    },
  );
  app.openapi(yearRoute("/global/year/{year}", "The global year-end chart", false, globalParams), async (c) => {
    return jsonResponse(await globalYear(c, c.req.valid("param").year));
  });
}

function store(c: Context<AppEnv>): YearStore {
  const config = c.get("config");
  return new YearStore(c.env.DB, config.dataSource, config.regions);
}

const now = (c: Context<AppEnv>) => c.get("app").deps.now();

function yearParam(raw: string): number {
  if (!/^\d{4}$/.test(raw))
    throw new InvalidInputError(`year must be four digits, got ${JSON.stringify(raw.slice(0, 20))}`);
  return Number(raw);
}

async function regionYear(c: Context<AppEnv>, rawRegion: string, rawYear: string): Promise<YearChart> {
  const region = regionParam(rawRegion);
  const year = yearParam(rawYear);
  const chart = await store(c).region(region, year, now(c));
  if (!chart) throw new NotFoundError(`no chart for ${region} in ${year}`);
  return chart;
}

async function globalYear(c: Context<AppEnv>, rawYear: string): Promise<YearChart> {
  const year = yearParam(rawYear);
  const chart = await store(c).global(year, now(c));
  if (!chart) throw new NotFoundError(`no global chart in ${year}`);
  return chart;
}

const cacheOf = (chart: YearChart) => (chart.soFar ? LIST_CACHE : PAST_WEEK_CACHE);

function jsonResponse(chart: YearChart): Response {
  return madeWhole(JSON.stringify(chart), cacheOf(chart), { "Content-Type": JSON_TYPE });
}

function csvResponse(chart: YearChart): Response {
  return csvDownload(yearChartCsv(chart), `${chart.region}-${chart.year}`, cacheOf(chart));
}
