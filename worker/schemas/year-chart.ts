import { z } from "@hono/zod-openapi";
import { toCsv } from "../charts/csv";
import { rankedSoundShape } from "../charts/schema";
import { dataSourceSchema } from "../charts/source";

/**
 * A year-end chart as the API serves it (docs/weekly-archive.md "Year-end charts"); charts/year.ts ranks it.
 * Shared by the Worker and the site.
 */
export const yearEntrySchema = z
  .object({
    ...rankedSoundShape,
    points: z.number().int().openapi({ description: "Σ over the year's weeks of 101 − that week's rank" }),
    weeks: z.number().int().openapi({ description: "Weeks on the chart this year" }),
    peak: z.number().int().min(1).openapi({ description: "Best rank this year" }),
    peakWeek: z.string().openapi({ description: "The first week it reached its peak" }),
    firstWeek: z.string().openapi({ description: "Its first week on the chart this year" }),
    firstRank: z.number().int().min(1).openapi({ description: "Its rank in that first week" }),
    debut: z.boolean().openapi({ description: "It entered this chart for the first time ever this year" }),
  })
  .openapi("YearChartEntry");

export const yearChartSchema = z
  .object({
    region: z.string().openapi({ description: "The region's code, or `global`" }),
    year: z.number().int(),
    source: dataSourceSchema,
    soFar: z.boolean().openapi({ description: "The year is still in progress: counted up to `throughWeek`" }),
    throughWeek: z.string().openapi({ description: "The last week the ranking counts" }),
    weeks: z.array(z.string()).openapi({ description: "The year's weeks with a chart, oldest first" }),
    gaps: z.array(z.string()).openapi({ description: "The year's weeks without a chart: they count nothing" }),
    entries: z.array(yearEntrySchema),
  })
  .openapi("YearChart");

export type YearChartEntry = z.infer<typeof yearEntrySchema>;
export type YearChart = z.infer<typeof yearChartSchema>;

export const YEAR_CSV_HEADER = [
  "rank",
  "points",
  "weeks",
  "peak",
  "peak_week",
  "first_week",
  "first_rank",
  "debut",
  "clip_id",
  "title",
  "author",
  "link",
  "cover",
] as const;

/** A year chart's entries as CSV (RFC 4180, csv.ts). */
export function yearChartCsv(chart: { entries: readonly YearChartEntry[] }): string {
  return toCsv(
    YEAR_CSV_HEADER,
    chart.entries.map((e) => [
      e.rank,
      e.points,
      e.weeks,
      e.peak,
      e.peakWeek,
      e.firstWeek,
      e.firstRank,
      e.debut,
      e.clip_id,
      e.title,
      e.author,
      e.link,
      e.cover,
    ]),
  );
}
