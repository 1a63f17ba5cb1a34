import { z } from "@hono/zod-openapi";
import type { Context, MiddlewareHandler } from "hono";
import type { AppEnv } from "../app-env";
import { JobLog } from "../archive/job-log";
import { PublishedLog } from "../archive/published";
import { countingD1 } from "../archive/query-counter";
import { ArchiveStore } from "../archive/store";
import { type IsoWeek, normaliseIsoWeek } from "../charts/iso-week";
import { isRegion, REGION_CODE_PATTERN, type Region } from "../charts/regions";
import { InvalidInputError, NotFoundError } from "../errors";

/**
 * A stored week changes only when a backfill or an import of an earlier week derives it again: a
 * shared cache keyed by the archive's change number (the colo cache, archive-cache/archive-copies.ts) may
 * keep it a day; a browser, which cannot tell, only five minutes (docs/http.md "Caches: no cached
 * answer outlives what it describes").
 */
export const PAST_WEEK_CACHE = "public, max-age=300, s-maxage=86400";
/** Lists and the latest chart move when the weekly snapshot lands. */
export const LIST_CACHE = "public, max-age=300";
export const NO_STORE = "no-store";

export const JSON_TYPE = "application/json; charset=utf-8";

/** The archive as this request may see it: the configured source's records only (docs/weekly-archive.md "One visible source"). */
export function archiveOf(c: Context<AppEnv>) {
  const source = c.get("config").dataSource;
  return {
    charts: new ArchiveStore(c.env.DB, source),
    published: new PublishedLog(c.env.DB, source),
    jobLog: new JobLog(c.env.DB, source),
  };
}

/** `limit` for paged reads: plain digits within 1–max, else a 400 naming it. */
export function pageSize(raw: string | undefined, fallback: number, max: number): number {
  if (raw === undefined) return fallback;
  const n = Number(raw);
  if (!/^\d+$/.test(raw) || n < 1 || n > max)
    throw new InvalidInputError(`limit must be plain decimal digits, 1–${max}`);
  return n;
}

/** Untrusted text quoted in an error message: short, and JSON-escaped. */
function quoted(raw: string): string {
  return JSON.stringify(raw.length > 20 ? `${raw.slice(0, 20)}…` : raw);
}

/** Case-insensitive; two letters outside the 71 is absent (404), anything else malformed (400). */
export function regionParam(raw: string): Region {
  if (!REGION_CODE_PATTERN.test(raw)) throw new InvalidInputError(`region must be two letters, got ${quoted(raw)}`);
  const code = raw.toUpperCase();
  if (!isRegion(code)) throw new NotFoundError(`region ${code} is not one of the chart regions`);
  return code;
}

export function weekParam(raw: string): IsoWeek {
  const week = normaliseIsoWeek(raw);
  if (week === null) throw new InvalidInputError(`week must be an ISO week such as 2026-W47, got ${quoted(raw)}`);
  return week;
}

/** Headers of a JSON answer nobody keeps (`c.json(body, 200, NO_STORE_JSON)`). */
export const NO_STORE_JSON = { "Content-Type": JSON_TYPE, "Cache-Control": NO_STORE };

/**
 * Every archive request and sound page says how much D1 work it did (Server-Timing): bounded per
 * request, whatever the archive's size.
 */
export const countQueries: MiddlewareHandler<AppEnv> = async (c, next) => {
  const counter = countingD1(c.env.DB);
  c.env = { ...c.env, DB: counter.db };
  await next();
  c.res.headers.append("Server-Timing", `d1;desc="queries=${counter.queries()} rows_read=${counter.rowsRead()}"`);
};

/** A chart, a CSV or a file made whole for this request: its route tags it (archive-cache/validators.ts taggedByBody). */
export function madeWhole(body: string, cacheControl: string, contentHeaders: Record<string, string>): Response {
  return new Response(body, { status: 200, headers: { ...contentHeaders, "Cache-Control": cacheControl } });
}

/** RFC 4180 §3: `header=present` says the first record is the header row. */
const CSV_TYPE = "text/csv; charset=utf-8; header=present";

/** What every CSV export is, for its OpenAPI description. */
export const csvContent = {
  "text/csv": { schema: z.string().openapi({ description: "RFC 4180, header row, CRLF" }) },
};

/** A CSV export (charts/csv.ts made it) as a download named `trending-sounds-<name>.csv`. */
export function csvDownload(body: string, name: string, cacheControl: string): Response {
  return madeWhole(body, cacheControl, {
    "Content-Type": CSV_TYPE,
    "Content-Disposition": `attachment; filename="trending-sounds-${name}.csv"`,
  });
}

export function isoTime(ms: number): string {
  return new Date(ms).toISOString();
}

export function ageSeconds(now: number, then: number): number {
  return Math.max(0, Math.floor((now - then) / 1000));
}
