// The first render of a key in a colo: the Cache API is on but holds nothing yet, so each request
// misses the memo and the colo cache, reads its stored copy from KV, renders it (parse, validate,
// slice, serialise, hash) and writes the answer to the colo cache (waitUntil). The tier path's
// "≤ 1 ms" is judged on copies already rendered into the colo cache; this is the request before.
// Each round starts a host on a fresh copy of the warmed store with its cache removed and asks
// every key exactly once (16 at a time), so every measured request is a first render by
// construction; no request may go upstream. Its baseline, paired per round, is a trivial Worker
// doing the same I/O without the render (bench/lib/worker-host-main.mjs "trivial-kv-colo"): on
// this runtime KV and the Cache API run inside the measured workerd process, production's do not.
import { cpSync, existsSync, readdirSync, rmSync, statSync } from "node:fs";
import { join } from "node:path";
import { startWorkerHost } from "../lib/hosts.mjs";
import { burst, percentile } from "../lib/http.mjs";
import { stopGroup } from "../lib/procs.mjs";
import { paired, targetSpreads } from "../lib/stats.mjs";
import { threadCpuSeconds } from "../lib/wrk.mjs";

const CONCURRENCY = 16;
/** After the last answer, the colo writes (waitUntil) still run: their CPU belongs to the requests. */
const SETTLE_MS = 1000;

/**
 * @param {{ dir: string, bundleDir: string }} ctx
 * @param {{ storeDir: string, paths: string[], vars: Record<string, string>, bodyFile: string, scenario: { count(): Promise<number> }, rounds: number, log?: (line: string) => void }} opts
 */
export async function firstRenders(ctx, { storeDir, paths, vars, bodyFile, scenario, rounds, log }) {
  const kvValueFile = typicalKvValue(join(storeDir, "persist"));
  // The first key warms each new isolate (its first request is a cold start): the rest are measured.
  const [warmPath, ...measured] = paths;
  const upstreamBefore = await scenario.count();
  const runs = [];
  for (let r = 0; r < rounds; r++) {
    const stateDir = join(ctx.dir, `first-render-${r + 1}`);
    cpSync(storeDir, stateDir, { recursive: true });
    for (const name of readdirSync(join(stateDir, "persist")))
      if (name.includes("cache") || name.includes("Cache"))
        rmSync(join(stateDir, "persist", name), { recursive: true });
    const hosts = [];
    try {
      const product = await startWorkerHost({ kind: "product", bundleDir: ctx.bundleDir, vars, stateDir }, ctx.dir);
      hosts.push(product);
      const baseline = await startWorkerHost({ kind: "trivial-kv-colo", bodyFile, kvValueFile }, ctx.dir);
      hosts.push(baseline);
      const targets = [
        { name: "colo-first", host: product, url: (i) => `${product.direct}${measured[i]}`, warm: warmPath },
        { name: "trivial-kv-colo", host: baseline, url: (i) => `${baseline.direct}/?k=${i}`, warm: "/?k=warm" },
      ];
      // Alternate which goes first: neither always runs on the cooler machine.
      for (const t of r % 2 ? targets.reverse() : targets) {
        const result = await once(t, measured.length);
        runs.push({ round: r + 1, target: t.name, ...result });
        log?.(
          `  first render, round ${r + 1}, ${t.name}: ${result.cpuUsPerRequest} µs CPU/req, p50 ${result.p50Ms} ms, p99 ${result.p99Ms} ms${result.errors ? `, ${result.errors} errors` : ""}`,
        );
      }
    } finally {
      for (const h of hosts) await stopGroup(h);
      rmSync(stateDir, { recursive: true, force: true });
    }
  }
  return {
    keys: measured.length,
    rounds,
    concurrency: CONCURRENCY,
    kvValueBytes: statSync(kvValueFile).size,
    upstreamRequests: (await scenario.count()) - upstreamBefore,
    summary: {
      targets: targetSpreads(runs, ["cpuUsPerRequest", "p50Ms", "p99Ms", "rps"]),
      paired: {
        ownCpuOverKvColoUs: paired(
          runs,
          (g) => g("colo-first").cpuUsPerRequest - g("trivial-kv-colo").cpuUsPerRequest,
          0,
        ),
      },
    },
    runs,
  };
}

/** Every key once through `t.host`, after one warm-up request: CPU of the workerd process per request, latencies, errors. */
async function once(t, count) {
  const warm = await burst(1, 1, () => `${t.host.direct}${t.warm}`);
  if (warm.answers[0].status !== 200)
    throw new Error(`first render: warming ${t.name} answered ${warm.answers[0].status}`);
  await new Promise((r) => setTimeout(r, SETTLE_MS));
  const cpuBefore = threadCpuSeconds(t.host.workerdPid);
  const { answers, seconds } = await burst(count, CONCURRENCY, t.url);
  await new Promise((r) => setTimeout(r, SETTLE_MS));
  const cpu = threadCpuSeconds(t.host.workerdPid) - cpuBefore;
  const ms = answers.map((a) => a.ms).sort((a, b) => a - b);
  return {
    requests: count,
    cpuUsPerRequest: Math.round((cpu / count) * 1e6),
    rps: Math.round(count / seconds),
    p50Ms: +percentile(ms, 50).toFixed(2),
    p99Ms: +percentile(ms, 99).toFixed(2),
    errors: answers.filter((a) => a.status !== 200).length,
  };
}

/** One of the product's stored KV values of the median size (Miniflare keeps each as a blob file). */
function typicalKvValue(persist) {
  const blobs = [];
  const walk = (dir) => {
    for (const name of readdirSync(dir, { withFileTypes: true })) {
      const path = join(dir, name.name);
      if (name.isDirectory()) walk(path);
      else if (dir.endsWith("blobs")) blobs.push({ path, size: statSync(path).size });
    }
  };
  const kv = readdirSync(persist).find((name) => name.toLowerCase().includes("kv"));
  if (kv && existsSync(join(persist, kv))) walk(join(persist, kv));
  if (blobs.length === 0) throw new Error(`first render: no KV values under ${persist}`);
  blobs.sort((a, b) => a.size - b.size);
  return blobs[Math.floor(blobs.length / 2)].path;
}
