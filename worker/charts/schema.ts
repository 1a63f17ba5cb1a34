import { z } from "@hono/zod-openapi";
import type { Movement } from "./derive";
import { soundSchema } from "./sound";
import { dataSourceSchema } from "./source";

/**
 * A chart as the archive API serves it and the site reads it: `{ region, week, fetchedAt, source,
 * entries }`, each entry the upstream's fields (names kept) plus our derived ones. Shared by the
 * Worker and the site: the Worker's domain is the source of truth.
 */
// The movement kinds are derive.ts's; `satisfies` keeps the two lists from drifting apart.
export const movementSchema = z.enum([
  "new",
  "re",
  "up",
  "down",
  "same",
  "baseline",
  "unknown",
]) satisfies z.ZodType<Movement>;

export const derivedFieldsSchema = z.object({
  lastWeek: z.number().int().nullable(),
  peak: z.number().int().min(1),
  weeksOnChart: z.number().int().min(1),
  firstWeek: z.string(),
  movement: movementSchema,
  change: z.number().int().nullable(),
});

export const chartEntrySchema = soundSchema.and(derivedFieldsSchema).openapi("ChartEntry");

/** What every chart says of itself besides its entries (the API's chart and the site's slim one). */
export const chartHeadShape = {
  region: z.string(),
  week: z.string(),
  fetchedAt: z.string().openapi({ description: "When the snapshot was fetched (ISO 8601)" }),
  source: dataSourceSchema,
};

/** A sound as every ranked list shows it: its rank, id, title, author, cover and link. */
export const rankedSoundShape = {
  rank: z.number().int().min(1),
  clip_id: z.string(),
  title: z.string(),
  author: z.string(),
  /** As the upstream sent it: a page shows it only if it is an https TikTok CDN URL. */
  cover: z.string(),
  /** As the upstream sent it: a page links it only if it is an https TikTok URL. */
  link: z.string(),
};

export const chartSchema = z.object({ ...chartHeadShape, entries: z.array(chartEntrySchema) }).openapi("Chart");

export type ChartEntry = z.infer<typeof chartEntrySchema>;
export type Chart = z.infer<typeof chartSchema>;
