// Verdicts on timings: the hit path (the in-isolate memo), the tier path (a copy the isolate has not
// rendered, and the first render of a key in a colo) and latency at a fixed offered rate (open loop). A ratio or a CPU difference decides a verdict only
// when it was paired within at least MIN_ROUNDS_FOR_VERDICT rounds; a negative CPU difference is
// noise, not a measurement, and never passes.
import { MIN_ROUNDS_FOR_VERDICT, withSpread } from "./stats.mjs";

/** The per-request CPU goal of issue 10, in microseconds. */
export const CPU_GOAL_US = 1000;
/** Fixed-rate latency goal: the Worker's p99 within this factor of the trivial Worker's at the same rate. */
export const P99_FACTOR_GOAL = 2;
/** A fixed-rate run whose server answered less than this share of the offered rate says nothing about latency. */
export const MIN_ACHIEVED_SHARE = 0.9;

/** { ok, note }: whether a paired figure may decide, and why not. */
function decide(s, test) {
  if (!s) return { ok: false, note: " — not measured" };
  if (s.n < MIN_ROUNDS_FOR_VERDICT)
    return { ok: false, note: ` — only ${s.n} round(s): ${MIN_ROUNDS_FOR_VERDICT} needed for a verdict` };
  return { ok: test(s.median), note: "" };
}

/** A CPU difference (µs per request) against the goal. */
function cpuVerdict(s) {
  const { ok, note } = decide(s, (median) => median >= 0 && median <= CPU_GOAL_US);
  const negative = s && s.median < 0 ? " — negative: noise, not a measurement" : "";
  return { met: ok, note: note || negative };
}

const us = (s) => withSpread(s, " µs");

/** @param {any} h results.hitPath */
export function hitGoals(h, row) {
  const rows = [];
  for (const connections of Object.keys(h.summary)) {
    const s = h.summary[connections];
    const t = s.targets;
    const p = s.paired;
    const throughput = decide(p.workerOverTrivialRps, (m) => m >= 0.5);
    rows.push(
      row(
        "hit path",
        `${connections} conns: Worker memo-hit throughput ≥ 0.5 × trivial Worker (paired per round)`,
        `${t.worker.rps.median} vs ${t.trivial?.rps.median} req/s; ratio ${withSpread(p.workerOverTrivialRps)}${throughput.note}`,
        throughput.ok,
      ),
    );
    const notModified = decide(p.notModifiedOverHitRps, (m) => m >= 1);
    rows.push(
      row(
        "hit path",
        `${connections} conns: 304 throughput ≥ memo-hit throughput (paired per round)`,
        `${t["worker-304"]?.rps.median} vs ${t.worker.rps.median} req/s; ratio ${withSpread(p.notModifiedOverHitRps)}${notModified.note}`,
        notModified.ok,
      ),
    );
    rows.push(
      row(
        "hit path",
        `${connections} conns: p99 at saturation (closed loop: queueing, judged at a fixed rate instead)`,
        `Worker ${withSpread(t.worker.p99Ms, " ms")}, trivial ${withSpread(t.trivial?.p99Ms, " ms")}, nginx ${withSpread(t.nginx?.p99Ms, " ms")}`,
        null,
      ),
    );
  }
  const errors = h.runs.reduce((sum, run) => sum + run.errors, 0);
  rows.push(
    row("hit path", "0 errors (every run, every target)", `${errors} errors in ${h.runs.length} runs`, errors === 0),
  );
  const at16 = h.summary["16"];
  if (at16) {
    const own = cpuVerdict(at16.paired.workerOwnCpuUs);
    rows.push(
      row(
        "hit path",
        "≤ 1 ms CPU per memo hit, the Worker's own work (Worker − trivial Worker, paired per round, 16 conns)",
        `${us(at16.paired.workerOwnCpuUs)}${own.note}`,
        own.met,
      ),
    );
    rows.push(
      row(
        "hit path",
        "CPU per memo hit, the whole workerd process (runtime's HTTP included; 16 conns)",
        `${us(at16.targets.worker.cpuUsPerRequest)}; trivial Worker ${us(at16.targets.trivial?.cpuUsPerRequest)}`,
        null,
      ),
    );
  }
  return rows;
}

/** @param {any} t results.tierPath */
export function tierGoals(t, row) {
  const rows = [];
  const { targets, paired } = t.summary;
  // The Worker's own work: both the Worker and its baseline read one answer of the typical size
  // from the Cache API per request (on this runtime the local Cache API's work is in the process's CPU).
  const own = paired.ownCpuOverColoReadUs;
  const colo = cpuVerdict(own);
  // The figure names a colo read for a copy not in the memo: a run that went upstream, failed or
  // was answered from the memo measured something else.
  const errors = Object.values(targets).reduce((sum, x) => sum + (x.errors ?? 0), 0);
  const upstream = t.upstreamRequests?.measuring ?? 0;
  const missShare = t.memoMissShare?.["colo-scan"] ?? 0;
  const clean = errors === 0 && upstream === 0 && missShare >= 0.99;
  const coloRead = targets["trivial-colo"] && targets.trivial;
  rows.push(
    row(
      "tier path",
      `≤ 1 ms CPU per request for a copy the isolate has not rendered, from the colo cache: the Worker's own work (${t.keys} keys in turn, each rendered there by another isolate; − a trivial Worker reading an answer of the typical size from the Cache API, paired)`,
      `${us(own)}; − trivial Worker (the local Cache API's work included) ${us(paired.ownCpuUs["colo-scan"])}; ` +
        `whole process ${us(targets["colo-scan"]?.cpuUsPerRequest)}` +
        (coloRead
          ? `, the baseline's ${us(targets["trivial-colo"].cpuUsPerRequest)} (the trivial Worker's ${us(targets.trivial.cpuUsPerRequest)})`
          : "") +
        `; ${targets["colo-scan"]?.rps.median} req/s; ${pct(missShare)} not in the memo, ${upstream} upstream requests, ${errors} errors${colo.note}`,
      colo.met && clean,
    ),
  );
  for (const [name, label] of [
    ["kv-scan", `the same from KV, the Cache API off (${t.keys} keys in turn)`],
    [
      "colo-zipf",
      `${t.keys} keys in Zipf order, colo cache on (${pct(t.memoMissShare?.["colo-zipf"])} not in the memo)`,
    ],
  ]) {
    if (!targets[name]) continue;
    rows.push(
      row(
        "tier path",
        `CPU per request: ${label} (− trivial Worker, paired)`,
        `${us(paired.ownCpuUs[name])}; whole process ${us(targets[name].cpuUsPerRequest)}; ${targets[name].rps.median} req/s = ${withSpread(paired.overTrivialRps[name])} × trivial`,
        null,
      ),
    );
  }
  if (t.firstRender) rows.push(firstRenderGoal(t.firstRender, row));
  const c = t.coldStart;
  if (c)
    rows.push(
      row(
        "tier path",
        "a cold isolate's first request (a copy in the colo cache), then its second (another copy)",
        `first ${withSpread(c.firstRequestMs, " ms", "starts")} wall, ${withSpread(c.firstRequestCpuMs, " ms", "starts")} CPU; second ${withSpread(c.nextRequestMs, " ms", "starts")} wall, ${withSpread(c.nextRequestCpuMs, " ms", "starts")} CPU`,
        null,
      ),
    );
  return rows;
}

/** The first render of a key in a colo: KV → render → colo write, judged as the tier path is. */
function firstRenderGoal(f, row) {
  const { targets, paired } = f.summary;
  const own = cpuVerdict(paired.ownCpuOverKvColoUs);
  const errors = Object.values(targets).reduce((sum, x) => sum + (x.errors ?? 0), 0);
  const upstream = f.upstreamRequests ?? 0;
  const first = targets["colo-first"];
  return row(
    "tier path",
    `≤ 1 ms CPU for the first render of a key in a colo (${f.keys} keys once each, the Cache API on and empty: KV read, render, colo write): the Worker's own work (− a trivial Worker doing the same Cache API miss, KV read and colo write, paired)`,
    `${us(paired.ownCpuOverKvColoUs)}; whole process ${us(first?.cpuUsPerRequest)}, the baseline's ${us(targets["trivial-kv-colo"]?.cpuUsPerRequest)}; ` +
      `${withSpread(first?.p50Ms, " ms")} p50, ${withSpread(first?.p99Ms, " ms")} p99 (${f.concurrency} in flight); ${upstream} upstream requests, ${errors} errors${own.note}`,
    own.met && errors === 0 && upstream === 0,
  );
}

const pct = (share) => (Number.isFinite(share) ? `${Math.round(share * 100)} %` : "—");

/**
 * Open loop (bench/lib/open-loop.mjs): latency from each request's intended send time. The verdict
 * says which rate was offered and which the Worker reached; a run that fell below
 * MIN_ACHIEVED_SHARE of it did not hold the rate and cannot pass.
 * @param {any} f results.fixedRate
 */
export function fixedRateGoals(f, row) {
  const rows = [];
  const openLoop = !/^hey/.test(f.tool ?? "");
  for (const level of f.levels) {
    const { targets, paired } = level;
    const ratio = decide(paired.workerP99OverTrivialP99, (m) => m <= P99_FACTOR_GOAL);
    const achieved = paired.workerAchievedShare;
    const kept = achieved !== null && achieved !== undefined && achieved.median >= MIN_ACHIEVED_SHARE;
    const errors = targets.worker?.errors ?? 0;
    const lag = targets.worker?.sendLagP99Ms;
    rows.push(
      row(
        "fixed rate",
        `at ${Math.round(level.fraction * 100)} % of the trivial Worker's maximum (${level.offeredRps} req/s offered, ${openLoop ? "open loop, latency from each request's intended send time" : "hey, closed loop"}): Worker p99 ≤ ${P99_FACTOR_GOAL} × trivial Worker p99`,
        `Worker ${withSpread(targets.worker?.p99Ms, " ms")} (max ${withSpread(targets.worker?.maxMs, " ms")}) vs trivial ${withSpread(targets.trivial?.p99Ms, " ms")}; ratio ${withSpread(paired.workerP99OverTrivialP99)}` +
          `; nginx ${withSpread(targets.nginx?.p99Ms, " ms")} (reference); offered ${level.offeredRps} req/s, the Worker reached ${withSpread(targets.worker?.rps, " req/s")} = ${pct(achieved?.median)} (trivial ${pct(paired.trivialAchievedShare?.median)}), ${errors} errors` +
          `${lag ? `; the driver's send lag p99 ${withSpread(lag, " ms")}` : ""}` +
          `${ratio.note}${kept ? "" : ` — below ${pct(MIN_ACHIEVED_SHARE)}: the rate was not held`}` +
          `${openLoop ? "" : " — closed loop (hey): slow answers' victims never sent (coordinated omission), not judged"}`,
        ratio.ok && kept && errors === 0 && openLoop,
      ),
    );
  }
  return rows;
}
