// The hit path side by side with the classic alternative, one load generator (wrk), the same fake
// upstream and the same 20-item page behind every target, all warmed first:
//   worker          the product under workerd (Miniflare's API, the Worker's own socket), colo cache on
//   worker-kv-only  the same with the Cache API off (as on *.workers.dev): every hit reads KV
//   trivial         a Worker on the same runtime returning the same bytes from memory (the ceiling)
//   trivial-cache   the same bytes read from the Cache API each time (what one colo read costs here)
//   nginx           Debian's nginx, proxy_cache + lock + use_stale updating, one worker
// Runs alternate (the order rotates each round); ratios are taken pair by pair within a round.
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { startWorkerHost } from "../lib/hosts.mjs";
import { fakeScenario, request } from "../lib/http.mjs";
import { stopGroup } from "../lib/procs.mjs";
import { profileWhile, summarise } from "../lib/profile.mjs";
import { wrk } from "../lib/wrk.mjs";
import { proxyVars } from "./credits.mjs";

const PATH = "/v1/tiktok/trending/music?region=DE";
/** Hit-path functions whose inclusive share of the isolate's CPU the profile reports. */
const PROFILED = [
  "serveTrending",
  "answerPage",
  "readColo",
  "parseStoredPage",
  "safeParse",
  "sha256Hex",
  "loadConfig",
  "answerKey",
  "clientId",
  "sliceWindow",
  "cacheHeaders",
  "keepNear",
  "dispatch",
];

const median = (values) => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
};
const round2 = (x) => +x.toFixed(2);

async function warmWorker(host) {
  await request(`${host.direct}${PATH}`);
  // The KV write and colo put run in waitUntil: give them a moment, then insist on a HIT.
  for (let i = 0; i < 20; i++) {
    await new Promise((r) => setTimeout(r, 100));
    const res = await request(`${host.direct}${PATH}`);
    if (res.status === 200 && res.headers["x-cache"] === "HIT") return res;
  }
  throw new Error("the Worker never answered HIT after warming");
}

export async function hitPath(ctx, { rounds, seconds, profile, log }) {
  const scenario = fakeScenario(ctx.fakeUrl, `hit-${ctx.runId}`);
  const started = [];
  const host = async (spec) => {
    const h = await startWorkerHost(spec, ctx.dir);
    started.push(h);
    return h;
  };
  try {
    const vars = proxyVars(scenario.url);
    const worker = await host({ kind: "product", bundleDir: ctx.bundleDir, vars });
    const workerKv = await host({ kind: "product", bundleDir: ctx.bundleDir, vars, cacheApi: false });
    const hit = await warmWorker(worker);
    await warmWorker(workerKv);
    const bodyFile = join(ctx.dir, "hit-body.json");
    writeFileSync(bodyFile, hit.body);
    const trivial = await host({ kind: "trivial", bodyFile });
    const trivialCache = await host({ kind: "trivial-cache", bodyFile });
    const nginxUrl = ctx.nginx ? `${ctx.nginx.url}/s/nginx-hit-${ctx.runId}${PATH}` : null;
    let nginxHit = null;
    if (nginxUrl) {
      await request(nginxUrl);
      nginxHit = await request(nginxUrl);
      if (nginxHit.headers["x-cache-status"] !== "HIT") throw new Error("nginx never answered HIT after warming");
    }
    await request(`${trivialCache.direct}/`);

    const etag = hit.headers.etag;
    const targets = [
      { name: "worker", url: `${worker.direct}${PATH}`, pid: worker.workerdPid },
      {
        name: "worker-304",
        url: `${worker.direct}${PATH}`,
        pid: worker.workerdPid,
        headers: { "If-None-Match": etag },
      },
      { name: "worker-kv-only", url: `${workerKv.direct}${PATH}`, pid: workerKv.workerdPid },
      { name: "trivial", url: `${trivial.direct}/`, pid: trivial.workerdPid },
      { name: "trivial-cache", url: `${trivialCache.direct}/`, pid: trivialCache.workerdPid },
      ...(nginxUrl ? [{ name: "nginx", url: nginxUrl, pid: ctx.nginx.workerPid }] : []),
    ];
    const bodies = {
      worker: hit.body.length,
      trivial: (await request(targets[3].url)).body.length,
      nginx: nginxHit?.body.length ?? null,
    };
    const check304 = await request(targets[1].url, { headers: targets[1].headers });
    if (check304.status !== 304) throw new Error(`If-None-Match answered ${check304.status}, not 304`);

    const runs = [];
    for (let r = 0; r < rounds; r++) {
      for (const connections of [16, 64]) {
        const order = targets.map((_, i) => targets[(i + r) % targets.length]);
        for (const t of order) {
          const result = await wrk(t.url, { connections, seconds, headers: t.headers, cpuPids: [t.pid] });
          runs.push({ round: r + 1, target: t.name, ...result });
          log?.(
            `  round ${r + 1}, ${connections} conns, ${t.name}: ${result.rps} req/s, p99 ${result.p99Ms} ms, ${result.cpuUsPerRequest} µs CPU/req${result.errors ? `, ${result.errors} errors` : ""}`,
          );
        }
      }
    }
    const summary = summarize(runs, rounds);
    let isolate = null;
    if (profile) isolate = await profileIsolate(ctx, host, vars, seconds, log);
    const upstreamRequests = await scenario.count();
    return {
      path: PATH,
      bodyBytes: bodies,
      rounds,
      secondsPerRun: seconds,
      summary,
      isolateProfile: isolate,
      upstreamRequests,
      runs,
    };
  } finally {
    for (const h of started) await stopGroup(h);
  }
}

/** Per connection count: medians over rounds per target, and the ratios taken within each round. */
function summarize(runs, rounds) {
  const out = {};
  for (const connections of [16, 64]) {
    const at = runs.filter((run) => run.connections === connections);
    const byTarget = {};
    for (const name of new Set(at.map((run) => run.target))) {
      const mine = at.filter((run) => run.target === name);
      byTarget[name] = {
        rps: Math.round(median(mine.map((m) => m.rps))),
        p50Ms: round2(median(mine.map((m) => m.p50Ms))),
        p99Ms: round2(median(mine.map((m) => m.p99Ms))),
        errors: mine.reduce((sum, m) => sum + m.errors, 0),
        cpuUsPerRequest: Math.round(median(mine.map((m) => m.cpuUsPerRequest))),
      };
    }
    const ratio = (pick) => {
      const values = [];
      for (let r = 1; r <= rounds; r++) {
        const get = (name) => at.find((run) => run.round === r && run.target === name) ?? {};
        const value = pick(get);
        if (Number.isFinite(value)) values.push(value);
      }
      if (values.length === 0) return null;
      return { median: round2(median(values)), min: round2(Math.min(...values)), max: round2(Math.max(...values)) };
    };
    const cpu = (name) => byTarget[name]?.cpuUsPerRequest;
    out[connections] = {
      targets: byTarget,
      // The process's CPU per hit less what one read of Miniflare's local Cache API costs on this
      // runtime (trivial-cache − trivial): in production that read is a service, not the Worker's CPU.
      workerCpuUsPerHitWithoutLocalCacheApi:
        cpu("worker") !== undefined && cpu("trivial-cache") !== undefined
          ? cpu("worker") - (cpu("trivial-cache") - cpu("trivial"))
          : null,
      ratios: {
        workerOverTrivialRps: ratio((g) => g("worker").rps / g("trivial").rps),
        workerOverNginxRps: ratio((g) => g("worker").rps / g("nginx").rps),
        workerP99OverNginxP99: ratio((g) => g("worker").p99Ms / g("nginx").p99Ms),
        notModifiedOverHitRps: ratio((g) => g("worker-304").rps / g("worker").rps),
        kvOnlyOverColoRps: ratio((g) => g("worker-kv-only").rps / g("worker").rps),
        trivialCacheOverTrivialRps: ratio((g) => g("trivial-cache").rps / g("trivial").rps),
      },
    };
  }
  return out;
}

/**
 * Where a hit's CPU goes: V8's sampling profiler on the Worker's isolate over a 16-connection run
 * (a separate, inspectable host). Shares of the sampled time; work of Miniflare's own services on
 * the same thread (the local Cache API) shows up under the native frame that waited for it (`match`).
 */
async function profileIsolate(ctx, host, vars, seconds, log) {
  const inspected = await host({ kind: "product", bundleDir: ctx.bundleDir, vars, inspect: true });
  await warmWorker(inspected);
  const { profile, result } = await profileWhile(inspected, () =>
    wrk(`${inspected.direct}${PATH}`, { connections: 16, seconds, cpuPids: [inspected.workerdPid] }),
  );
  const { busySeconds: _busy, ...shares } = summarise(profile, ctx.bundleDir, PROFILED);
  log?.(
    `  profiled ${result.requests} hits: ${shares.selfBySource
      .slice(0, 4)
      .map((s) => `${s.source} ${s.percent} %`)
      .join(", ")}`,
  );
  return { requests: result.requests, rps: result.rps, processCpuUsPerRequest: result.cpuUsPerRequest, ...shares };
}
