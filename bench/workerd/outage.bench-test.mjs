// Measures (it does not assert) what a whole-window outage costs: docs/weekly-archive.md "The snapshot job
// under failure" — at most 10 % of the weekly reserve. Prints one line `BENCH_RESULT {json}`.
import { afterEach, it, vi } from "vitest";
import { REGIONS } from "../../worker/charts/regions";
import { CLOSING_RUN, W47_START, WINDOW_RUNS, count, jobHarness, mondayAfter } from "../../test/worker/job-harness";

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const RUN = mondayAfter(W47_START);
const RESERVE = 20 * REGIONS.length;

afterEach(() => vi.restoreAllMocks());

function quiet() {
  vi.spyOn(console, "log").mockImplementation(() => undefined);
  vi.spyOn(console, "warn").mockImplementation(() => undefined);
  vi.spyOn(console, "error").mockImplementation(() => undefined);
}

it("a whole-window outage, then a recovery", async () => {
  quiet();
  // 49 failing runs (48 hourly + the closing run), the week before stored for every region.
  const outage = await jobHarness();
  await outage.run(RUN - 7 * 24 * HOUR);
  const seeded = await outage.upstream.count();
  await outage.upstream.script([{ status: 503 }]);
  const perRun = [];
  for (const time of [...WINDOW_RUNS, CLOSING_RUN]) {
    const before = await outage.upstream.count();
    await outage.run(time);
    perRun.push((await outage.upstream.count()) - before);
  }
  const calls = (await outage.upstream.count()) - seeded;
  const gaps = (await outage.jobLog.gaps("2026-W47")).length;
  const { spend } = await outage.gateStatus();

  // 47 failing runs, then the upstream answers again at the 48th (a fresh archive and gate).
  const recovery = await jobHarness();
  await recovery.upstream.script([{ status: 503 }]);
  for (const time of WINDOW_RUNS.slice(0, 47)) await recovery.run(time);
  const failingCalls = await recovery.upstream.count();
  await recovery.upstream.script([{}]);
  await recovery.run(WINDOW_RUNS[47]);
  const stored = await count("SELECT COUNT(*) AS n FROM snapshots WHERE week = '2026-W47'");

  console.info(
    `BENCH_RESULT ${JSON.stringify({
      outage: {
        runs: perRun.length,
        upstreamRequests: calls,
        credits: calls * 2,
        reserveCredits: RESERVE,
        // Probes have an allowance of their own: the reserve pays only for the first run's call.
        percentOfReserve: +((100 * spend.snapshotThisWeek) / RESERVE).toFixed(1),
        requestsPerRun: perRun,
        regionsWithGap: gaps,
        creditsChargedByGate: spend.snapshotThisWeek + spend.probesThisWeek,
        creditsFromReserve: spend.snapshotThisWeek,
        creditsFromProbeAllowance: spend.probesThisWeek,
      },
      recovery: {
        failingRuns: 47,
        failingRequests: failingCalls,
        recoveryRunRequests: (await recovery.upstream.count()) - failingCalls,
        regionsStored: stored,
        regions: REGIONS.length,
      },
    })}`,
  );
});
