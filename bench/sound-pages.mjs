// `npm run bench:sounds`: a sound page rendered by the Worker beside a chart page from the static
// assets, under workerd through Miniflare's API (no wrangler dev proxy), with the built site
// (site/dist: run `npm run build` first) as its assets and an archive of demo weeks seeded through
// the real snapshot job. Prints req/s, latency and CPU per request of the workerd process, and
// writes bench/results/sound-pages.json.
//
//   npm run bench:sounds [-- --weeks 12 --regions DE,FR,GB,US,JP --seconds 6 --connections 16]
//
// Targets (wrk, one thread; the other core serves):
// - `sound page, miss`: the Worker's own socket, no colo cache: every request reads D1 (one batch)
//   and renders — what a page costs the first time in a colo;
// - `sound page, colo hit`: the same with the Cache API: the shell from ASSETS, the page from the cache;
// - `chart page (assets)` and `sound page via router`: both through Miniflare's entry and the asset
//   router, so the two kinds of page are compared along the same path.
import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { seedTimes } from "../scripts/lib/seed.mjs";
import { bundleWorker, startWorkerHost } from "./lib/hosts.mjs";
import { request } from "./lib/http.mjs";
import { killAllNow, stopAll } from "./lib/procs.mjs";
import { hasCommand, wrk } from "./lib/wrk.mjs";
import { scheduled } from "./sections/credits.mjs";

const { values: args } = parseArgs({
  options: {
    weeks: { type: "string", default: "12" },
    regions: { type: "string", default: "DE,FR,GB,US,JP" },
    seconds: { type: "string", default: "6" },
    connections: { type: "string", default: "16" },
    out: { type: "string", default: "bench/results/sound-pages.json" },
  },
});
if (!hasCommand("wrk")) throw new Error("wrk is not installed: apt-get install -y wrk");
if (!existsSync("site/dist/shell/sound/index.html")) throw new Error("no built site: run `npm run build` first");

const dir = mkdtempSync(join(tmpdir(), "trending-sounds-bench-sounds-"));
process.on("exit", killAllNow);
for (const signal of ["SIGINT", "SIGTERM"]) process.once(signal, () => stopAll().finally(() => process.exit(130)));

const vars = { DATA_SOURCE: "demo", REGIONS: args.regions };
const seconds = Number(args.seconds);
const connections = Number(args.connections);

try {
  const bundleDir = await bundleWorker(dir);
  const miss = await startWorkerHost({ kind: "product", bundleDir, vars, assets: true, cacheApi: false }, dir);
  const hit = await startWorkerHost({ kind: "product", bundleDir, vars, assets: true, cacheApi: true }, dir);
  for (const host of [miss, hit]) {
    for (const time of seedTimes(Date.now(), Number(args.weeks))) {
      const run = await scheduled(host.entry, time);
      if (run.status !== 200) throw new Error(`the job failed for ${new Date(time).toISOString()}: ${run.outcome}`);
    }
  }
  const latest = JSON.parse((await request(`${miss.direct}/api/charts/DE/latest`)).body.toString("utf8"));
  // The sound with the longest history on the latest chart: the largest page a current sound makes.
  const clipId = latest.entries.toSorted((a, b) => b.weeksOnChart - a.weeksOnChart)[0].clip_id;
  const sound = `/sounds/${clipId}/`;
  const check = await request(`${miss.direct}${sound}`);
  if (check.status !== 200) throw new Error(`${sound} answered ${check.status}`);
  const serverTiming = check.headers["server-timing"];

  const targets = [
    { name: "sound page, miss (Worker socket, D1 + render)", url: `${miss.direct}${sound}`, pid: miss.workerdPid },
    { name: "sound page, colo hit (Worker socket)", url: `${hit.direct}${sound}`, pid: hit.workerdPid },
    { name: "sound page via router (miss)", url: `${miss.entry}${sound}`, pid: miss.workerdPid },
    { name: "chart page via router (assets)", url: `${miss.entry}/charts/DE/`, pid: miss.workerdPid },
  ];
  const results = [];
  for (const t of targets) {
    const page = await request(t.url);
    const r = await wrk(t.url, { connections, seconds, cpuPids: [t.pid] });
    results.push({ target: t.name, bytes: page.body.length, ...r });
    console.log(
      `${t.name}: ${r.rps} req/s, p50 ${r.p50Ms} ms, p99 ${r.p99Ms} ms, ${r.cpuUsPerRequest} µs CPU/req, ${page.body.length} bytes${r.errors ? `, ${r.errors} errors` : ""}`,
    );
  }
  const summary = {
    date: new Date().toISOString(),
    command: ["npm run bench:sounds", ...(process.argv.length > 2 ? ["--", ...process.argv.slice(2)] : [])].join(" "),
    weeks: Number(args.weeks),
    regions: args.regions,
    sound,
    serverTiming,
    results,
  };
  writeFileSync(args.out, `${JSON.stringify(summary, null, 2)}\n`);
  console.log(`wrote ${args.out}`);
} finally {
  await stopAll();
  rmSync(dir, { recursive: true, force: true });
}
