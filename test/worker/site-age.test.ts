import { createExecutionContext, createScheduledController, waitOnExecutionContext } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { afterEach, describe, expect, it, vi } from "vitest";
import { createApp } from "../../worker/app";
import { ArchiveStore } from "../../worker/archive/store";
import { weekStart } from "../../worker/charts/iso-week";
import { SITE_AGE_CRON } from "../../worker/jobs/triggers";
import { createScheduled } from "../../worker/scheduled";
import { SITE_RECORD_PATH } from "../../worker/site-record";
import { demoTop100 } from "../fixtures/demo-chart";
import { type Harness, harness } from "./harness";
import { count } from "./job-harness";

// docs/operations.md "The site's age is health": the live site says which archive week it was built from
// (/site-build.json); more than two days behind the newest complete week makes /healthz/data
// unhealthy with the reason, and the daily cron sends one alert per week.

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const ALERTS = "https://alerts.test/hook";
/** Both configured regions have 2026-W47 by Monday 2026-11-23 02:17 UTC: complete from then on. */
const W47_COMPLETE = weekStart("2026-W48") + 2 * HOUR + 17 * 60_000;

interface SiteAgeTest {
  h: Harness;
  /** What the live site's /site-build.json holds (null: no such file). */
  live: { record: unknown };
  /** Bodies POSTed to ALERT_WEBHOOK. */
  alerts: Record<string, unknown>[];
  get(path: string, now: number): Promise<Response>;
  /** Runs the site-age cron at `now`. */
  cron(now: number): Promise<void>;
}

async function siteAgeTest(record: unknown): Promise<SiteAgeTest> {
  const h = await harness({ REGIONS: "US,DE", ALERT_WEBHOOK: ALERTS });
  const store = new ArchiveStore(env.DB, "keyapi");
  const seeded: [string, string, number][] = [
    ["US", "2026-W46", weekStart("2026-W47") + HOUR],
    ["DE", "2026-W46", weekStart("2026-W47") + HOUR],
    ["US", "2026-W47", weekStart("2026-W48") + HOUR],
    ["DE", "2026-W47", W47_COMPLETE],
  ];
  for (const [region, week, fetchedAt] of seeded) {
    await store.storeSnapshot({ region, week, fetchedAt, source: "keyapi", entries: demoTop100(region, fetchedAt) });
  }
  const live = { record };
  const siteFile = async (_env: Env, path: string) =>
    path === SITE_RECORD_PATH && live.record !== null
      ? new Response(typeof live.record === "string" ? live.record : JSON.stringify(live.record))
      : new Response("Not found", { status: 404 });
  const alerts: Record<string, unknown>[] = [];
  const outbound = vi.fn(async (url: RequestInfo | URL, init?: RequestInit) => {
    if (String(url) === ALERTS) alerts.push(JSON.parse(String(init?.body)));
    return new Response(null, { status: 204 });
  });
  const scheduled = createScheduled({ ...h.deps, siteFile, outbound: outbound as unknown as typeof fetch });
  return {
    h,
    live,
    alerts,
    get: (path, now) => {
      h.clock.now = now;
      return h.requestElsewhere(path, undefined, { siteFile });
    },
    cron: async (now) => {
      h.clock.now = now;
      const ctx = createExecutionContext();
      await scheduled(createScheduledController({ scheduledTime: now, cron: SITE_AGE_CRON }), h.env, ctx);
      await waitOnExecutionContext(ctx);
    },
  };
}

const builtFrom = (newestWeek: string | null, newestWeekCharts: number) => ({
  version: 1,
  source: "keyapi",
  newestWeek,
  newestWeekCharts,
  change: 12,
  chartPages: 4,
  commit: "0123abc",
});

async function errorMessage(response: Response): Promise<string> {
  expect(response.status).toBe(503);
  const body = (await response.json()) as { code: number; message: string; data: null };
  expect(body).toMatchObject({ code: 503, data: null });
  return body.message;
}

let logged: string[] = [];

afterEach(() => {
  vi.restoreAllMocks();
  logged = [];
});

function captureLogs(): void {
  vi.spyOn(console, "log").mockImplementation((line: unknown) => {
    logged.push(String(line));
  });
}

describe("the live site's age", () => {
  it("makes /healthz/data 503 two days after the week was complete, and alerts once for the week", async () => {
    captureLogs();
    const t = await siteAgeTest(builtFrom("2026-W46", 2));
    const now = W47_COMPLETE + 2 * DAY + 7 * HOUR;
    expect(await errorMessage(await t.get("/healthz/data", now))).toBe(
      "the live site shows 2026-W46; 2026-W47 has been complete since 2026-11-23T02:17:00Z (2.3 days)",
    );

    await t.cron(now);
    await t.cron(now + DAY);
    expect(t.alerts).toEqual([
      expect.objectContaining({
        condition: "site_behind",
        week: "2026-W47",
        liveWeek: "2026-W46",
        completedAt: "2026-11-23T02:17:00.000Z",
        reason: expect.stringMatching(/^the live site shows 2026-W46; 2026-W47 has been complete since/),
      }),
    ]);
    const lines = logged.map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(lines.filter((l) => l.event === "site_behind")).toHaveLength(2);
    // The cron is the check alone: no snapshot run, no upstream call.
    expect(await count("SELECT COUNT(*) AS n FROM job_runs")).toBe(0);
    expect(await t.h.upstream.count()).toBe(0);
  });

  it("stays healthy while the week has been complete for less than two days", async () => {
    const t = await siteAgeTest(builtFrom("2026-W46", 2));
    const response = await t.get("/healthz/data", W47_COMPLETE + 47 * HOUR);
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({
      ok: true,
      site: { newestWeek: "2026-W46", change: 12, commit: "0123abc" },
    });
  });

  it("is healthy, and silent, once the site has caught up with every chart of the week", async () => {
    captureLogs();
    const t = await siteAgeTest(builtFrom("2026-W47", 1));
    const now = W47_COMPLETE + 3 * DAY;
    expect(await errorMessage(await t.get("/healthz/data", now))).toMatch(
      /^the live site shows 1 of 2026-W47's 2 charts;/,
    );
    t.live.record = builtFrom("2026-W47", 2);
    const response = await t.get("/healthz/data", now);
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({ ok: true, site: { newestWeek: "2026-W47" } });
    await t.cron(now);
    expect(t.alerts).toEqual([]);
    expect(logged.map((line) => JSON.parse(line))).toEqual([
      expect.objectContaining({ event: "site_age_ok", liveWeek: "2026-W47", completeWeek: "2026-W47" }),
    ]);
  });

  it("says when the live site has no record, or one that does not read, once a week has been complete two days", async () => {
    const t = await siteAgeTest(null);
    const early = await t.get("/healthz/data", W47_COMPLETE + DAY);
    expect(early.status).toBe(200);
    expect(await early.json()).toMatchObject({ ok: true, site: null });
    const late = W47_COMPLETE + 3 * DAY;
    const noRecord = /^the live site does not say which week it was built from; 2026-W47 has been complete since/;
    expect(await errorMessage(await t.get("/healthz/data", late))).toMatch(noRecord);
    for (const unreadable of ["not json", { ...builtFrom("2026-W47", 2), newestWeek: "last week" }]) {
      t.live.record = unreadable;
      expect(await errorMessage(await t.get("/healthz/data", late))).toMatch(noRecord);
    }
  });

  it("keeps the 9-day snapshot check first", async () => {
    const t = await siteAgeTest(builtFrom("2026-W47", 2));
    expect(await errorMessage(await t.get("/healthz/data", W47_COMPLETE + 10 * DAY))).toMatch(
      /^the newest snapshot is 10\.0 days old/,
    );
  });
});

describe("/api/status", () => {
  it("says which Worker version answers and what the live site was built from", async () => {
    const t = await siteAgeTest(builtFrom("2026-W47", 2));
    const body = (await (await t.get("/api/status", W47_COMPLETE)).json()) as Record<string, unknown>;
    // The test runtime binds CF_VERSION_METADATA with a random id and an empty tag.
    expect(body.version).toEqual({ id: expect.stringMatching(/^[0-9a-f-]{36}$/), tag: null });
    expect(body.site).toEqual({ newestWeek: "2026-W47", change: 12, commit: "0123abc" });
    t.live.record = null;
    expect(await (await t.get("/api/status", W47_COMPLETE)).json()).toMatchObject({ site: null });
  });

  it("answers version null where the runtime binds no version metadata", async () => {
    const t = await siteAgeTest(null);
    const { CF_VERSION_METADATA: _, ...withoutVersion } = t.h.env;
    // No live record either (the real ASSETS binding would serve whatever site/dist holds here).
    const app = createApp({ ...t.h.deps, siteFile: async () => new Response("Not found", { status: 404 }) });
    const response = await app.fetch(
      new Request("https://proxy.test/api/status"),
      withoutVersion as Env,
      createExecutionContext(),
    );
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({ version: null, site: null });
  });
});
