import { type OpenAPIHono, createRoute } from "@hono/zod-openapi";
import type { AppEnv } from "../app-env";
import { ArchiveStore, type SoundWeek } from "../archive/store";
import { compareWeeks } from "../charts/iso-week";
import { NotFoundError } from "../errors";
import { LIST_CACHE, isoTime, regionParam } from "./archive-http";
import {
  debutsQuerySchema,
  debutsResponseSchema,
  errorResponses,
  soundParamsSchema,
  soundResponseSchema,
} from "./archive-schemas";

const soundRoute = createRoute({
  method: "get",
  path: "/api/sounds/{clipId}",
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
  path: "/api/debuts",
  summary: "Newly trending sounds, newest first",
  description: "One item per sound's first week on a region's chart (the feeds' items).",
  request: { query: debutsQuerySchema },
  responses: {
    200: { description: "Debuts", content: { "application/json": { schema: debutsResponseSchema } } },
    ...errorResponses(400, 404),
  },
});

export function mountArchiveSounds(app: OpenAPIHono<AppEnv>): void {
  app.openapi(soundRoute, async (c) => {
    const { clipId } = c.req.valid("param");
    const history = await new ArchiveStore(c.env.DB).soundHistory(clipId);
    if (history.length === 0) throw new NotFoundError(`sound ${clipId} has never been on an archived chart`);
    c.header("Cache-Control", LIST_CACHE);
    return c.json(soundBody(clipId, history), 200);
  });

  app.openapi(debutsRoute, async (c) => {
    const query = c.req.valid("query");
    const region = query.region === undefined ? null : regionParam(query.region);
    const items = await new ArchiveStore(c.env.DB).debuts(region, query.limit);
    const body = {
      region,
      items: items.map((item) => ({
        region: item.region,
        clipId: item.clip_id,
        week: item.week,
        firstSeen: isoTime(item.first_seen),
        title: item.title,
        author: item.author,
        cover: item.cover,
        rank: item.rank,
        link: `https://www.tiktok.com/music/x-${item.clip_id}`,
      })),
    };
    c.header("Cache-Control", LIST_CACHE);
    return c.json(body, 200);
  });
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
