import { env } from "cloudflare:workers";
import { afterEach, describe, expect, it, vi } from "vitest";
import { ArchiveStore } from "../../worker/archive/store";
import { addWeeks, weekStart } from "../../worker/charts/iso-week";
import { REGIONS } from "../../worker/charts/regions";
import { demoPages, demoTop100 } from "../fixtures/demo-chart";
import { TRENDING } from "./harness";
import { CLOSING_RUN, W47_START, WINDOW_RUNS, count, jobHarness, mondayAfter } from "./job-harness";

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const RUN = mondayAfter(W47_START); // Monday 2026-11-23 01:00 UTC: snapshot of 2026-W47
const RESERVE = 20 * REGIONS.length;

afterEach(() => vi.restoreAllMocks());

function quiet() {
  vi.spyOn(console, "log").mockImplementation(() => undefined);
  vi.spyOn(console, "warn").mockImplementation(() => undefined);
}

/** Page 1 requests of a run, in the order the fake received them: the order regions were tried. */
async function regionsTried(h: Awaited<ReturnType<typeof jobHarness>>, since: number): Promise<string[]> {
  const requests = (await h.upstream.requests()).slice(since);
  return [...new Set(requests.filter((r) => r.query.page === "1").map((r) => r.query.region ?? ""))];
}

describe("the snapshot job under failure: region-specific failures", () => {
  it("never stops a run: two regions that always fail early do not defer the others", async () => {
    const h = await jobHarness({ REGIONS: "US,DE,FR,GB,JP" });
    // One bad row in US and DE, every time: a schema failure for those regions only.
    const bad = { code: 0, message: "success", data: { sound_list: [{ rank: "x" }] }, requestId: "r" };
    await h.upstream.script([{ match: { region: "US" }, body: bad }, { match: { region: "DE" }, body: bad }, {}]);
    const error = await h.run(RUN);
    expect(error?.message).toMatch(/2 region\(s\) failed, 0 deferred/);
    expect(await count("SELECT COUNT(*) AS n FROM snapshots WHERE week = '2026-W47'")).toBe(3);
    // The failed regions are tried again next run, and still do not stop it.
    expect(await h.run(RUN + HOUR)).not.toBeNull();
    expect(await h.upstream.count({ region: "US", page: "1" })).toBe(2);
    expect(await h.upstream.count({ region: "FR" })).toBe(5);
  });

  it("tries regions not yet tried in this window before regions that failed", async () => {
    const h = await jobHarness({ REGIONS: "US,DE,FR,GB" });
    await h.upstream.script([
      { match: { region: "US" }, rawBody: "<html>oops</html>" },
      { match: { region: "DE" }, status: 500 },
      {},
    ]);
    // US fails on its own; DE's 500s are upstream-wide: the second one stops the run before FR and GB.
    const first = await h.run(RUN);
    expect(first?.message).toMatch(/2 region\(s\) failed, 2 deferred/);
    expect(await regionsTried(h, 0)).toEqual(["US", "DE"]);
    const before = (await h.upstream.requests()).length;
    await h.upstream.script([{}]);
    expect(await h.run(RUN + HOUR)).toBeNull();
    expect(await regionsTried(h, before)).toEqual(["FR", "GB", "US", "DE"]);
  });

  it("refuses a chart whose entries name another region (an upstream that ignored `region`)", async () => {
    const h = await jobHarness({ REGIONS: "US,DE" });
    const usPages = demoPages("US", RUN);
    await h.upstream.script([
      ...usPages.map((body, i) => ({ match: { region: "DE", page: String(i + 1) }, body })),
      { match: { region: "US" } },
    ]);
    expect((await h.run(RUN))?.message).toMatch(/1 region\(s\) failed.*DE/);
    expect(await count("SELECT COUNT(*) AS n FROM snapshots WHERE region = 'DE'")).toBe(0);
    expect(await count("SELECT COUNT(*) AS n FROM snapshots WHERE region = 'US'")).toBe(1);
  });
});

describe("the snapshot job under failure: upstream-wide failures", () => {
  it("spends at most 10 % of the weekly reserve when every run of the window fails (49 runs)", {
    timeout: 180_000,
  }, async () => {
    quiet();
    const h = await jobHarness({ ALERT_WEBHOOK: "https://alerts.test/hook" });
    expect(await h.run(RUN - 7 * 24 * HOUR)).toBeNull(); // 2026-W46 stored for every region
    await h.upstream.script([{ status: 503 }]);
    const before = await h.upstream.count();
    for (const time of [...WINDOW_RUNS, CLOSING_RUN]) await h.run(time);
    // The first run's call and its retry (a probe), then one half-open probe per run; the closing run calls nothing.
    expect((await h.upstream.count()) - before).toBe(2 + 47);
    const { spend } = await h.gateStatus();
    // Only the first run's first call is paid from the reserve: every probe has its own allowance.
    expect(spend.snapshotThisWeek).toBe(2);
    expect(spend.probesThisWeek).toBe(2 * 48);
    expect(spend.snapshotThisWeek).toBeLessThanOrEqual(0.1 * RESERVE);
    expect(await h.jobLog.gaps("2026-W47")).toHaveLength(REGIONS.length);
  });

  // docs/weekly-archive.md: the outage rule holds for any REGIONS size. With the probes paid from the reserve,
  // 5 regions (reserve 100) had 2 credits left after 47 failing runs, and the recovery stored none.
  for (const regions of [["DE"], ["US", "DE", "FR", "GB", "JP"], REGIONS]) {
    it(`fetches every missing region on the first run after the upstream recovers (${regions.length} region(s))`, {
      timeout: 180_000,
    }, async () => {
      quiet();
      const h = await jobHarness(regions === REGIONS ? {} : { REGIONS: regions.join(",") });
      const reserve = 20 * regions.length;
      await h.upstream.script([{ status: 503 }]);
      for (const time of WINDOW_RUNS.slice(0, 47)) expect(await h.run(time)).not.toBeNull();
      const outage = await h.gateStatus();
      expect(outage.spend.snapshotThisWeek).toBe(2);
      expect(outage.spend.snapshotThisWeek).toBeLessThanOrEqual(0.1 * reserve);
      expect(outage.spend.probesThisWeek).toBe(2 * 47);

      await h.upstream.script([{}]);
      expect(await h.run(WINDOW_RUNS[47]!)).toBeNull();
      expect(await count("SELECT COUNT(*) AS n FROM snapshots WHERE week = '2026-W47'")).toBe(regions.length);
      const { spend } = await h.gateStatus();
      // The recovery run's first page is its probe; every other page is paid from the reserve.
      expect(spend.probesThisWeek).toBe(2 * 48);
      expect(spend.snapshotThisWeek).toBe(2 + 2 * (regions.length * 5 - 1));
      expect(spend.snapshotThisWeek).toBeLessThanOrEqual(reserve);
    });
  }

  it("asks for one page first when the last upstream call failed, and stops at once if it fails", async () => {
    const h = await jobHarness({ REGIONS: "US,DE,FR" });
    await h.upstream.script([{ status: 500, times: 1 }, {}]);
    // A proxy miss fails: the gate's last call failed before the run starts.
    h.clock.now = RUN - 10 * MINUTE;
    expect((await h.request(`${TRENDING}?region=JP`)).status).toBe(502);
    await h.upstream.script([{ status: 500 }]);
    const error = await h.run(RUN);
    expect(error?.message).toMatch(/1 region\(s\) failed, 2 deferred/);
    expect(await h.upstream.count()).toBe(2); // the proxy's call, then the probe: no retry
    const summary = (await h.jobLog.lastRun())?.summary as { halfOpen: boolean; stopped: string };
    expect(summary.halfOpen).toBe(true);
    expect(summary.stopped).toMatch(/half-open probe failed/);
  });

  it("times a pause on the real clock from when the failed call ended, not from the cron's scheduled time", async () => {
    const h = await jobHarness({ REGIONS: "DE" });
    await h.upstream.script([{ status: 429, headers: { "Retry-After": "120" } }]);
    // The run was scheduled at RUN but reaches the upstream five minutes later.
    await h.run(RUN, RUN + 5 * MINUTE);
    // It waited out the first pause (2 minutes) and stopped at the second 429.
    expect(h.clock.now).toBe(RUN + 7 * MINUTE);
    expect(await h.upstream.count()).toBe(2);
    expect((await h.gateStatus()).pause).toMatchObject({ until: RUN + 9 * MINUTE, reason: "retry_after" });
    h.clock.now += MINUTE;
    const paused = await h.request(`${TRENDING}?region=US`);
    expect(paused.status).toBe(503);
    expect(paused.headers.get("Retry-After")).toBe("60");
  });

  it("stops when a pause outlasts the run's time budget, and spends nothing waiting", async () => {
    const h = await jobHarness({ REGIONS: "US,DE" });
    await h.upstream.script([{ status: 402 }]);
    const error = await h.run(RUN);
    expect(error?.message).toMatch(/1 region\(s\) failed, 1 deferred/);
    expect(await h.upstream.count()).toBe(1);
    expect(h.clock.now).toBe(RUN); // no 15-minute wait inside a 10-minute budget
  });
});

describe("the snapshot job: one run at a time, gaps for every missed week", () => {
  it("does nothing while another run holds the lease, and takes over once it expires", async () => {
    const h = await jobHarness({ REGIONS: "US,DE" });
    await env.DB.prepare("INSERT INTO job_lease (id, holder, expires_at) VALUES (1, 'another-run', ?)")
      .bind(RUN + 15 * MINUTE)
      .run();
    expect(await h.run(RUN)).toBeNull();
    expect(await h.upstream.count()).toBe(0);
    expect(await h.jobLog.lastRun()).toBeNull();
    expect(await h.run(RUN + 15 * MINUTE)).toBeNull();
    expect(await count("SELECT COUNT(*) AS n FROM snapshots")).toBe(2);
    expect(await count("SELECT COUNT(*) AS n FROM job_lease")).toBe(0);
  });

  it("lets only one of two overlapping runs fetch", async () => {
    const h = await jobHarness({ REGIONS: "US,DE,FR" });
    const results = await Promise.all([h.run(RUN), h.run(RUN)]);
    expect(results).toEqual([null, null]);
    expect(await h.upstream.count()).toBe(15);
    expect(await count("SELECT COUNT(*) AS n FROM job_runs")).toBe(1);
  });

  it("records a gap for every week missed since a region's first week, however long ago", async () => {
    const h = await jobHarness({ REGIONS: "US,DE", ALERT_WEBHOOK: "https://alerts.test/hook" });
    expect(await h.run(RUN - 4 * 7 * 24 * HOUR)).toBeNull(); // 2026-W43
    // No run for three weeks (the cron was off); the W47 window's first run notices.
    expect(await h.run(RUN)).toBeNull();
    for (const week of ["2026-W44", "2026-W45", "2026-W46"]) expect(await h.jobLog.gaps(week)).toEqual(["DE", "US"]);
    const summary = (await h.jobLog.lastRun())?.summary as { gaps: { week: string; regions: string[] }[] };
    expect(summary.gaps.map((g) => g.week)).toEqual(["2026-W44", "2026-W45", "2026-W46"]);
    const alerts = h.outbound.mock.calls.filter(([url]) => String(url) === "https://alerts.test/hook");
    expect(alerts).toHaveLength(3);
    // Once recorded, never twice.
    expect(await h.run(RUN + HOUR)).toBeNull();
    expect(await count("SELECT COUNT(*) AS n FROM gaps")).toBe(6);
  });

  it("fills a hole left in the middle of a region's history too", async () => {
    const h = await jobHarness({ REGIONS: "US" });
    for (const weeksBack of [5, 4, 1]) expect(await h.run(RUN - weeksBack * 7 * 24 * HOUR)).toBeNull();
    // Weeks 2026-W43 and W44 were missed and W45 closed before any gap logic knew of them.
    await env.DB.prepare("DELETE FROM gaps").run();
    expect(await h.run(RUN)).toBeNull();
    const { results } = await env.DB.prepare("SELECT week FROM gaps ORDER BY week").all<{ week: string }>();
    expect(results.map((r) => r.week)).toEqual(["2026-W44", "2026-W45"]);
  });
});

describe("the archive: a region's read-derive-write never interleaves with an import of it", () => {
  it("derives again when an earlier week of the same region was stored in between", async () => {
    const week = (w: string) => ({
      region: "DE",
      week: w,
      fetchedAt: weekStart(addWeeks(w, 1)),
      source: "demo" as const,
      entries: demoTop100("DE", weekStart(addWeeks(w, 1)) + HOUR),
    });
    const importer = new ArchiveStore(env.DB, "demo");
    let interleaved = false;
    // D1 as the job sees it: between its read and its write, an import stores W46 of the same region.
    const racing = new Proxy(env.DB, {
      get(target, property) {
        if (property === "batch") {
          return async (statements: D1PreparedStatement[]) => {
            if (statements.length > 2 && !interleaved) {
              interleaved = true;
              expect(await importer.storeSnapshot(week("2026-W46"), { publish: false })).toBe(true);
            }
            return target.batch(statements);
          };
        }
        const value = Reflect.get(target, property, target);
        return typeof value === "function" ? value.bind(target) : value;
      },
    });
    const job = new ArchiveStore(racing, "demo");
    expect(await job.storeSnapshot(week("2026-W47"))).toBe(true);
    expect(interleaved).toBe(true);
    const w46 = await importer.chart("DE", "2026-W46");
    const w47 = await importer.chart("DE", "2026-W47");
    // W47 was derived against W46: not a baseline week, and every sound on both charts knows its last week.
    expect(w47?.entries.some((e) => e.movement === "baseline")).toBe(false);
    const ranks46 = new Map(w46?.entries.map((e) => [e.clip_id, e.rank]));
    for (const entry of w47?.entries ?? []) expect(entry.lastWeek).toBe(ranks46.get(entry.clip_id) ?? null);
  });
});
