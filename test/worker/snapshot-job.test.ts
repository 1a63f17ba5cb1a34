import { env } from "cloudflare:workers";
import { afterEach, describe, expect, it, vi } from "vitest";
import { D1_MAX_QUERIES_PER_INVOCATION } from "../../worker/archive/limits";
import { REGIONS } from "../../worker/charts/regions";
import { demoTop100 } from "../fixtures/demo-chart";
import { TRENDING } from "./harness";
import { W47_START, count, jobHarness, mondayAfter } from "./job-harness";

const RUN = mondayAfter(W47_START); // Monday 2026-11-23 01:00 UTC: snapshot of 2026-W47

afterEach(() => vi.restoreAllMocks());

describe("the weekly snapshot job", () => {
  it("spends exactly 10 credits per region, all from the snapshot reserve, for all 71 regions", {
    timeout: 180_000,
  }, async () => {
    vi.spyOn(console, "log").mockImplementation(() => undefined);
    const h = await jobHarness();
    expect(await h.run(RUN)).toBeNull();
    expect(await h.upstream.count()).toBe(71 * 5);
    for (const region of ["US", "DE", "GB", "VN"])
      expect(await h.upstream.count({ region, period: "7", limit: "20" })).toBe(5);
    expect((await h.gateStatus()).spend).toEqual({
      proxyToday: 0,
      searchToday: 0,
      snapshotThisWeek: 710,
      probesThisWeek: 0,
    });
    expect(await count("SELECT COUNT(*) AS n FROM snapshots WHERE week = '2026-W47'")).toBe(REGIONS.length);
    expect(await count("SELECT COUNT(*) AS n FROM chart_entries WHERE week = '2026-W47'")).toBe(REGIONS.length * 100);
    await h.upstream.assertNoUnexpected();
    // D1's 1,000 queries per invocation are the run's real limit: it counts them and reports it.
    const summary = (await h.jobLog.lastRun())?.summary as { d1Queries: number; subrequests: number };
    console.error(JSON.stringify({ d1Queries: summary.d1Queries, subrequests: summary.subrequests }));
    expect(summary.d1Queries).toBeLessThan(D1_MAX_QUERIES_PER_INVOCATION);
  });

  it("spends 0 credits on a second run in the same week", async () => {
    const h = await jobHarness({ REGIONS: "US,DE,FR" });
    expect(await h.run(RUN)).toBeNull();
    expect(await h.upstream.count()).toBe(15);
    expect(await h.run(RUN + 3_600_000)).toBeNull();
    expect(await h.upstream.count()).toBe(15);
    const last = await h.jobLog.lastRun();
    expect(last?.summary).toMatchObject({ week: "2026-W47", done: [], skipped: ["US", "DE", "FR"], creditsSpent: 0 });
  });

  it("cannot be starved by proxy traffic: the reserve is the job's alone", async () => {
    const h = await jobHarness({ REGIONS: "US,DE", PROXY_DAILY_CREDITS: "2" });
    h.clock.now = RUN - 60_000;
    expect((await h.request(`${TRENDING}?region=JP`)).status).toBe(200);
    expect((await h.request(`${TRENDING}?region=KR`)).status).toBe(503);
    expect(await h.run(RUN)).toBeNull();
    expect(await count("SELECT COUNT(*) AS n FROM snapshots")).toBe(2);
    expect((await h.gateStatus()).spend.snapshotThisWeek).toBe(20);
  });

  it("keeps the other regions when one fails, fails the run, and retries the failed one next run", async () => {
    const h = await jobHarness({ REGIONS: "US,DE,FR" });
    await h.upstream.script([{ match: { region: "DE", page: "3" }, rawBody: "not json" }, {}]);
    const error = await h.run(RUN);
    expect(error?.message).toMatch(/1 region\(s\) failed.*DE/);
    expect(await count("SELECT COUNT(*) AS n FROM snapshots")).toBe(2);
    expect(await count("SELECT COUNT(*) AS n FROM chart_entries WHERE region = 'DE'")).toBe(0);
    // A region-specific failure is not retried in the same run.
    expect(await h.upstream.count({ region: "DE", page: "3" })).toBe(1);
    expect((await h.jobLog.lastRun())?.ok).toBe(false);
    await h.upstream.script([{}]);
    expect(await h.run(RUN + 3_600_000)).toBeNull();
    expect(await count("SELECT COUNT(*) AS n FROM snapshots")).toBe(3);
    expect(await h.upstream.count({ region: "US" })).toBe(5);
  });

  it("stops a run at its second upstream-wide failure, after waiting out the pause once", async () => {
    const h = await jobHarness({ REGIONS: "US,DE,FR,GB" });
    await h.upstream.script([{ status: 503 }]);
    const error = await h.run(RUN);
    expect(error?.message).toMatch(/1 region\(s\) failed, 3 deferred/);
    // Page 1 of US, then the same page once more after the backoff ended, as a probe: two calls.
    expect(await h.upstream.count()).toBe(2);
    expect((await h.gateStatus()).spend).toMatchObject({ snapshotThisWeek: 2, probesThisWeek: 2 });
    expect((await h.jobLog.lastRun())?.summary).toMatchObject({ stopped: expect.stringMatching(/upstream failing/) });
    await h.upstream.script([{}]);
    h.clock.now += 3_600_000;
    expect(await h.run(h.clock.now)).toBeNull();
    expect(await count("SELECT COUNT(*) AS n FROM snapshots")).toBe(4);
  });

  it("leaves nothing partial when storing a region crashes midway", async () => {
    const h = await jobHarness({ REGIONS: "US,DE" });
    await env.DB.prepare(
      "CREATE TRIGGER crash_de BEFORE INSERT ON chart_entries WHEN NEW.region = 'DE' AND NEW.rank = 100 BEGIN SELECT RAISE(ABORT, 'simulated crash'); END",
    ).run();
    const error = await h.run(RUN);
    expect(error?.message).toMatch(/DE \(store failed/);
    for (const table of ["snapshots", "chart_entries"]) {
      expect(await count(`SELECT COUNT(*) AS n FROM ${table} WHERE region = 'DE'`)).toBe(0);
      expect(await count(`SELECT COUNT(*) AS n FROM ${table} WHERE region = 'US'`)).toBeGreaterThan(0);
    }
    expect((await h.jobLog.lastRun())?.summary).toMatchObject({ done: ["US"] });
  });

  it("records a gap for a region still missing when the window has closed, and calls nothing", async () => {
    const h = await jobHarness({ REGIONS: "US,DE" });
    expect(await h.run(RUN - 7 * 86_400_000)).toBeNull(); // 2026-W46 for both
    const before = await h.upstream.count();
    await h.upstream.script([{ match: { region: "DE" }, status: 500 }, {}]);
    expect(await h.run(RUN)).not.toBeNull(); // W47: DE fails
    const late = RUN + 2 * 86_400_000; // Wednesday 01:00: the window has closed
    const callsBefore = await h.upstream.count();
    expect(await h.run(late)).toBeNull();
    expect(await h.upstream.count()).toBe(callsBefore);
    expect(before).toBe(10);
    expect(await h.jobLog.gaps("2026-W47")).toEqual(["DE"]);
    const summary = (await h.jobLog.lastRun())?.summary as { windowOpen: boolean; gaps: unknown[] };
    expect(summary.windowOpen).toBe(false);
    expect(summary.gaps).toEqual([{ week: "2026-W47", regions: ["DE"] }]);
  });

  it("records no gap before a region's first archived week (a first deployment is not a miss)", async () => {
    const h = await jobHarness({ REGIONS: "US,DE", ALERT_WEBHOOK: "https://alerts.test/hook" });
    expect(await h.run(RUN)).toBeNull(); // the very first run: W47
    expect(await h.run(RUN + 3_600_000)).toBeNull(); // closes W46, which never had a snapshot
    expect(await h.run(RUN + 2 * 86_400_000)).toBeNull(); // Wednesday: W47 closed, complete
    expect(await count("SELECT COUNT(*) AS n FROM gaps")).toBe(0);
    expect(h.outbound).not.toHaveBeenCalled();
  });

  it("snapshots week 53 of 2026 and carries history over into 2027-W01", async () => {
    const h = await jobHarness({ REGIONS: "US" });
    const w53 = Date.UTC(2026, 11, 28); // Monday of 2026-W53
    const runs = [mondayAfter(w53 - 7 * 86_400_000), mondayAfter(w53), mondayAfter(w53 + 7 * 86_400_000)];
    const ranksOf: Map<string, number>[] = [];
    for (const time of runs) {
      // A different chart every week (the demo source as of that run), as the real one would be.
      await h.upstream.script([{ asOf: time }]);
      expect(await h.run(time)).toBeNull();
      ranksOf.push(new Map(demoTop100("US", time).map((s) => [s.clip_id, s.rank])));
    }
    const weeks = (await h.archive.weeks("US")).map((w) => w.week);
    expect(weeks).toEqual(["2027-W01", "2026-W53", "2026-W52"]);
    const chart = await h.archive.chart("US", "2027-W01");
    const [w52, w53ranks] = [ranksOf[0]!, ranksOf[1]!];
    // Last week is 2026-W53's rank (the week before 2027-W01), worked out from the fed charts.
    for (const entry of chart?.entries ?? []) {
      expect(entry.lastWeek).toBe(w53ranks.get(entry.clip_id) ?? null);
      const weeksOn = 1 + (w52.has(entry.clip_id) ? 1 : 0) + (w53ranks.has(entry.clip_id) ? 1 : 0);
      expect(entry.weeksOnChart).toBe(weeksOn);
    }
    expect(chart?.entries.filter((e) => e.movement === "new").length).toBeGreaterThan(0);
    expect(chart?.entries.filter((e) => e.lastWeek !== null).length).toBeGreaterThan(50);
  });

  it("calls the build hook once per complete week, retrying with backoff when it fails", async () => {
    const h = await jobHarness({ REGIONS: "US,DE", SITE_BUILD_HOOK: "https://hooks.test/build" });
    h.outbound
      .mockResolvedValueOnce(new Response("down", { status: 502 }))
      .mockResolvedValueOnce(new Response("down", { status: 503 }));
    expect(await h.run(RUN)).toBeNull();
    expect(h.outbound).toHaveBeenCalledTimes(3);
    expect(await h.jobLog.buildHook("2026-W47")).toMatchObject({ attempts: 1, lastError: null });
    expect(await h.run(RUN + 3_600_000)).toBeNull();
    expect(await h.run(RUN + 86_400_000 * 7)).toBeNull(); // next week: closes W47 again, hooks W48 only
    const urls = h.outbound.mock.calls.map(([url]) => String(url));
    expect(urls).toEqual(Array(4).fill("https://hooks.test/build"));
  });

  it("retries the hook on the next run when every attempt of a run failed", async () => {
    const h = await jobHarness({ REGIONS: "US", SITE_BUILD_HOOK: "https://hooks.test/build" });
    h.outbound.mockResolvedValue(new Response("down", { status: 500 }));
    expect(await h.run(RUN)).toBeNull();
    expect(h.outbound).toHaveBeenCalledTimes(3);
    expect((await h.jobLog.buildHook("2026-W47"))?.lastError).toBe("HTTP 500");
    h.outbound.mockResolvedValue(new Response(null, { status: 204 }));
    expect(await h.run(RUN + 3_600_000)).toBeNull();
    expect(h.outbound).toHaveBeenCalledTimes(4);
    expect((await h.jobLog.buildHook("2026-W47"))?.doneAt).not.toBeNull();
  });

  it("speaks GitHub's repository_dispatch when a hook token is set", async () => {
    const h = await jobHarness({
      REGIONS: "US",
      SITE_BUILD_HOOK: "https://api.github.test/repos/o/r/dispatches",
      SITE_BUILD_HOOK_TOKEN: "gh-token",
    });
    expect(await h.run(RUN)).toBeNull();
    const [url, init] = h.outbound.mock.calls[0] as [string, RequestInit];
    expect(url).toBe("https://api.github.test/repos/o/r/dispatches");
    const headers = new Headers(init.headers);
    expect(headers.get("Authorization")).toBe("Bearer gh-token");
    expect(headers.get("User-Agent")).toBeTruthy();
    expect(JSON.parse(String(init.body))).toEqual({
      event_type: "chart-week-complete",
      client_payload: { week: "2026-W47" },
    });
  });

  it("alerts once per condition per day when a run fails", async () => {
    const h = await jobHarness({ REGIONS: "US", ALERT_WEBHOOK: "https://alerts.test/hook" });
    await h.upstream.script([{ status: 500 }]);
    expect(await h.run(RUN)).not.toBeNull();
    expect(await h.run(RUN + 3_600_000)).not.toBeNull();
    const alerts = h.outbound.mock.calls.filter(([url]) => String(url) === "https://alerts.test/hook");
    expect(alerts).toHaveLength(1);
    expect(JSON.parse(String((alerts[0] as [string, RequestInit])[1].body))).toMatchObject({
      condition: "run_failed",
      week: "2026-W47",
    });
  });

  it("alerts on a cool-down (from the gate, once a day) and stops spending for the rest of the run", async () => {
    const h = await jobHarness({ REGIONS: "US,DE,FR" });
    // The gate posts its alerts itself: let the fake upstream receive (and record) them.
    h.env.ALERT_WEBHOOK = `${h.upstream.url}/alerts`;
    await h.upstream.script([{ status: 401 }]);
    expect(await h.run(RUN)).not.toBeNull();
    expect(await h.upstream.count({ region: "DE" })).toBe(0);
    h.clock.now += 20 * 60_000; // the cool-down is over; the key is still refused
    expect(await h.run(h.clock.now)).not.toBeNull();
    await h.settle(); // the gate posts its alert from waitUntil: wait until it is idle
    const alerts = (await h.upstream.unexpected()).filter((r) => r.path === "/alerts");
    expect(alerts.map((r) => r.method)).toEqual(["POST"]);
    expect(alerts[0]?.headers["content-type"]).toBe("application/json");
  });
});
