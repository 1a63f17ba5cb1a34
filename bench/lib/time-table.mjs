// "Where the time goes": a table of this run's figures that explain the goals' rows. Each row is a
// fixed label and the figures the results hold for it, nothing else: the explanations are written
// once, by hand, under the table in docs/performance.md. A row whose figures this run did not
// measure is left out.
import { MIN_ACHIEVED_SHARE, P99_FACTOR_GOAL } from "./goals-timing.mjs";

const ratio = (a, b) => (Number.isFinite(a) && Number.isFinite(b) && b !== 0 ? +(a / b).toFixed(2) : null);
const mib = (bytes) => Math.round(bytes / 1024 / 1024);
/** "label value" pairs of the figures that exist, joined. */
const figures = (...pairs) =>
  pairs
    .filter(([, value]) => value !== undefined && value !== null && !Number.isNaN(value))
    .map(([label, value]) => `${label} ${value}`)
    .join("; ");

function hitRows(h) {
  const at = h.summary["16"];
  if (!at) return [];
  const own = at.paired.workerOwnCpuUs;
  const rows = [
    [
      "memo hit, 16 connections: CPU a request",
      figures(
        ["Worker's own", own && `${own.median} µs (${own.min}–${own.max})`],
        [
          "whole process",
          at.targets.worker.cpuUsPerRequest?.median && `${at.targets.worker.cpuUsPerRequest.median} µs`,
        ],
        [
          "trivial Worker",
          at.targets.trivial?.cpuUsPerRequest?.median && `${at.targets.trivial.cpuUsPerRequest.median} µs`,
        ],
      ),
    ],
  ];
  const p = h.isolateProfile;
  if (p?.selfBySource?.length)
    rows.push([
      `memo hit: the isolate's sampled time (${p.requests} requests)`,
      p.selfBySource
        .slice(0, 5)
        .map((s) => `${s.source} ${s.percent} %`)
        .join("; "),
    ]);
  const trivialP99 = at.targets.trivial?.p99Ms?.median;
  const nginxP99 = at.targets.nginx?.p99Ms?.median;
  if (ratio(trivialP99, nginxP99) !== null)
    rows.push([
      "p99 at saturation (wrk): queueing",
      figures(["trivial Worker", `${trivialP99} ms`], ["nginx", `${nginxP99} ms`], ["×", ratio(trivialP99, nginxP99)]),
    ]);
  return rows;
}

function tierRows(t) {
  const { targets, paired } = t.summary;
  const rows = [];
  const colo = paired.ownCpuUs["colo-scan"];
  const kv = paired.ownCpuUs["kv-scan"];
  const own = paired.ownCpuOverColoReadUs;
  if (colo)
    rows.push([
      `first asker in an isolate (${t.keys} answers, median ${t.answerBytes?.median} bytes; ${mib(t.storedBytes)} MiB vs a ${mib(t.memoBytes)} MiB memo)`,
      figures(
        [
          "over a trivial Worker reading the Cache API",
          own && `${own.median} µs (${own.min}–${own.max}, ${own.n} rounds)`,
        ],
        ["over the plain trivial Worker: colo", `${colo.median} µs`],
        ["KV", kv && `${kv.median} µs`],
        [
          "trivial Cache API reader",
          targets["trivial-colo"]?.cpuUsPerRequest?.median && `${targets["trivial-colo"].cpuUsPerRequest.median} µs`,
        ],
      ),
    ]);
  if (targets["colo-zipf"])
    rows.push([
      "a working set larger than the memo (Zipf)",
      figures(
        ["memo misses", `${Math.round((t.memoMissShare?.["colo-zipf"] ?? 0) * 100)} %`],
        ["Worker's own CPU", paired.ownCpuUs["colo-zipf"] && `${paired.ownCpuUs["colo-zipf"].median} µs`],
        ["throughput × trivial", paired.overTrivialRps["colo-zipf"]?.median],
      ),
    ]);
  const c = t.coldStart;
  if (c)
    rows.push([
      `a cold isolate (medians of ${c.starts} starts)`,
      figures(
        ["first request", `${c.firstRequestMs?.median} ms, ${c.firstRequestCpuMs?.median} ms CPU`],
        ["second", `${c.nextRequestMs?.median} ms, ${c.nextRequestCpuMs?.median} ms CPU`],
      ),
    ]);
  return rows;
}

/** The levels whose verdict is "not met", with the load they put on the Worker itself. */
function fixedRateRows(f, hit) {
  const hitRatio = (hit?.summary?.[String(f.connections)] ?? hit?.summary?.["16"])?.paired?.workerOverTrivialRps;
  return f.levels
    .filter(
      (level) =>
        !(level.paired.workerP99OverTrivialP99?.median <= P99_FACTOR_GOAL) ||
        (level.paired.workerAchievedShare?.median ?? 1) < MIN_ACHIEVED_SHARE,
    )
    .map((level) => [
      `${Math.round(level.fraction * 100)} % of the trivial Worker's maximum (${level.offeredRps} req/s offered)`,
      figures(
        ["Worker p99", `${level.targets.worker?.p99Ms?.median} ms`],
        ["trivial p99", `${level.targets.trivial?.p99Ms?.median} ms`],
        ["served", level.targets.worker?.rps?.median && `${level.targets.worker.rps.median} req/s`],
        [
          "of the Worker's own memo-hit maximum",
          hitRatio &&
            `${Math.round((level.fraction / hitRatio.median) * 100)} % (its maximum ${hitRatio.median} × the trivial Worker's)`,
        ],
      ),
    ]);
}

function creditRows(c) {
  const rows = [];
  const w = c.workerStampede1s;
  const kv = c.workerKvOnlyStampede1s;
  const n1 = c.nginxStampede1s;
  const n8 = c.nginxStampede8s;
  if (w && kv)
    rows.push([
      `cold stampede: ${w.clients} clients, upstream ${w.upstreamDelayMs / 1000} s`,
      figures(
        ["upstream requests", w.upstreamRequests],
        ["wall", `${w.wallSeconds} s`],
        ["without the colo tier", `${kv.wallSeconds} s`],
        ["nginx proxy_cache_lock", n1 && `${n1.wallSeconds} s`],
        [`nginx at upstream ${n8 ? n8.upstreamDelayMs / 1000 : "?"} s: requests`, n8?.upstreamRequests],
      ),
    ]);
  const z = c.zipf;
  if (z)
    rows.push([
      `Zipf mix: ${z.requests} client requests`,
      figures(
        ["upstream requests", z.upstreamRequests],
        ["the least any full-page cache needs", z.minimumNeeded],
        ["page-1-first policy needs", z.minimumIfPage1First],
        ["charts asked only past page 1", z.page1OnlyForTotal ?? z.minimumIfPage1First - z.minimumNeeded],
        ["asking every page directly", z.minimumIfAskedDirectly],
      ),
    ]);
  return rows;
}

function siteRows(s) {
  const b = s.build;
  if (!b?.phases?.archiveReadSeconds) return [];
  return [
    [
      `site build (${b.pages} pages, ${b.soundPages} sound pages)`,
      figures(
        ["in all", `${b.wallSeconds} s`],
        ["reading /api/site/charts", `${b.phases.archiveReadSeconds} s`],
        ["rendering", `${b.phases.renderSeconds} s`],
      ),
    ],
  ];
}

export function whereTheTimeGoes(results) {
  const rows = [
    ...(results.hitPath ? hitRows(results.hitPath) : []),
    ...(results.tierPath ? tierRows(results.tierPath) : []),
    ...(results.fixedRate ? fixedRateRows(results.fixedRate, results.hitPath) : []),
    ...(results.credits ? creditRows(results.credits) : []),
    ...(results.site ? siteRows(results.site) : []),
  ];
  if (rows.length === 0) return "";
  return [
    "**Where the time goes** (this run's figures; what they mean is under the table):",
    "",
    "| | figures |",
    "| --- | --- |",
    ...rows.map(([label, text]) => `| ${label} | ${text} |`),
  ].join("\n");
}
