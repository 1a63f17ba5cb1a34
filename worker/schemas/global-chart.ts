import { z } from "@hono/zod-openapi";
import { derivedFieldsSchema, rankedSoundShape } from "../charts/schema";
import { dataSourceSchema } from "../charts/source";

/**
 * The global chart and the spreading list as the API serves them and the site reads them: shared
 * by the Worker and the site (charts/global.ts computes them).
 */
export const globalChartEntrySchema = z
  .object({
    ...rankedSoundShape,
    points: z.number().int().openapi({ description: "Σ over regions of 101 − regional rank" }),
    regions: z.number().int().openapi({ description: "Regions it charts in this week" }),
    numberOne: z.array(z.string()).openapi({ description: "Regions where it is #1" }),
    bestRank: z.number().int(),
  })
  .and(derivedFieldsSchema)
  .openapi("GlobalChartEntry");

export const globalChartSchema = z
  .object({
    week: z.string(),
    source: dataSourceSchema,
    fetchedAt: z.string().openapi({ description: "The newest regional snapshot of the week (ISO 8601)" }),
    regionsCharted: z.number().int(),
    missingRegions: z.array(z.string()).openapi({ description: "Configured regions without a chart this week" }),
    entries: z.array(globalChartEntrySchema),
  })
  .openapi("GlobalChart");

export const spreadingItemSchema = z
  .object({
    clip_id: z.string(),
    title: z.string(),
    author: z.string(),
    cover: z.string(),
    regions: z.number().int().openapi({ description: "Regions it charts in now (of those charted both weeks)" }),
    previousRegions: z.number().int().openapi({ description: "Regions it charted in last week (of the same)" }),
    entered: z.array(z.string()).openapi({ description: "Regions it entered this week" }),
  })
  .openapi("SpreadingSound");

export const spreadingSchema = z
  .object({ week: z.string(), previousWeek: z.string(), items: z.array(spreadingItemSchema) })
  .openapi("Spreading");

export type GlobalChartEntry = z.infer<typeof globalChartEntrySchema>;
export type GlobalChart = z.infer<typeof globalChartSchema>;
export type Spreading = z.infer<typeof spreadingSchema>;
