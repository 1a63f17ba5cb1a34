// Latency at a fixed offered rate: the memo hit, the trivial Worker and nginx, each offered the same
// requests a second, open loop (bench/lib/open-loop.mjs: every request sent at its intended time,
// its latency counted from then), at LEVELS of the trivial Worker's maximum, measured here first
// with wrk. Closed-loop p99 at saturation is the queue wrk itself builds; at a rate the runtime can
// serve, p99 is the server's. Targets rotate each round; ratios are paired per round.
import { startWorkerHost } from "../lib/hosts.mjs";
import { fakeScenario } from "../lib/http.mjs";
import { OPEN_LOOP_CONNECTIONS, openLoop } from "../lib/open-loop.mjs";
import { stopGroup } from "../lib/procs.mjs";
import { paired, spread, targetSpreads } from "../lib/stats.mjs";
import { wrk } from "../lib/wrk.mjs";
import { hitTargets } from "./hit-path.mjs";

/** Shares of the trivial Worker's maximum throughput offered to every target. */
export const LEVELS = [0.5, 0.8];
const MAX_RUNS = 3;

export async function fixedRate(ctx, { rounds, seconds, log }) {
  const scenario = fakeScenario(ctx.fakeUrl, `fixed-${ctx.runId}`);
  const started = [];
  const host = async (spec) => {
    const h = await startWorkerHost(spec, ctx.dir);
    started.push(h);
    return h;
  };
  try {
    const all = (await hitTargets(ctx, host, scenario)).targets;
    const targets = all.filter((t) => t.name !== "worker-304");
    const trivial = targets.find((t) => t.name === "trivial");
    const maxRuns = [];
    for (let i = 0; i < MAX_RUNS; i++) maxRuns.push((await wrk(trivial.url, { connections: 16, seconds })).rps);
    const trivialMax = spread(maxRuns, 0);
    log?.(
      `  trivial Worker's maximum: ${trivialMax.median} req/s (wrk, 16 conns, ${trivialMax.min}–${trivialMax.max})`,
    );
    const runs = [];
    for (let r = 0; r < rounds; r++)
      for (const fraction of LEVELS) {
        const rate = Math.round(fraction * trivialMax.median);
        const order = targets.map((_, i) => targets[(i + r) % targets.length]);
        for (const t of order) {
          const result = await openLoop(t.url, { rate, seconds });
          runs.push({ round: r + 1, fraction, target: t.name, rps: result.achievedRps, ...result });
          log?.(
            `  round ${r + 1}, ${Math.round(fraction * 100)} % (${result.offeredRps} req/s), ${t.name}: ${result.rps} req/s, p50 ${result.p50Ms} ms, p99 ${result.p99Ms} ms, max ${result.maxMs} ms (send lag p99 ${result.sendLagP99Ms} ms)${result.errors ? `, ${result.errors} errors` : ""}`,
          );
        }
      }
    return {
      tool: "open loop (bench/lib/open-loop.mjs): latency from each request's intended send time",
      connections: OPEN_LOOP_CONNECTIONS,
      trivialMaxRps: { ...trivialMax, by: "wrk, 16 connections" },
      rounds,
      secondsPerRun: seconds,
      levels: LEVELS.map((fraction) => summarizeLevel(runs, fraction)),
      runs,
    };
  } finally {
    for (const h of started) await stopGroup(h);
  }
}

function summarizeLevel(runs, fraction) {
  const at = runs.filter((run) => run.fraction === fraction);
  return {
    fraction,
    offeredRps: at[0]?.offeredRps ?? null,
    targets: targetSpreads(at, ["rps", "p50Ms", "p90Ms", "p99Ms", "maxMs", "sendLagP99Ms"]),
    paired: {
      workerP99OverTrivialP99: paired(at, (g) => g("worker").p99Ms / g("trivial").p99Ms),
      workerP99OverNginxP99: paired(at, (g) => g("worker").p99Ms / g("nginx").p99Ms),
      workerAchievedShare: paired(at, (g) => g("worker").rps / g("worker").offeredRps),
      trivialAchievedShare: paired(at, (g) => g("trivial").rps / g("trivial").offeredRps),
    },
  };
}
