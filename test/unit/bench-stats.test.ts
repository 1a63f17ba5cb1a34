import { spawn } from "node:child_process";
import { once } from "node:events";
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { minimumRequests } from "../../bench/lib/charts.mjs";
import { ownUse, verdict } from "../../bench/lib/machine.mjs";
import { memoMissShare } from "../../bench/lib/memo-replay.mjs";
import { paired, requestCost, spread } from "../../bench/lib/stats.mjs";
import { RenderedAnswers } from "../../worker/proxy/rendered-answers";

describe("bench statistics", () => {
  it("gives a median with the spread of the rounds", () => {
    expect(spread([3, 1, 2, 10, 4])).toEqual({ median: 3, min: 1, max: 10, n: 5 });
    expect(spread([Number.NaN])).toBeNull();
  });

  it("pairs a ratio within each round", () => {
    const runs = [
      { round: 1, target: "a", rps: 50 },
      { round: 1, target: "b", rps: 100 },
      { round: 2, target: "a", rps: 90 },
      { round: 2, target: "b", rps: 100 },
    ];
    expect(paired(runs, (g) => g("a").rps! / g("b").rps!)).toEqual({ median: 0.7, min: 0.5, max: 0.9, n: 2 });
  });

  it("leaves out a round where a target did not run", () => {
    const runs = [
      { round: 1, target: "a", rps: 50 },
      { round: 2, target: "a", rps: 50 },
      { round: 2, target: "b", rps: 100 },
    ];
    expect(paired(runs, (g) => g("a").rps! / g("b").rps!)?.n).toBe(1);
  });
});

describe("per-request cost of a paging", () => {
  it("gives the time's spread and p99, the first and last tenth, and rows read per line", () => {
    const perRequest = Array.from({ length: 20 }, (_, i) => ({ ms: 10 + i, lines: 20, rowsRead: 2020 }));
    perRequest[19] = { ms: 500, lines: 10, rowsRead: 5000 };
    expect(requestCost(perRequest)).toEqual({
      msPerRequest: { median: 19.5, min: 10, max: 500, n: 20, p99: 500 },
      firstTenthMedianMs: 10.5,
      lastTenthMedianMs: 264,
      rowsRead: { maxPerRequest: 5000, total: 19 * 2020 + 5000, maxPerLine: 500 },
    });
  });

  it("reports no rows read when a response did not say", () => {
    const cost = requestCost([
      { ms: 5, lines: 1, rowsRead: 100 },
      { ms: 5, lines: 1, rowsRead: Number.NaN },
    ]);
    expect(cost.rowsRead).toBeNull();
  });
});

describe("a busy machine", () => {
  it("is busy when other processes took more than a tenth of it", () => {
    expect(verdict([1.07, 1, 1], 0.1, 2).busy).toBe(false);
    expect(verdict([0.2, 1, 1], 0.5, 2).busy).toBe(true);
  });

  it("falls back to the load average without /proc", () => {
    expect(verdict([2.5, 1, 1], null, 2)).toEqual({ busy: true, busyBy: "load average" });
  });

  it.runIf(process.platform === "linux")(
    "counts a process of the bench's own that has ended, from its samples",
    async () => {
      const use = ownUse();
      // A child that computes until killed: killed, it is gone from /proc, and (as a Worker host's
      // workerd stopped with its group) its ticks may reach no parent's cutime.
      const child = spawn("sh", ["-c", "while :; do :; done"]);
      const ticksOf = (pid: number) => {
        const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
        const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
        return Number(fields[11]) + Number(fields[12]);
      };
      while (ticksOf(child.pid ?? 0) < 5) await new Promise((resolve) => setImmediate(resolve));
      use.sample();
      child.kill("SIGKILL");
      await once(child, "exit");
      expect(use.end()).toBeGreaterThanOrEqual(5);
    },
  );
});

describe("the Zipf minimum", () => {
  const chart = { region: "JP", period: 7, new_to_top_100: true, commercial_music: false };
  it("counts page 1 for a chart asked only for later pages, and what asking directly costs", () => {
    // Total 30: pages 2 and 3 asked; page 2 holds rows 20–29, page 3 lies past the end.
    const requests = [
      { chart, page: 2, limit: 20 },
      { chart, page: 3, limit: 20 },
    ];
    expect(minimumRequests(requests, () => 30)).toEqual({ minimum: 1, withPage1: 2, direct: 2, charts: 1 });
  });
});

describe("the tier path's memo replay", () => {
  it("misses every request when the keys asked in turn outgrow the memo", () => {
    const paths = Array.from({ length: 2000 }, (_, i) => `/k${i}`);
    const share = memoMissShare(RenderedAnswers, [{ paths, requests: 6000 }], () => 19_000);
    expect(share).toBe(1);
  });

  it("hits a key asked again while it is still held", () => {
    const share = memoMissShare(RenderedAnswers, [{ paths: ["/a"], requests: 10 }], () => 19_000);
    expect(share).toBe(0.1);
  });
});
