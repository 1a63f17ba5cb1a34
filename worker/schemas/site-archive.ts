import { z } from "@hono/zod-openapi";
import { dataSourceSchema } from "../charts/source";
import { slimChartSchema } from "./slim";

/**
 * What one site build reads, whole: the configured source's regions (with their archived weeks
 * and gaps), every chart of that source in the slim projection, and the newest items of the
 * published log (the feeds' only input: items are never recomputed from charts at build time).
 * The site's content loader assembles it from a Worker's public API, an export file or the
 * committed fixture, and validates it with this schema.
 */
export const debutItemSchema = z
  .object({
    region: z.string(),
    clipId: z.string(),
    week: z.string(),
    /** When we first saw it (ISO 8601): the feed item's pubDate, never the build time. */
    firstSeen: z.string(),
    title: z.string(),
    author: z.string(),
    cover: z.string(),
    rank: z.number().int(),
    link: z.string(),
  })
  .openapi("Debut");

/**
 * The all-regions log: one item per sound that enters the global top 100 for the first time,
 * written once when its week is complete and never changed.
 */
export const globalDebutItemSchema = z
  .object({
    clipId: z.string(),
    week: z.string(),
    /** The newest snapshot time of its week (ISO 8601): the feed item's pubDate. */
    firstSeen: z.string(),
    title: z.string(),
    author: z.string(),
    cover: z.string(),
    /** Its global rank that week. */
    rank: z.number().int(),
    /** Its global points that week (each region: 101 − rank). */
    points: z.number().int(),
    /** The regions it charts in that week, in code order. */
    regions: z.array(z.string()),
    link: z.string(),
  })
  .openapi("GlobalDebut");

export const siteRegionSchema = z.object({
  code: z.string(),
  name: z.string(),
  /** Archived weeks of the configured source, oldest first. */
  weeks: z.array(z.string()),
  /** Weeks since the region's first week whose snapshot window closed without one. */
  gaps: z.array(z.string()),
});

export const siteArchiveSchema = z.object({
  version: z.literal(1),
  source: dataSourceSchema,
  /** When the projection was read (ISO 8601). Pages say how fresh the data is from fetchedAt, not this. */
  readAt: z.string(),
  regions: z.array(siteRegionSchema),
  charts: z.array(slimChartSchema),
  /** Newest first; a bounded number per region. */
  debuts: z.array(debutItemSchema),
  /** Newest first; bounded. */
  globalDebuts: z.array(globalDebutItemSchema),
});

export type DebutItem = z.infer<typeof debutItemSchema>;
export type GlobalDebutItem = z.infer<typeof globalDebutItemSchema>;
export type SiteRegion = z.infer<typeof siteRegionSchema>;
export type SiteArchive = z.infer<typeof siteArchiveSchema>;
