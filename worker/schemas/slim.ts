import { z } from "@hono/zod-openapi";
import type { ChartEntry } from "../charts/schema";
import { chartHeadShape, movementSchema, rankedSoundShape } from "../charts/schema";

/**
 * The slim projection of the archive that the site build reads (docs/site.md, "Public pages and
 * files"): what pages and feeds show, never raw upstream records. Shared by the Worker (which
 * serves it from `/api/site/*`) and the site (whose content loader validates it with these
 * schemas), so the two cannot drift. Text is as stored (sanitised of XML-forbidden characters at
 * ingestion) and still untrusted: the site escapes it and checks every URL.
 */
export const slimEntrySchema = z
  .object({
    ...rankedSoundShape,
    /** Approved for business use (TikTok's Commercial Music Library). */
    if_cml: z.boolean(),
    promoted: z.boolean(),
    duration: z.number(),
    /** The daily trend values (0–1, oldest first), for the sparkline; times are dropped. */
    trend: z.array(z.number()),
    lastWeek: z.number().int().nullable(),
    peak: z.number().int().min(1),
    weeksOnChart: z.number().int().min(1),
    firstWeek: z.string(),
    movement: movementSchema,
    change: z.number().int().nullable(),
  })
  .openapi("SlimEntry");

export const slimChartSchema = z.object({ ...chartHeadShape, entries: z.array(slimEntrySchema) }).openapi("SlimChart");

export type SlimEntry = z.infer<typeof slimEntrySchema>;
export type SlimChart = z.infer<typeof slimChartSchema>;

/** Trend values keep three decimals: a sparkline is 100 px wide, the rest is page weight. */
const TREND_DECIMALS = 1_000;

export function slimEntryOf(entry: ChartEntry): SlimEntry {
  return {
    rank: entry.rank,
    clip_id: entry.clip_id,
    title: entry.title,
    author: entry.author,
    cover: entry.cover,
    link: entry.link,
    if_cml: entry.if_cml,
    promoted: entry.promoted,
    duration: entry.duration,
    trend: entry.trend.map((point) => Math.round(point.value * TREND_DECIMALS) / TREND_DECIMALS),
    lastWeek: entry.lastWeek,
    peak: entry.peak,
    weeksOnChart: entry.weeksOnChart,
    firstWeek: entry.firstWeek,
    movement: entry.movement,
    change: entry.change,
  };
}
