import { describe, expect, it } from "vitest";
import { evaluate, row } from "../../bench/lib/goals.mjs";
import { archive10yGoals } from "../../bench/lib/goals-archive10y.mjs";

// Every goal of bench/lib/goals*.mjs is met by a passing result and "not met" by a result that
// fails it on the very quantity the goal names. No timing is measured here: the results are made up.

type Spread = { median: number; min: number; max: number; n: number };
const s = (median: number, n = 5): Spread => ({ median, min: median, max: median, n });
const target = (rps: number, cpu: number, p99 = 5) => ({
  rps: s(rps),
  p50Ms: s(1),
  p99Ms: s(p99),
  cpuUsPerRequest: s(cpu),
  errors: 0,
});
const stampede = () => ({ upstreamRequests: 1, answers: { "200 MISS": 1000 }, wallSeconds: 2, p50Ms: 1000 });

// biome-ignore lint/suspicious/noExplicitAny: a made-up results object, shaped as run.mjs writes it
function passing(): any {
  const hitAt = () => ({
    targets: {
      worker: target(6000, 190),
      "worker-304": target(8000, 130),
      trivial: target(9000, 110),
      nginx: target(45000, 20, 1),
    },
    paired: {
      workerOverTrivialRps: s(0.66),
      notModifiedOverHitRps: s(1.4),
      workerOverNginxRps: s(0.13),
      workerOwnCpuUs: s(80),
      notModifiedOwnCpuUs: s(20),
    },
  });
  const level = (fraction: number) => ({
    fraction,
    offeredRps: 4500,
    targets: { worker: target(4500, 0, 8), trivial: target(4500, 0, 6), nginx: target(4500, 0, 1) },
    paired: { workerP99OverTrivialP99: s(1.3), workerAchievedShare: s(0.99) },
  });
  return {
    credits: {
      workerStampede1s: stampede(),
      workerStampede8s: stampede(),
      zipf: {
        upstreamRequests: 364,
        minimumNeeded: 363,
        minimumIfPage1First: 364,
        page1OnlyForTotal: 1,
        minimumIfAskedDirectly: 593,
        maxPerChart: 5,
        samePageTwice: 0,
        unexpectedAtFake: 0,
      },
      staleBurst: { refreshes: 1, servedStale: 1000, wallSeconds: 2 },
      invalid: {
        upstreamRequests: 5,
        realKeys: 5,
        invalidRequests: 6000,
        invalidAnswered400: 6000,
        variantRequests: 4000,
        variantsAnswered200: 4000,
        unexpectedAtFake: 0,
      },
      job: { regionsStored: 71, first: { upstreamRequests: 355, seconds: 2 }, second: { upstreamRequests: 0 } },
    },
    outage: {
      outage: { upstreamRequests: 49, credits: 98, percentOfReserve: 6.9 },
      recovery: { recoveryRunRequests: 355, regionsStored: 71 },
    },
    hitPath: { summary: { "16": hitAt(), "64": hitAt() }, runs: [{ errors: 0 }, { errors: 0 }] },
    tierPath: {
      keys: 2000,
      upstreamRequests: { warming: 1065, measuring: 0 },
      memoMissShare: { "colo-scan": 1, "kv-scan": 1, "colo-zipf": 0.3 },
      summary: {
        targets: {
          trivial: target(9000, 110),
          "trivial-colo": target(4000, 400),
          "colo-scan": target(1500, 700),
          "kv-scan": target(1200, 900),
        },
        paired: {
          ownCpuOverColoReadUs: s(300),
          ownCpuUs: { "colo-scan": s(590), "kv-scan": s(790) },
          overTrivialRps: { "colo-scan": s(0.17), "kv-scan": s(0.13) },
        },
      },
      firstRender: {
        keys: 1999,
        concurrency: 16,
        upstreamRequests: 0,
        summary: {
          targets: { "colo-first": target(400, 2900, 60), "trivial-kv-colo": target(900, 2300, 30) },
          paired: { ownCpuOverKvColoUs: s(600) },
        },
      },
    },
    fixedRate: { levels: [level(0.5), level(0.8)] },
    site: {
      build: {
        wallSeconds: 12,
        pages: 100,
        chartPages: 50,
        soundPages: 50,
        files: 120,
        totalMB: 5,
        peakRssMiB: 800,
        upstreamRequests: 0,
        largestChartPage: { path: "charts/DE/2026-W01/index.html", rows: 101, rawKB: 50, gzipKB: 9, brotliKB: 8 },
        filesPerWeek: 72,
        filesNotPerWeek: 5000,
        yearsWithinPaidPlanFiles: 25,
      },
      incremental: {
        wallSeconds: 4,
        peakRssMiB: 400,
        restoredFromCache: 90,
        afterOneWeek: { changed: 1, added: 2, removed: 0, unchanged: 100 },
      },
      api: {
        chart: { url: "/api/charts/DE/2026-W01", d1QueriesPerRequest: 2, runs: [] },
        export: { lines: 10, megabytes: 1, requests: 2, seconds: 1, maxD1QueriesPerRequest: 2 },
      },
    },
  };
}

const verdict = (results: unknown, goal: string) => {
  const rows = evaluate(results as Record<string, unknown>).filter((r) => r.goal.includes(goal));
  expect(rows.length, `a row for "${goal}"`).toBeGreaterThan(0);
  return rows.map((r) => r.met);
};

describe("bench goals", () => {
  it("meets every goal on a passing result", () => {
    const rows = evaluate(passing());
    const goals = rows.filter((r) => r.met !== null);
    // A new goal changes this count: give it a failing case below too.
    expect(goals.length).toBe(23);
    for (const r of goals) expect(r.met, r.goal).toBe(true);
  });

  // [goal text (a part of it), what breaks it]
  // biome-ignore lint/suspicious/noExplicitAny: mutations of the made-up results
  const failing: Array<[string, string, (r: any) => void]> = [
    ["upstream 1 s → 1 request", "two upstream requests", (r) => (r.credits.workerStampede1s.upstreamRequests = 2)],
    [
      "upstream 8 s → 1 request",
      "one client not answered 200",
      (r) => (r.credits.workerStampede8s.answers = { "200 MISS": 999 }),
    ],
    [
      "10,000 Zipf requests",
      "one request over the page-1-first minimum",
      (r) => (r.credits.zipf.upstreamRequests = 365),
    ],
    ["10,000 Zipf requests", "six requests for one chart", (r) => (r.credits.zipf.maxPerChart = 6)],
    ["10,000 Zipf requests", "a page asked twice", (r) => (r.credits.zipf.samePageTwice = 1)],
    ["turns stale → 1 refresh", "two refreshes", (r) => (r.credits.staleBurst.refreshes = 2)],
    ["turns stale → 1 refresh", "a client not served stale", (r) => (r.credits.staleBurst.servedStale = 999)],
    [
      "invalid / cache-busting",
      "an invalid request reaching upstream",
      (r) => (r.credits.invalid.upstreamRequests = 6),
    ],
    [
      "invalid / cache-busting",
      "an invalid request not answered 400",
      (r) => (r.credits.invalid.invalidAnswered400 = 5999),
    ],
    ["invalid / cache-busting", "a variant not answered 200", (r) => (r.credits.invalid.variantsAnswered200 = 3999)],
    ["weekly job twice", "a second run that asks again", (r) => (r.credits.job.second.upstreamRequests = 1)],
    ["whole-window outage", "11 % of the reserve", (r) => (r.outage.outage.percentOfReserve = 11)],
    [
      "16 conns: Worker memo-hit throughput",
      "0.49 × trivial",
      (r) => (r.hitPath.summary["16"].paired.workerOverTrivialRps = s(0.49)),
    ],
    [
      "64 conns: Worker memo-hit throughput",
      "only 4 rounds",
      (r) => (r.hitPath.summary["64"].paired.workerOverTrivialRps = s(0.9, 4)),
    ],
    [
      "16 conns: 304 throughput",
      "304 slower than a hit",
      (r) => (r.hitPath.summary["16"].paired.notModifiedOverHitRps = s(0.95)),
    ],
    [
      "64 conns: 304 throughput",
      "304 slower than a hit",
      (r) => (r.hitPath.summary["64"].paired.notModifiedOverHitRps = s(0.9)),
    ],
    ["0 errors", "one error", (r) => (r.hitPath.runs[1].errors = 1)],
    [
      "CPU per memo hit, the Worker's own work",
      "1,001 µs",
      (r) => (r.hitPath.summary["16"].paired.workerOwnCpuUs = s(1001)),
    ],
    [
      "CPU per memo hit, the Worker's own work",
      "a negative difference",
      (r) => (r.hitPath.summary["16"].paired.workerOwnCpuUs = s(-99)),
    ],
    [
      "CPU per memo hit, the Worker's own work",
      "not measured",
      (r) => (r.hitPath.summary["16"].paired.workerOwnCpuUs = null),
    ],
    [
      "not rendered, from the colo cache",
      "1,100 µs",
      (r) => (r.tierPath.summary.paired.ownCpuOverColoReadUs = s(1100)),
    ],
    [
      "not rendered, from the colo cache",
      "only 2 rounds",
      (r) => (r.tierPath.summary.paired.ownCpuOverColoReadUs = s(500, 2)),
    ],
    [
      "not rendered, from the colo cache",
      "a negative difference",
      (r) => (r.tierPath.summary.paired.ownCpuOverColoReadUs = s(-40)),
    ],
    [
      "not rendered, from the colo cache",
      "no colo-read baseline (an older run)",
      (r) => delete r.tierPath.summary.paired.ownCpuOverColoReadUs,
    ],
    [
      "not rendered, from the colo cache",
      "a run that went upstream",
      (r) => (r.tierPath.upstreamRequests.measuring = 3),
    ],
    [
      "not rendered, from the colo cache",
      "requests answered from the memo",
      (r) => (r.tierPath.memoMissShare["colo-scan"] = 0.7),
    ],
    [
      "first render of a key in a colo",
      "1,100 µs",
      (r) => (r.tierPath.firstRender.summary.paired.ownCpuOverKvColoUs = s(1100)),
    ],
    [
      "first render of a key in a colo",
      "only 3 rounds",
      (r) => (r.tierPath.firstRender.summary.paired.ownCpuOverKvColoUs = s(600, 3)),
    ],
    [
      "first render of a key in a colo",
      "a negative difference",
      (r) => (r.tierPath.firstRender.summary.paired.ownCpuOverKvColoUs = s(-50)),
    ],
    [
      "first render of a key in a colo",
      "a render that went upstream",
      (r) => (r.tierPath.firstRender.upstreamRequests = 1),
    ],
    [
      "first render of a key in a colo",
      "an error",
      (r) => (r.tierPath.firstRender.summary.targets["colo-first"].errors = 1),
    ],
    ["at 50 %", "Worker p99 2.1 × trivial", (r) => (r.fixedRate.levels[0].paired.workerP99OverTrivialP99 = s(2.1))],
    ["at 80 %", "the rate not held", (r) => (r.fixedRate.levels[1].paired.workerAchievedShare = s(0.8))],
    ["at 80 %", "errors", (r) => (r.fixedRate.levels[1].targets.worker.errors = 3)],
    ["at 50 %", "only 3 rounds", (r) => (r.fixedRate.levels[0].paired.workerP99OverTrivialP99 = s(1, 3))],
    ["at 50 %", "a closed-loop run (hey)", (r) => (r.fixedRate.tool = "hey")],
    ["site build ≤ 15 s", "15.1 s", (r) => (r.site.build.wallSeconds = 15.1)],
    ["site build ≤ 1 GB", "1,025 MiB", (r) => (r.site.build.peakRssMiB = 1025)],
    ["site build → 0 upstream requests", "one request", (r) => (r.site.build.upstreamRequests = 1)],
    ["incremental build after one new week", "501 MiB", (r) => (r.site.incremental.peakRssMiB = 501)],
    ["100-row chart page", "16 KB gzipped", (r) => (r.site.build.largestChartPage.gzipKB = 16)],
    ["100-row chart page", "61 KB raw", (r) => (r.site.build.largestChartPage.rawKB = 61)],
    ["files within the Paid plan", "9.9 years", (r) => (r.site.build.yearsWithinPaidPlanFiles = 9.9)],
  ];
  for (const [goal, breaks, mutate] of failing)
    it(`marks "${goal}" not met with ${breaks}`, () => {
      const results = passing();
      mutate(results);
      expect(verdict(results, goal)).toContain(false);
    });

  it("states the offered rate and the rate the Worker reached", () => {
    const row = evaluate(passing()).find((r) => r.goal.includes("at 80 %"));
    expect(row?.goal).toContain("4500 req/s offered, open loop");
    expect(row?.measured).toContain("offered 4500 req/s, the Worker reached 4500 req/s");
  });

  it("judges each fixed-rate level and each connection count on its own row", () => {
    const results = passing();
    results.fixedRate.levels[0].paired.workerP99OverTrivialP99 = s(3);
    expect(verdict(results, "at 50 %")).toEqual([false]);
    expect(verdict(results, "at 80 %")).toEqual([true]);
  });

  it("never judges the closed-loop p99 (queueing at saturation)", () => {
    expect(verdict(passing(), "p99 at saturation")).toEqual([null, null]);
  });

  it("names the negative CPU difference as noise, not a measurement", () => {
    const results = passing();
    results.hitPath.summary["16"].paired.workerOwnCpuUs = s(-99);
    const row = evaluate(results).find((r) => r.goal.includes("the Worker's own work"));
    expect(row?.measured).toContain("not a measurement");
  });

  it("adds the rows of a section owned elsewhere", () => {
    const results = { ...passing(), archive10y: { years: 10 } };
    const rows = evaluate(results, {
      archive10y: (result, row) => [row("archive", "ten years", `${result.years}`, false)],
    });
    expect(rows.at(-1)).toEqual({ section: "archive", goal: "ten years", measured: "10", met: false });
  });
});

describe("ten-year archive goals", () => {
  const paging = (requests: number) => ({
    requests,
    maxQueriesPerRequest: 2,
    msPerRequest: { median: 100, min: 80, max: 180, n: requests, p99: 160 },
    firstTenthMedianMs: 95,
    lastTenthMedianMs: 105,
    rowsRead: { maxPerRequest: 2040, total: 2040 * requests, maxPerLine: 102 },
  });
  // biome-ignore lint/suspicious/noExplicitAny: a made-up archive10y result
  const passing = (): any => ({
    weeksSeeded: 520,
    weeks: 520,
    complete: true,
    export: paging(1847),
    dump: paging(2518),
    d1: { bytesPerYear: 400e6, yearsIn10GB: 25 },
    derivation: { mismatches: 0, entries: 100 },
  });
  const verdicts = (r: unknown, goal: string) => {
    const rows = archive10yGoals(r, row).filter((x) => x.goal.includes(goal));
    expect(rows.length, `a row for "${goal}"`).toBeGreaterThan(0);
    return rows.map((x) => x.met);
  };

  it("meets every goal on a passing result", () => {
    const rows = archive10yGoals(passing(), row);
    expect(rows).toHaveLength(7);
    for (const r of rows) expect(r.met, r.goal).toBe(true);
  });

  // biome-ignore lint/suspicious/noExplicitAny: mutations of the made-up result
  const failing: Array<[string, string, (r: any) => void]> = [
    ["D1 queries per request", "three queries", (r) => (r.dump.maxQueriesPerRequest = 3)],
    ["`/api/export`: time per request", "p99 of 1.2 s (a scan each)", (r) => (r.export.msPerRequest.p99 = 1200)],
    ["admin dump: time per request", "late pages 2.5 × the early ones", (r) => (r.dump.lastTenthMedianMs = 240)],
    ["`/api/export`: time per request", "no per-request times (an older run)", (r) => delete r.export.msPerRequest],
    ["`/api/export`: D1 rows read", "250 rows a line", (r) => (r.export.rowsRead.maxPerLine = 250)],
    ["admin dump: D1 rows read", "rows read not reported", (r) => (r.dump.rowsRead = null)],
    ["fit in D1's 10 GB", "9 years", (r) => (r.d1.yearsIn10GB = 9)],
  ];
  for (const [goal, breaks, mutate] of failing)
    it(`marks "${goal}" not met with ${breaks}`, () => {
      const r = passing();
      mutate(r);
      expect(verdicts(r, goal)).toContain(false);
    });

  it("says why rows read are missing", () => {
    const r = passing();
    r.export.rowsRead = null;
    const x = archive10yGoals(r, row).find((y) => y.goal.startsWith("`/api/export`: D1 rows read"));
    expect(x?.measured).toContain("not reported");
  });
});
