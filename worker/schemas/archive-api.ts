import { z } from "@hono/zod-openapi";
import { movementSchema } from "../charts/schema";
import { dataSourceSchema } from "../charts/source";
import { errorEnvelopeSchema } from "../upstream/schema";
import { debutItemSchema, globalDebutItemSchema } from "./site-archive";

/**
 * The archive API's parameters and answers (docs/weekly-archive.md, "The archive API"). A public contract:
 * changes are additive. Region and week path parameters are plain strings here and parsed by the
 * handler, because a well-formed region outside the 71 is a 404, which a schema cannot say.
 */
const DIGITS = /^\d+$/;
export const MAX_DEBUTS = 500;
export const DEFAULT_DEBUTS = 50;

const ERROR_DESCRIPTIONS = {
  400: "Malformed input",
  401: "Admin token required",
  404: "Not in the archive",
  503: "Archive data too old or missing",
};
type ErrorResponse = { description: string; content: { "application/json": { schema: typeof errorEnvelopeSchema } } };

/** Keyed by the statuses given, so a route's handler is typed with exactly these answers. */
export function errorResponses<S extends keyof typeof ERROR_DESCRIPTIONS>(...statuses: S[]): Record<S, ErrorResponse> {
  const inEnvelope = (status: S): ErrorResponse => ({
    description: ERROR_DESCRIPTIONS[status],
    content: { "application/json": { schema: errorEnvelopeSchema } },
  });
  return Object.fromEntries(statuses.map((status) => [status, inEnvelope(status)])) as Record<S, ErrorResponse>;
}

const regionPath = z.string().openapi({
  param: { name: "region", in: "path", description: "Chart region, two letters, case-insensitive." },
  example: "DE",
});
const weekPath = z.string().openapi({
  param: { name: "week", in: "path", description: "ISO week, `YYYY-Www` (a lower-case `w` is accepted)." },
  example: "2026-W47",
});

export const regionParamsSchema = z.object({ region: regionPath });
export const chartParamsSchema = z.object({ region: regionPath, week: weekPath });
export const soundParamsSchema = z.object({
  clipId: z
    .string()
    .regex(/^\d{1,32}$/, "clipId must be decimal digits")
    .openapi({
      param: { name: "clipId", in: "path", description: "TikTok clip id (digits)." },
      example: "7300000000000000001",
    }),
});

const debutsLimit = z
  .string()
  .optional()
  .transform((value, ctx) => {
    if (value === undefined) return DEFAULT_DEBUTS;
    const n = Number(value);
    if (!DIGITS.test(value) || n < 1 || n > MAX_DEBUTS) {
      ctx.addIssue({ code: "custom", message: `limit must be plain decimal digits, 1–${MAX_DEBUTS}` });
      return z.NEVER;
    }
    return n;
  })
  .openapi({ param: { description: `Items, 1–${MAX_DEBUTS} (default ${DEFAULT_DEBUTS}).` }, example: "50" });

export const debutsQuerySchema = z.object({
  region: z
    .string()
    .regex(/^[A-Za-z]{2}$/, "region must be two letters")
    .optional()
    .openapi({ param: { description: "Only this region's debuts (case-insensitive); all regions if absent." } }),
  limit: debutsLimit,
});

export const globalDebutsQuerySchema = z.object({ limit: debutsLimit });

const isoTime = z.string().openapi({ description: "ISO 8601 time", example: "2026-11-23T01:17:00.000Z" });

export const regionsResponseSchema = z
  .object({
    regions: z.array(
      z.object({
        code: z.string(),
        name: z.string(),
        weeks: z.number().int().openapi({ description: "Weeks archived" }),
        latestWeek: z.string().nullable(),
        gaps: z
          .array(z.string())
          .openapi({ description: "Weeks whose snapshot window closed without one, oldest first" }),
      }),
    ),
  })
  .openapi("Regions");

export const chartWeeksResponseSchema = z
  .object({
    region: z.string(),
    name: z.string(),
    weeks: z.array(
      z.object({
        week: z.string(),
        fetchedAt: isoTime,
        source: z.string(),
        entries: z.number().int().openapi({ description: "Entries in the chart" }),
      }),
    ),
  })
  .openapi("ChartWeeks");

export const soundResponseSchema = z
  .object({
    clipId: z.string(),
    title: z.string(),
    author: z.string(),
    regions: z.array(
      z.object({
        region: z.string(),
        weeks: z.array(
          z.object({
            week: z.string(),
            rank: z.number().int(),
            movement: movementSchema,
            peak: z.number().int(),
            weeksOnChart: z.number().int(),
            lastWeek: z.number().int().nullable(),
            change: z.number().int().nullable(),
          }),
        ),
      }),
    ),
  })
  .openapi("SoundHistory");

export const debutsResponseSchema = z
  .object({ region: z.string().nullable(), items: z.array(debutItemSchema) })
  .openapi("Debuts");

export const globalDebutsResponseSchema = z.object({ items: z.array(globalDebutItemSchema) }).openapi("GlobalDebuts");

/** What the live site says it was built from (its /site-build.json), or null when it says nothing. */
const liveSiteSchema = z
  .object({
    newestWeek: z.string().nullable().openapi({ description: "The newest chart week it shows" }),
    change: z.number().int().nullable().openapi({ description: "The archive's change number when it was read" }),
    commit: z.string().nullable().openapi({ description: "The commit of the code that built it" }),
  })
  .nullable()
  .openapi("LiveSite");

export const statusResponseSchema = z
  .object({
    source: dataSourceSchema.openapi({ description: "The data source everything here is from" }),
    version: z
      .object({ id: z.string(), tag: z.string().nullable() })
      .nullable()
      .openapi({ description: "The Worker version that answered (null where the runtime does not say)" }),
    site: liveSiteSchema,
    regions: z.array(
      z.object({
        region: z.string(),
        latestWeek: z.string().nullable(),
        fetchedAt: isoTime.nullable(),
        ageSeconds: z.number().int().nullable(),
      }),
    ),
    lastRun: z
      .object({
        week: z.string(),
        startedAt: isoTime,
        finishedAt: isoTime,
        ok: z.boolean(),
        summary: z.unknown().openapi({ description: "The job's summary (credits only for the admin)" }),
      })
      .nullable(),
    credits: z.unknown().optional().openapi({ description: "Admin only: the gate's pause, spend and history" }),
    budgets: z
      .object({
        proxyDailyCredits: z.number().int(),
        searchDailyCredits: z.number().int(),
        snapshotWeeklyCredits: z.number().int(),
      })
      .optional()
      .openapi({ description: "Admin only" }),
  })
  .openapi("Status");

export const dataHealthSchema = z
  .object({ ok: z.literal(true), newestFetchedAt: isoTime, ageSeconds: z.number().int(), site: liveSiteSchema })
  .openapi("DataHealth");
