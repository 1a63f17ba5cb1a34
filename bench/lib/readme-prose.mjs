// "Where the time goes": docs/performance.md's explanations, each number in them read from the results.
// A sentence whose figures this run did not measure is left out, never written from memory.
import { MIN_ACHIEVED_SHARE, P99_FACTOR_GOAL } from "./goals-timing.mjs";

const ratio = (a, b) => (Number.isFinite(a) && Number.isFinite(b) && b !== 0 ? +(a / b).toFixed(2) : null);

function hitProse(h) {
  const at = h.summary["16"];
  if (!at) return [];
  const own = at.paired.workerOwnCpuUs;
  const lines = [
    `- **A memo hit** (16 connections, one URL): the Worker's own work is ${own?.median} µs of CPU a request ` +
      `(Worker − trivial Worker, paired per round, ${own?.min}–${own?.max}); the whole workerd process spends ` +
      `${at.targets.worker.cpuUsPerRequest?.median} µs, the trivial Worker's ${at.targets.trivial?.cpuUsPerRequest?.median} µs being ` +
      "the runtime's own HTTP handling, which both pay.",
  ];
  const p = h.isolateProfile;
  if (p?.selfBySource?.length)
    lines.push(
      `  Where the isolate's sampled time goes (V8's profiler, ${p.requests} requests): ` +
        `${p.selfBySource
          .slice(0, 5)
          .map((s) => `${s.source} ${s.percent} %`)
          .join(", ")}.`,
    );
  const trivialP99 = at.targets.trivial?.p99Ms?.median;
  const nginxP99 = at.targets.nginx?.p99Ms?.median;
  const k = ratio(trivialP99, nginxP99);
  if (k !== null)
    lines.push(
      `- **p99 at saturation is queueing.** With wrk keeping every connection busy, even the trivial Worker's p99 is ` +
        `${trivialP99} ms, ${k} × nginx's ${nginxP99} ms: the figure measures the queue, not the Worker. ` +
        "The p99 goal is judged at a fixed offered rate instead (open loop, from each request's intended send time), against the trivial Worker at the same rate.",
    );
  return lines;
}

function tierProse(t) {
  const { targets, paired } = t.summary;
  const lines = [];
  const colo = paired.ownCpuUs["colo-scan"];
  const kv = paired.ownCpuUs["kv-scan"];
  const own = paired.ownCpuOverColoReadUs;
  if (colo && own)
    lines.push(
      `- **The first asker of an answer in an isolate** reads it from the colo cache, where the isolate that ` +
        `rendered it left it (its bytes, ETag and times): the Worker's own work is ${own.median} µs a request ` +
        `(${own.min}–${own.max}, ${own.n} rounds) over a trivial Worker that reads an answer of the same size from the ` +
        `same local Cache API (${targets["trivial-colo"]?.cpuUsPerRequest?.median} µs for the whole process, the plain ` +
        `trivial Worker's ${targets.trivial?.cpuUsPerRequest?.median} µs), ${colo.median} µs over the plain trivial Worker ` +
        `(${t.keys} answers, a median ${t.answerBytes?.median} bytes, asked in turn; ` +
        `${Math.round(t.storedBytes / 1024 / 1024)} MiB against a memo of ${Math.round(t.memoBytes / 1024 / 1024)} MiB). ` +
        "Locally the Cache API runs in the same workerd process and is counted in the whole process's CPU; in " +
        "production it is a service outside the Worker's CPU time." +
        (kv
          ? ` With nothing rendered near (the Cache API off, as on \`*.workers.dev\`) each such request reads the ` +
            `full page from KV, parses and validates it, slices, serialises and hashes: ${kv.median} µs over the trivial ` +
            "Worker (KV's local work included; `npx node bench/profile-tier.mjs` shows where it goes)."
          : ""),
    );
  else if (colo)
    lines.push(
      `- **The first asker of a copy in an isolate** pays the tier read, the parse and validation, the slice, the ` +
        `serialisation and the SHA-256 of the ETag: ${colo.median} µs more than the trivial Worker from the colo cache` +
        `${kv ? `, ${kv.median} µs from KV` : ""} (${t.keys} answers, a median ${t.answerBytes?.median} bytes, asked in turn` +
        `${t.trivialBytes ? `; the trivial Worker serving one of ${t.trivialBytes} bytes` : ""}; ` +
        `${Math.round(t.storedBytes / 1024 / 1024)} MiB against a memo of ${Math.round(t.memoBytes / 1024 / 1024)} MiB). ` +
        "Locally the tier itself (Miniflare's Cache API or KV) runs in the same workerd process and is counted in that " +
        "figure; in production it is a service outside the Worker's CPU time, so the figure is an upper bound.",
    );
  const zipf = targets["colo-zipf"];
  if (zipf)
    lines.push(
      `- **A working set larger than the memo:** the same keys in Zipf order missed the memo on ` +
        `${Math.round((t.memoMissShare?.["colo-zipf"] ?? 0) * 100)} % of requests (replayed through the memo's own code); ` +
        `the Worker's own CPU was ${paired.ownCpuUs["colo-zipf"]?.median} µs a request and throughput ` +
        `${paired.overTrivialRps["colo-zipf"]?.median} × the trivial Worker's. In production, where many isolates share ` +
        "a colo and each keeps only its own memo, this path, not the memo hit, decides the CPU spent.",
    );
  const c = t.coldStart;
  if (c)
    lines.push(
      `- **A cold isolate** (the Worker started again on the stored copies): its first request took ` +
        `${c.firstRequestMs?.median} ms and ${c.firstRequestCpuMs?.median} ms of the process's CPU, its second ` +
        `${c.nextRequestMs?.median} ms and ${c.nextRequestCpuMs?.median} ms (medians of ${c.starts} starts). The script is ` +
        "evaluated before the runtime reports ready, so that is not in these figures.",
    );
  return lines;
}

function creditsProse(c) {
  const lines = [];
  const w = c.workerStampede1s;
  const kv = c.workerKvOnlyStampede1s;
  const n1 = c.nginxStampede1s;
  const n8 = c.nginxStampede8s;
  if (w && kv)
    lines.push(
      `- **Cold stampede wall time.** ${w.clients} clients, ${w.upstreamRequests} upstream request(s), ${w.wallSeconds} s to answer them all ` +
        `(upstream ${w.upstreamDelayMs / 1000} s); without the colo cache tier ${kv.wallSeconds} s (${ratio(kv.wallSeconds, w.wallSeconds)} ×)` +
        `${n1 ? `; nginx with \`proxy_cache_lock\` ${n1.wallSeconds} s` : ""}` +
        `${n8 ? `, and at upstream ${n8.upstreamDelayMs / 1000} s, past its lock timeout, nginx sent ${n8.upstreamRequests} requests` : ""}.`,
    );
  const z = c.zipf;
  if (z)
    lines.push(
      `- **Zipf mix.** ${z.upstreamRequests} upstream requests for ${z.requests} client requests. Any cache of full pages ` +
        `needs at least ${z.minimumNeeded}; the Worker's page-1-first policy needs ${z.minimumIfPage1First}: ` +
        `for ${z.page1OnlyForTotal ?? z.minimumIfPage1First - z.minimumNeeded} chart(s) whose clients asked only for later pages, ` +
        "page 1 is fetched first to learn the chart's total." +
        (z.minimumIfAskedDirectly === undefined
          ? ""
          : ` The policy is worth it: asking every page directly would cost ${z.minimumIfAskedDirectly} on the same mix, ` +
            `${z.minimumIfAskedDirectly - z.minimumIfPage1First} more, for pages past the end of short (filtered) charts.`),
    );
  return lines;
}

/**
 * A level whose verdict is "not met", said in terms of load: at a fraction of the trivial Worker's
 * maximum, the Worker runs at fraction ÷ (its memo-hit maximum over the trivial Worker's) of its own.
 */
function fixedRateProse(f, hit) {
  const hitRatio = (hit?.summary?.[String(f.connections)] ?? hit?.summary?.["16"])?.paired?.workerOverTrivialRps;
  return f.levels
    .filter(
      (level) =>
        !(level.paired.workerP99OverTrivialP99?.median <= P99_FACTOR_GOAL) ||
        (level.paired.workerAchievedShare?.median ?? 1) < MIN_ACHIEVED_SHARE,
    )
    .map((level) => {
      const pct = Math.round(level.fraction * 100);
      const held = (level.paired.workerAchievedShare?.median ?? 1) >= MIN_ACHIEVED_SHARE;
      const own = hitRatio ? Math.round((level.fraction / hitRatio.median) * 100) : null;
      return (
        `- **At ${pct} % of the trivial Worker's maximum** (${level.offeredRps} req/s offered) the Worker's p99 was ` +
        `${level.targets.worker?.p99Ms?.median} ms against the trivial Worker's ${level.targets.trivial?.p99Ms?.median} ms` +
        (held
          ? "."
          : `, and it served ${level.targets.worker?.rps?.median} req/s (${Math.round(level.paired.workerAchievedShare.median * 100)} % of the offered rate): its p99 there is its queue.`) +
        (own !== null
          ? ` Its own maximum on a memo hit is ${hitRatio.median} × the trivial Worker's (the hit path above), so the same ` +
            `rate is ${pct} % of the trivial Worker's capacity and ${own} % of the Worker's: the p99s compare a busier ` +
            "server with an idler one. The goal asks the Worker's hit path to come closer to the runtime's own ceiling."
          : "")
      );
    });
}

function siteProse(s) {
  const b = s.build;
  if (!b?.phases?.archiveReadSeconds) return [];
  return [
    `- **Site build.** ${b.wallSeconds} s in all: reading the archive from the Worker (\`/api/site/charts\`) ` +
      `${b.phases.archiveReadSeconds} s, rendering ${b.pages} pages (${b.soundPages} of them sound pages) ${b.phases.renderSeconds} s.`,
  ];
}

export function whereTheTimeGoes(results) {
  const lines = [
    ...(results.hitPath ? hitProse(results.hitPath) : []),
    ...(results.tierPath ? tierProse(results.tierPath) : []),
    ...(results.fixedRate ? fixedRateProse(results.fixedRate, results.hitPath) : []),
    ...(results.credits ? creditsProse(results.credits) : []),
    ...(results.site ? siteProse(results.site) : []),
  ];
  return lines.length ? ["**Where the time goes** (every figure from this run):", "", ...lines].join("\n") : "";
}
