import { z } from "@hono/zod-openapi";
import { soundSchema } from "./sound";
import { dataSourceSchema } from "./source";
import type { Movement } from "./derive";

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

export const chartSchema = z
  .object({
    region: z.string(),
    week: z.string(),
    fetchedAt: z.string().openapi({ description: "When the snapshot was fetched (ISO 8601)" }),
    source: dataSourceSchema,
    entries: z.array(chartEntrySchema),
  })
  .openapi("Chart");

export type ChartEntry = z.infer<typeof chartEntrySchema>;
export type Chart = z.infer<typeof chartSchema>;
