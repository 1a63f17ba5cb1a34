// The memo hit side by side with the runtime's ceiling and the classic alternative, one load
// generator (wrk), the same fake upstream and the same 20-item page behind every target, all warmed
// first. One URL, asked again and again: every request is answered from the isolate's memo of
// rendered answers (worker/proxy/rendered-answers.ts) — what a copy costs before it is in the memo
// is the tier path's part (tier-path.mjs).
//   worker      the product under workerd (Miniflare's API, the Worker's own socket)
//   worker-304  the same with If-None-Match
//   trivial     a Worker on the same runtime returning the same bytes from memory (the ceiling)
//   nginx       Debian's nginx, proxy_cache + lock + use_stale updating, one worker (reference)
// Runs alternate (the order rotates each round); ratios and CPU differences are taken pair by pair
// within a round, and reported as a median with the rounds' spread.
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { startWorkerHost } from "../lib/hosts.mjs";
import { fakeScenario, request } from "../lib/http.mjs";
import { stopGroup } from "../lib/procs.mjs";
import { profileWhile, summarise } from "../lib/profile.mjs";
import { paired, targetSpreads } from "../lib/stats.mjs";
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

export async function warmWorker(host, path = PATH) {
  await request(`${host.direct}${path}`);
  // The KV write and colo put run in waitUntil: give them a moment, then insist on a HIT.
  for (let i = 0; i < 20; i++) {
    await new Promise((r) => setTimeout(r, 100));
    const res = await request(`${host.direct}${path}`);
    if (res.status === 200 && res.headers["x-cache"] === "HIT") return res;
  }
  throw new Error("the Worker never answered HIT after warming");
}

/**
 * The memo-hit targets, warmed and checked: the Worker (and its 304), the trivial Worker serving
 * the Worker's very bytes, nginx when it runs. `host(spec)` starts a Worker host the caller stops.
 */
export async function hitTargets(ctx, host, scenario) {
  const vars = proxyVars(scenario.url);
  const worker = await host({ kind: "product", bundleDir: ctx.bundleDir, vars });
  const hit = await warmWorker(worker);
  const bodyFile = join(ctx.dir, `hit-body-${scenario.name}.json`);
  writeFileSync(bodyFile, hit.body);
  const trivial = await host({ kind: "trivial", bodyFile });
  const nginxUrl = ctx.nginx ? `${ctx.nginx.url}/s/nginx-${scenario.name}${PATH}` : null;
  let nginxHit = null;
  if (nginxUrl) {
    await request(nginxUrl);
    nginxHit = await request(nginxUrl);
    if (nginxHit.headers["x-cache-status"] !== "HIT") throw new Error("nginx never answered HIT after warming");
  }
  const targets = [
    { name: "worker", url: `${worker.direct}${PATH}`, pid: worker.workerdPid },
    {
      name: "worker-304",
      url: `${worker.direct}${PATH}`,
      pid: worker.workerdPid,
      headers: { "If-None-Match": hit.headers.etag },
    },
    { name: "trivial", url: `${trivial.direct}/`, pid: trivial.workerdPid },
    ...(nginxUrl ? [{ name: "nginx", url: nginxUrl, pid: ctx.nginx.workerPid }] : []),
  ];
  const bodies = {
    worker: hit.body.length,
    trivial: (await request(targets[2].url)).body.length,
    nginx: nginxHit?.body.length ?? null,
  };
  if (bodies.trivial !== bodies.worker) throw new Error("the trivial Worker does not serve the Worker's bytes");
  const check304 = await request(targets[1].url, { headers: targets[1].headers });
  if (check304.status !== 304) throw new Error(`If-None-Match answered ${check304.status}, not 304`);
  return { targets, bodies, vars };
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
    const { targets, bodies, vars } = await hitTargets(ctx, host, scenario);
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
    const summary = summarize(runs);
    let isolate = null;
    if (profile) isolate = await profileIsolate(ctx, host, vars, seconds, log);
    const upstreamRequests = await scenario.count();
    return {
      path: PATH,
      bodyBytes: bodies,
      rounds,
      secondsPerRun: seconds,
      targets: targets.map((t) => t.name),
      summary,
      isolateProfile: isolate,
      upstreamRequests,
      runs,
    };
  } finally {
    for (const h of started) await stopGroup(h);
  }
}

/** Per connection count: each target's medians and spreads, and the figures paired within a round. */
function summarize(runs) {
  const out = {};
  for (const connections of [16, 64]) {
    const at = runs.filter((run) => run.connections === connections);
    out[connections] = {
      targets: targetSpreads(at),
      paired: {
        workerOverTrivialRps: paired(at, (g) => g("worker").rps / g("trivial").rps),
        notModifiedOverHitRps: paired(at, (g) => g("worker-304").rps / g("worker").rps),
        workerOverNginxRps: paired(at, (g) => g("worker").rps / g("nginx").rps),
        // The Worker's own work: what its process spends per request beyond the trivial Worker's
        // (the runtime's HTTP handling, the same for both).
        workerOwnCpuUs: paired(at, (g) => g("worker").cpuUsPerRequest - g("trivial").cpuUsPerRequest, 0),
        notModifiedOwnCpuUs: paired(at, (g) => g("worker-304").cpuUsPerRequest - g("trivial").cpuUsPerRequest, 0),
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
