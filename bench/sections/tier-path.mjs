// The tier path: what a request costs when the isolate has not rendered its copy yet — the first
// asker of a copy in an isolate, which is most requests in production, where the working set is
// larger than one isolate's memo. The colo read (or KV read), parse, slice, serialise and hash.
//   colo-scan  TIER_KEYS answers, asked in turn: more bytes than the memo holds, so (first in,
//              first out) every request misses it and reads the colo cache, where the warming
//              isolate left each answer rendered
//   kv-scan    the same with the Cache API off (as on *.workers.dev): every request reads KV and
//              renders (parse, validate, slice, serialise, hash)
//   colo-zipf  the same keys in Zipf order: a realistic mix of memo hits and colo reads (the
//              share of misses replayed through the memo's own code)
//   trivial    the runtime's ceiling, for the CPU difference and the ratio
//   trivial-colo  a trivial Worker that reads the typical answer from the Cache API per request: the
//              colo read's own cost on this runtime, subtracted to leave the Worker's own work
// And a cold isolate: a host started again on the stored copies, its first and second request;
// and the first render of each key in a colo (first-render.mjs), on a copy of the same store.
// Each target is a host of its own over a copy of one warmed store; every measured run is checked
// to have cost no upstream request.
import { cpSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { transform } from "esbuild";
import { seeded, zipf } from "../lib/charts.mjs";
import { startWorkerHost } from "../lib/hosts.mjs";
import { burst, fakeScenario, request } from "../lib/http.mjs";
import { memoMissShare } from "../lib/memo-replay.mjs";
import { stopGroup } from "../lib/procs.mjs";
import { paired, spread, targetSpreads } from "../lib/stats.mjs";
import { threadCpuSeconds, wrk } from "../lib/wrk.mjs";
import { proxyVars } from "./credits.mjs";
import { firstRenders } from "./first-render.mjs";

const TRENDING = "/v1/tiktok/trending/music";
export const TIER_KEYS = 2000;
const ZIPF_REQUESTS = 20_000;
const COLD_STARTS = 5;

/** TIER_KEYS distinct answers of unfiltered charts (no page-1-first detour): 20- and 10-row windows. */
export function tierPaths(regions, count = TIER_KEYS, seed = 20261202) {
  const all = [];
  for (const region of regions)
    for (const period of [7, 30, 120]) {
      for (let page = 1; page <= 5; page++)
        all.push(`${TRENDING}?region=${region}&period=${period}&page=${page}&limit=20`);
      for (let page = 1; page <= 10; page++)
        all.push(`${TRENDING}?region=${region}&period=${period}&page=${page}&limit=10`);
    }
  const random = seeded(seed);
  for (let i = all.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [all[i], all[j]] = [all[j], all[i]];
  }
  return all.slice(0, count);
}

/** `n` paths drawn from `paths` with Zipf (s = 1.1) popularity. */
export function zipfOrder(paths, n, seed = 20261203) {
  const random = seeded(seed);
  const pick = zipf(paths.length, 1.1, random);
  return Array.from({ length: n }, () => paths[pick()]);
}

export async function tierPath(ctx, { rounds, seconds, log }) {
  // The Worker's own regions (Node 22's type stripping) and its memo's code.
  await import("../lib/ts-imports.mjs");
  const { REGIONS } = await import("../../worker/charts/regions.ts");
  const { RenderedAnswers, MAX_RENDERED_BYTES } = await loadMemoClass(ctx.dir);
  const scenario = fakeScenario(ctx.fakeUrl, `tier-${ctx.runId}`);
  // Long freshness: nothing turns stale (and goes upstream) while it is measured.
  const vars = proxyVars(scenario.url, { CACHE_TTL_SECONDS: "86400" });
  const paths = tierPaths(REGIONS);
  const zipfPaths = zipfOrder(paths, ZIPF_REQUESTS);
  const files = { scan: join(ctx.dir, "tier-scan.txt"), zipf: join(ctx.dir, "tier-zipf.txt") };
  writeFileSync(files.scan, `${paths.join("\n")}\n`);
  writeFileSync(files.zipf, `${zipfPaths.join("\n")}\n`);
  const started = [];
  const host = async (spec) => {
    const h = await startWorkerHost(spec, ctx.dir);
    started.push(h);
    return h;
  };
  try {
    const stores = ["colo-scan", "kv-scan", "colo-zipf"].map((name) => ({ name, dir: join(ctx.dir, `tier-${name}`) }));
    const [store] = stores;
    log?.(`  warming ${paths.length} answers through one Worker (the colo cache and KV both written)`);
    const warm = await host({ kind: "product", bundleDir: ctx.bundleDir, vars, stateDir: store.dir });
    const sizes = await warmAll(warm, paths);
    // The colo and KV writes run in waitUntil: let them land before the store is copied.
    await new Promise((r) => setTimeout(r, 2000));
    await stopGroup(warm);
    const firstRenderStore = join(ctx.dir, "tier-first-render");
    for (const other of [...stores.slice(1), { dir: firstRenderStore }])
      cpSync(store.dir, other.dir, { recursive: true });
    const upstreamAfterWarm = await scenario.count();

    const coldStart = await coldStarts(ctx, vars, store.dir, paths, log);
    const bodyFile = join(ctx.dir, "tier-body.json");
    const hosts = {};
    for (const s of stores)
      hosts[s.name] = await host({
        kind: "product",
        bundleDir: ctx.bundleDir,
        vars,
        stateDir: s.dir,
        cacheApi: s.name !== "kv-scan",
      });
    // The baseline serves an answer of the median size: the CPU difference is then the Worker's
    // work on a typical answer, not a difference in bytes.
    const typical = (await request(`${hosts["colo-scan"].direct}${medianSized(sizes)}`)).body;
    writeFileSync(bodyFile, typical);
    const trivial = await host({ kind: "trivial", bodyFile });
    // The colo read's baseline: a trivial Worker that reads the typical answer from the Cache API
    // on every request (what the Worker reads there: an answer another isolate rendered), then
    // answers it from memory. On this runtime the local Cache API runs in the same workerd
    // process, so its work is in the CPU figures; production's colo cache is not the Worker's CPU.
    const trivialColo = await host({ kind: "trivial-cache", bodyFile });
    const targets = [
      { name: "trivial", url: `${trivial.direct}/`, pid: trivial.workerdPid },
      { name: "trivial-colo", url: `${trivialColo.direct}/`, pid: trivialColo.workerdPid },
      ...stores.map((s) => ({
        name: s.name,
        url: hosts[s.name].direct,
        pid: hosts[s.name].workerdPid,
        pathsFile: s.name === "colo-zipf" ? files.zipf : files.scan,
      })),
    ];
    const runs = [];
    for (let r = 0; r < rounds; r++) {
      const order = targets.map((_, i) => targets[(i + r) % targets.length]);
      for (const t of order) {
        // Each run goes on in the file where the last run on that host stopped: a scan never
        // comes back to a key before the memo has let it go.
        const pathsOffset = runs.filter((run) => run.target === t.name).reduce((sum, run) => sum + run.requests, 0);
        const result = await wrk(t.url, {
          connections: 16,
          seconds,
          cpuPids: [t.pid],
          pathsFile: t.pathsFile,
          pathsOffset,
        });
        runs.push({ round: r + 1, target: t.name, ...result });
        log?.(
          `  round ${r + 1}, ${t.name}: ${result.rps} req/s, ${result.cpuUsPerRequest} µs CPU/req${result.errors ? `, ${result.errors} errors` : ""}`,
        );
      }
    }
    // Nothing else runs beside it: the tier path's hosts are stopped first.
    for (const h of started.splice(0)) await stopGroup(h);
    const firstRender = await firstRenders(ctx, {
      storeDir: firstRenderStore,
      paths,
      vars,
      bodyFile,
      scenario,
      rounds,
      log,
    });
    const sizeOf = (path) => sizes.get(path) ?? 0;
    const replay = (name, list) =>
      runs.filter((run) => run.target === name).map((run) => ({ paths: list, requests: run.requests }));
    return {
      keys: paths.length,
      memoBytes: MAX_RENDERED_BYTES,
      answerBytes: spread([...sizes.values()], 0),
      trivialBytes: typical.length,
      storedBytes: [...sizes.values()].reduce((a, b) => a + b, 0),
      memoMissShare: {
        "colo-scan": memoMissShare(RenderedAnswers, replay("colo-scan", paths), sizeOf),
        "kv-scan": memoMissShare(RenderedAnswers, replay("kv-scan", paths), sizeOf),
        "colo-zipf": memoMissShare(RenderedAnswers, replay("colo-zipf", zipfPaths), sizeOf),
      },
      rounds,
      secondsPerRun: seconds,
      connections: 16,
      upstreamRequests: { warming: upstreamAfterWarm, measuring: (await scenario.count()) - upstreamAfterWarm },
      summary: {
        targets: targetSpreads(runs),
        paired: {
          ownCpuUs: Object.fromEntries(
            stores.map((s) => [
              s.name,
              paired(runs, (g) => g(s.name).cpuUsPerRequest - g("trivial").cpuUsPerRequest, 0),
            ]),
          ),
          // The Worker's own work for a copy it has not rendered: both read one copy from the Cache API.
          ownCpuOverColoReadUs: paired(
            runs,
            (g) => g("colo-scan").cpuUsPerRequest - g("trivial-colo").cpuUsPerRequest,
            0,
          ),
          overTrivialRps: Object.fromEntries(
            stores.map((s) => [s.name, paired(runs, (g) => g(s.name).rps / g("trivial").rps)]),
          ),
        },
      },
      coldStart,
      firstRender,
      runs,
    };
  } finally {
    for (const h of started) await stopGroup(h);
  }
}

/** The path whose answer has the median size. */
function medianSized(sizes) {
  const bySize = [...sizes].sort((a, b) => a[1] - b[1]);
  return bySize[Math.floor(bySize.length / 2)][0];
}

/**
 * Every path once, 16 at a time, each answered 200; returns each answer's size (the memo's measure).
 * Concurrent first askers of one full page (a 20-row window and the 10-row windows over it) join
 * one gate question: the burst checks that every joiner is answered too.
 */
async function warmAll(host, paths) {
  const sizes = new Map();
  const { answers } = await burst(paths.length, 16, (i) => `${host.direct}${paths[i]}`);
  for (const [i, a] of answers.entries()) {
    if (a.status !== 200)
      throw new Error(
        `warming ${paths[i]}: ${a.status} ${a.error ?? a.body.toString("utf8").slice(0, 300)}\n${host.tail(20)}`,
      );
    sizes.set(paths[i], a.body.toString("utf8").length);
  }
  return sizes;
}

/** A host started again on the warmed store, COLD_STARTS times: its first request, then a second key. */
async function coldStarts(ctx, vars, stateDir, paths, log) {
  const first = [];
  const next = [];
  for (let i = 0; i < COLD_STARTS; i++) {
    const h = await startWorkerHost({ kind: "product", bundleDir: ctx.bundleDir, vars, stateDir }, ctx.dir);
    try {
      first.push(await timed(h, paths[2 * i]));
      next.push(await timed(h, paths[2 * i + 1]));
    } finally {
      await stopGroup(h);
    }
  }
  const result = {
    starts: COLD_STARTS,
    firstRequestMs: spread(
      first.map((f) => f.ms),
      1,
    ),
    firstRequestCpuMs: spread(
      first.map((f) => f.cpuMs),
      1,
    ),
    nextRequestMs: spread(
      next.map((f) => f.ms),
      1,
    ),
    nextRequestCpuMs: spread(
      next.map((f) => f.cpuMs),
      1,
    ),
    statuses: [...first, ...next].map((f) => f.status),
  };
  log?.(
    `  cold isolate: first request ${result.firstRequestMs?.median} ms (${result.firstRequestCpuMs?.median} ms CPU)`,
  );
  return result;
}

async function timed(host, path) {
  const cpuBefore = threadCpuSeconds(host.workerdPid);
  const res = await request(`${host.direct}${path}`);
  const cpuAfter = threadCpuSeconds(host.workerdPid);
  if (res.status !== 200) throw new Error(`cold start ${path}: ${res.status}`);
  return { ms: res.ms, cpuMs: (cpuAfter - cpuBefore) * 1000, status: `${res.status} ${res.headers["x-cache"]}` };
}

/** worker/proxy/rendered-answers.ts compiled as it is (its parameter properties need more than type stripping). */
async function loadMemoClass(dir) {
  const source = readFileSync("worker/proxy/rendered-answers.ts", "utf8");
  const { code } = await transform(source, { loader: "ts", format: "esm", target: "es2023" });
  const file = join(dir, "rendered-answers.mjs");
  writeFileSync(file, code);
  return import(pathToFileURL(file).href);
}
