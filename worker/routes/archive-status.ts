import { createRoute, type OpenAPIHono } from "@hono/zod-openapi";
import type { Context } from "hono";
import { type AppEnv, assetsFile } from "../app-env";
import { errorBody } from "../envelope";
import { isAdmin } from "../http/admin-auth";
import { ageSeconds, archiveOf, isoTime, NO_STORE, NO_STORE_JSON } from "../http/archive-http";
import { liveSiteAge } from "../jobs/site-age-check";
import { dataHealthSchema, errorResponses, statusResponseSchema } from "../schemas/archive-api";
import { readLiveSiteRecord, siteSummary } from "../site-record";

/**
 * docs/operations.md "How it runs": the data is unhealthy once the newest snapshot is over 9 days old, or
 * once the live site is more than two days behind the archive's newest complete week ("The site's
 * age is health", worker/archive/site-age.ts).
 */
export const DATA_MAX_AGE_MS = 9 * 86_400_000;
export const DATA_HEALTH_PATH = "/healthz/data";

const statusRoute = createRoute({
  method: "get",
  path: "/status",
  summary: "Freshness per region and the last snapshot run",
  description:
    "Public: the newest week of every region the job covers, and the last run. With " +
    "`Authorization: Bearer <ADMIN_TOKEN>` also credits, budgets and the run's full summary; any other token " +
    "gets the public view. `version` is the Worker version serving the answer; `site` what the live site " +
    "says it was built from.",
  responses: {
    200: { description: "Status", content: { "application/json": { schema: statusResponseSchema } } },
  },
});

export const dataHealthRoute = createRoute({
  method: "get",
  path: DATA_HEALTH_PATH,
  summary: "Archive freshness, for uptime monitors",
  description:
    "503 when the newest snapshot was fetched more than 9 days ago, or there is none, or when the live site " +
    "has been behind the archive's newest complete week for more than two days (the message says how).",
  responses: {
    200: { description: "Fresh", content: { "application/json": { schema: dataHealthSchema } } },
    ...errorResponses(503),
  },
});

export function mountArchiveStatus(app: OpenAPIHono<AppEnv>): void {
  app.openapi(statusRoute, (c) => status(c));
}

async function status(c: Context<AppEnv>) {
  const config = c.get("config");
  const { deps } = c.get("app");
  const now = deps.now();
  const archive = archiveOf(c);
  const [summaries, lastRun, admin, site] = await Promise.all([
    archive.charts.regionSummaries(),
    archive.jobLog.lastRun(),
    isAdmin(c),
    liveSiteRecord(c),
  ]);
  const byRegion = new Map(summaries.map((s) => [s.region, s]));
  const body = {
    source: config.dataSource,
    version: workerVersion(c.env),
    site: siteSummary(site),
    regions: config.regions.map((region) => {
      const s = byRegion.get(region);
      return {
        region,
        latestWeek: s?.latestWeek ?? null,
        fetchedAt: s ? isoTime(s.latestFetchedAt) : null,
        ageSeconds: s ? ageSeconds(now, s.latestFetchedAt) : null,
      };
    }),
    lastRun: lastRun && {
      week: lastRun.week,
      startedAt: isoTime(lastRun.startedAt),
      finishedAt: isoTime(lastRun.finishedAt),
      ok: lastRun.ok,
      summary: admin ? lastRun.summary : withoutCredits(lastRun.summary),
    },
  };
  c.header("Cache-Control", NO_STORE);
  if (!admin) return c.json(body, 200);
  const gate = c.env.GATE.get(c.env.GATE.idFromName(deps.gateName));
  return c.json({ ...body, credits: await gate.status(), budgets: config.budgets }, 200);
}

/** What the live site says it was built from (worker/site-record.ts). */
function liveSiteRecord(c: Context<AppEnv>) {
  return readLiveSiteRecord((path) => (c.get("app").deps.siteFile ?? assetsFile)(c.env, path));
}

/**
 * The version serving this request (wrangler.toml [version_metadata]): the deploy checks that it
 * is the one it promoted. Absent where the runtime gives no such binding.
 */
function workerVersion(env: Env): { id: string; tag: string | null } | null {
  const meta = env.CF_VERSION_METADATA as WorkerVersionMetadata | undefined;
  return meta ? { id: meta.id, tag: meta.tag || null } : null;
}

/** Credits spent are the operator's business; the rest of the run summary is public. */
function withoutCredits(summary: unknown): unknown {
  if (typeof summary !== "object" || summary === null || Array.isArray(summary)) return summary;
  const { creditsSpent: _, ...rest } = summary as Record<string, unknown>;
  return rest;
}

export async function dataHealth(c: Context<AppEnv>) {
  const unhealthy = (message: string) => c.json(errorBody(503, message, c.get("requestId")), 503, NO_STORE_JSON);
  const { deps } = c.get("app");
  const now = deps.now();
  const archive = archiveOf(c).charts;
  const newest = await archive.newestFetchedAt();
  if (newest === null) return unhealthy("the archive holds no snapshot yet");
  if (now - newest > DATA_MAX_AGE_MS) {
    const days = ((now - newest) / 86_400_000).toFixed(1);
    return unhealthy(`the newest snapshot is ${days} days old (limit: 9)`);
  }
  const { site, age } = await liveSiteAge(archive, c.get("config").regions, () => liveSiteRecord(c), now);
  if (!age.ok) return unhealthy(age.reason);
  return c.json(
    { ok: true, newestFetchedAt: isoTime(newest), ageSeconds: ageSeconds(now, newest), site: siteSummary(site) },
    200,
    NO_STORE_JSON,
  );
}
