import { createRoute, type OpenAPIHono } from "@hono/zod-openapi";
import type { AppEnv } from "../app-env";
import type { GlobalPublishedItem, PublishedItem } from "../archive/published";
import type { SoundWeek } from "../archive/store";
import { compareWeeks } from "../charts/iso-week";
import { tiktokSoundUrl } from "../charts/sound";
import { NotFoundError } from "../errors";
import { archiveOf, isoTime, LIST_CACHE, regionParam } from "../http/archive-http";
import {
  debutsQuerySchema,
  debutsResponseSchema,
  errorResponses,
  globalDebutsQuerySchema,
  globalDebutsResponseSchema,
  soundParamsSchema,
  soundResponseSchema,
} from "../schemas/archive-api";

const soundRoute = createRoute({
  method: "get",
  path: "/sounds/{clipId}",
  summary: "A sound's weeks and ranks in every region",
  description: "Regions in code order, each with its weeks oldest first. Title and author are the newest seen.",
  request: { params: soundParamsSchema },
  responses: {
    200: { description: "The sound's chart history", content: { "application/json": { schema: soundResponseSchema } } },
    ...errorResponses(400, 404),
  },
});

const debutsRoute = createRoute({
  method: "get",
  path: "/debuts",
  summary: "Newly trending sounds, newest first",
  description: "One item per sound's first week on a region's chart (the feeds' items).",
  request: { query: debutsQuerySchema },
  responses: {
    200: { description: "Debuts", content: { "application/json": { schema: debutsResponseSchema } } },
    ...errorResponses(400, 404),
  },
});

const globalDebutsRoute = createRoute({
  method: "get",
  path: "/debuts/global",
  summary: "Newly trending sounds across all regions, newest first",
  description:
    "One item per sound that enters the global top 100 for the first time (global movement `new`; the first " +
    "global week is a baseline and announces nothing), with its global `rank` and `points` that week and the " +
    "`regions` it charts in then (the all-regions feed's items). Written once, when the week is complete " +
    "(`firstSeen`: the week's newest snapshot time); a later region, a backfill or an import never changes an item.",
  request: { query: globalDebutsQuerySchema },
  responses: {
    200: { description: "Debuts", content: { "application/json": { schema: globalDebutsResponseSchema } } },
    ...errorResponses(400),
  },
});

export function mountArchiveSounds(app: OpenAPIHono<AppEnv>): void {
  app.openapi(soundRoute, async (c) => {
    const { clipId } = c.req.valid("param");
    const history = await archiveOf(c).charts.soundHistory(clipId);
    if (history.length === 0) throw new NotFoundError(`sound ${clipId} has never been on an archived chart`);
    c.header("Cache-Control", LIST_CACHE);
    return c.json(soundBody(clipId, history), 200);
  });

  app.openapi(debutsRoute, async (c) => {
    const query = c.req.valid("query");
    const region = query.region === undefined ? null : regionParam(query.region);
    const items = await archiveOf(c).published.debuts(region, query.limit);
    c.header("Cache-Control", LIST_CACHE);
    return c.json({ region, items: items.map(debutBody) }, 200);
  });

  // Registered after /api/debuts: Hono matches the literal path, never the query route, for it.
  app.openapi(globalDebutsRoute, async (c) => {
    const items = await archiveOf(c).published.globalDebuts(c.req.valid("query").limit);
    c.header("Cache-Control", LIST_CACHE);
    return c.json({ items: items.map(globalDebutBody) }, 200);
  });
}

function debutBody(item: PublishedItem) {
  return {
    region: item.region,
    clipId: item.clip_id,
    week: item.week,
    firstSeen: isoTime(item.first_seen),
    title: item.title,
    author: item.author,
    cover: item.cover,
    rank: item.rank,
    link: tiktokSoundUrl(item.clip_id),
  };
}

function globalDebutBody(item: GlobalPublishedItem) {
  return {
    clipId: item.clip_id,
    week: item.week,
    firstSeen: isoTime(item.first_seen),
    title: item.title,
    author: item.author,
    cover: item.cover,
    rank: item.rank,
    points: item.points,
    regions: item.regions,
    link: tiktokSoundUrl(item.clip_id),
  };
}

function soundBody(clipId: string, history: SoundWeek[]) {
  const newest = history.reduce((a, b) => (compareWeeks(b.week, a.week) > 0 ? b : a));
  const byRegion = new Map<string, SoundWeek[]>();
  for (const row of history) {
    const weeks = byRegion.get(row.region) ?? [];
    weeks.push(row);
    byRegion.set(row.region, weeks);
  }
  return {
    clipId,
    title: newest.title,
    author: newest.author,
    regions: [...byRegion].map(([region, weeks]) => ({
      region,
      weeks: weeks
        .sort((a, b) => compareWeeks(a.week, b.week))
        .map((w) => ({
          week: w.week,
          rank: w.rank,
          movement: w.movement,
          peak: w.peak,
          weeksOnChart: w.weeksOnChart,
          lastWeek: w.lastWeek,
          change: w.change,
        })),
    })),
  };
}
