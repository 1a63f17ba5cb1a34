import { env } from "cloudflare:workers";
import { afterEach, describe, expect, it, vi } from "vitest";
import { ArchiveStore } from "../../worker/archive/store";
import { demoTop100 } from "../fixtures/demo-chart";
import { TRENDING } from "./harness";
import { W47_START, count, jobHarness, mondayAfter } from "./job-harness";

// docs/weekly-archive.md "The snapshot job under failure": a half-open probe that the upstream answers proves
// it is up; parallel page failures are one failure; nothing a run stored is left unfinished; a
// run never waits without a deadline while it holds its lease.

const HOUR = 3_600_000;
const RUN = mondayAfter(W47_START); // Monday 2026-11-23 01:00 UTC: snapshot of 2026-W47
const ALERTS = "https://alerts.test/hook";
const HOOK = "https://hooks.test/build";

afterEach(() => vi.restoreAllMocks());

function quiet() {
  vi.spyOn(console, "log").mockImplementation(() => undefined);
  vi.spyOn(console, "warn").mockImplementation(() => undefined);
}

describe("the snapshot job: probes and parallel failures", () => {
  it("goes on when a half-open probe gets a region-specific failure: the upstream has answered", async () => {
    const h = await jobHarness({ REGIONS: "US,DE,FR" });
    await h.upstream.script([{ status: 500, times: 1 }, {}]);
    h.clock.now = RUN - 10 * 60_000;
    expect((await h.request(`${TRENDING}?region=JP`)).status).toBe(502); // the gate's last call failed
    const bad = { code: 0, message: "success", data: { sound_list: [{ rank: "x" }] }, requestId: "r" };
    await h.upstream.script([{ match: { region: "US" }, body: bad }, {}]);
    const error = await h.run(RUN);
    expect(error?.message).toMatch(/1 region\(s\) failed, 0 deferred/);
    expect(await count("SELECT COUNT(*) AS n FROM snapshots WHERE week = '2026-W47'")).toBe(2);
    const summary = (await h.jobLog.lastRun())?.summary as { halfOpen: boolean; stopped: string | null };
    expect(summary).toMatchObject({ halfOpen: true, stopped: null });
  });

  it("counts four parallel page failures as one failure and retries one page, as a probe, before the rest", async () => {
    quiet();
    const h = await jobHarness({ REGIONS: "US,DE" });
    await h.upstream.script([
      ...["2", "3", "4", "5"].map((page) => ({ match: { region: "US", page }, status: 503 })),
      {},
    ]);
    const error = await h.run(RUN);
    expect(error?.message).toMatch(/1 region\(s\) failed, 1 deferred/);
    // Page 1, pages 2–5 at once (one failure), then page 2 alone (the second failure): 6 calls, not 9.
    expect(await h.upstream.count()).toBe(6);
    expect(await h.upstream.count({ region: "US", page: "2" })).toBe(2);
    expect(await h.upstream.count({ region: "US", page: "3" })).toBe(1);
    expect((await h.gateStatus()).spend).toMatchObject({ snapshotThisWeek: 10, probesThisWeek: 2 });
    expect((await h.jobLog.lastRun())?.summary).toMatchObject({ stopped: expect.stringMatching(/upstream failing/) });
  });
});

describe("the snapshot job: nothing a run stored is left unfinished", () => {
  it("finishes what a run that died after storing left: the global ranking, its record, an alert, the hook", async () => {
    quiet();
    const h = await jobHarness({ REGIONS: "US,DE", ALERT_WEBHOOK: ALERTS, SITE_BUILD_HOOK: HOOK });
    // A run stored both regions, then died (killed mid-way): no ranking, no record of its end, no hook.
    await h.jobLog.startRun("2026-W47", RUN, "the-run-that-died");
    const store = new ArchiveStore(env.DB, "keyapi");
    for (const region of ["US", "DE"])
      await store.storeSnapshot({
        region,
        week: "2026-W47",
        fetchedAt: RUN,
        source: "keyapi",
        entries: demoTop100(region, RUN),
      });
    expect(await count("SELECT COUNT(*) AS n FROM global_ranks WHERE week = '2026-W47'")).toBe(0);

    expect(await h.run(RUN + HOUR)).toBeNull();
    expect(await h.upstream.count()).toBe(0);
    expect(await count("SELECT COUNT(*) AS n FROM global_ranks WHERE week = '2026-W47'")).toBe(100);
    expect(await count("SELECT COUNT(*) AS n FROM job_runs WHERE finished_at IS NULL")).toBe(0);
    expect(await count("SELECT COUNT(*) AS n FROM job_runs WHERE ok = 0 AND summary ->> 'state' = 'died'")).toBe(1);
    const posted = h.hookCalls.map((c) => ({ url: c.url, body: String(c.init?.body ?? "") }));
    expect(posted.filter((p) => p.url === ALERTS && p.body.includes("run_died"))).toHaveLength(1);
    expect(posted.filter((p) => p.url === HOOK)).toHaveLength(1);
    // Found once: the next run has nothing left to finish.
    expect(await h.run(RUN + 2 * HOUR)).toBeNull();
    expect(h.hookCalls.filter((c) => String(c.init?.body ?? "").includes("run_died"))).toHaveLength(1);
  });

  it("records and alerts a run that throws after storing, and the next run rebuilds the ranking it left", async () => {
    quiet();
    const h = await jobHarness({ REGIONS: "US", ALERT_WEBHOOK: ALERTS, SITE_BUILD_HOOK: HOOK });
    await env.DB.prepare(
      "CREATE TRIGGER broken_ranking BEFORE INSERT ON global_ranks BEGIN SELECT RAISE(ABORT, 'simulated D1 failure'); END",
    ).run();
    const error = await h.run(RUN);
    expect(error?.message).toMatch(/simulated D1 failure/);
    expect(await count("SELECT COUNT(*) AS n FROM snapshots WHERE week = '2026-W47'")).toBe(1);
    const failed = await h.jobLog.lastRun();
    expect(failed).toMatchObject({ ok: false, summary: { done: ["US"], error: expect.stringMatching(/simulated/) } });
    expect(h.hookCalls.filter((c) => c.url === ALERTS && String(c.init?.body).includes("run_failed"))).toHaveLength(1);
    expect(h.hookCalls.filter((c) => c.url === HOOK)).toHaveLength(0);
    expect(await count("SELECT COUNT(*) AS n FROM job_lease")).toBe(0);

    await env.DB.prepare("DROP TRIGGER broken_ranking").run();
    expect(await h.run(RUN + HOUR)).toBeNull();
    expect(await count("SELECT COUNT(*) AS n FROM global_ranks WHERE week = '2026-W47'")).toBe(100);
    expect((await h.jobLog.lastRun())?.summary).toMatchObject({ skipped: ["US"], globalRebuilt: ["2026-W47"] });
    expect(h.hookCalls.filter((c) => c.url === HOOK)).toHaveLength(1);
  });

  it("never waits on a KV write that does not settle: the run ends, records itself and frees its lease", async () => {
    const h = await jobHarness({ REGIONS: "US" });
    let settle: () => void = () => undefined;
    const never = new Promise<void>((resolve) => {
      settle = resolve;
    });
    const stuck = new Proxy(env.ANSWERS, {
      get(target, property) {
        if (property === "put") return () => never;
        const value = Reflect.get(target, property, target);
        return typeof value === "function" ? value.bind(target) : value;
      },
    });
    const run = h.start(RUN, { ...h.env, ANSWERS: stuck });
    expect(await run.result).toBeNull();
    expect(await count("SELECT COUNT(*) AS n FROM snapshots WHERE week = '2026-W47'")).toBe(1);
    expect(await h.jobLog.lastRun()).toMatchObject({ ok: true });
    expect(await count("SELECT COUNT(*) AS n FROM job_lease")).toBe(0);
    settle();
    await run.background();
  });
});
