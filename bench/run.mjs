// `npm run bench`: speed and memory of the product as it runs locally (workerd via wrangler dev,
// demo source, a throw-away state directory). Numbers, never assertions: machines here are noisy.
// Writes bench/results/latest.json and prints a summary.
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { WRANGLER_ENV, freePort, startDevServer } from "../scripts/lib/dev-server.mjs";
import { seedTimes } from "../scripts/lib/seed.mjs";

const ADMIN = "bench-admin-token";
const state = mkdtempSync(join(tmpdir(), "trending-sounds-bench-"));
const envFile = join(state, "bench.env");
writeFileSync(envFile, `DATA_SOURCE=demo\nADMIN_TOKEN=${ADMIN}\n`, { mode: 0o600 });

const percentile = (sorted, p) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];

async function load(url, { requests, concurrency }) {
  const times = [];
  let next = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < requests) {
        next++;
        const t = performance.now();
        const response = await fetch(url);
        await response.arrayBuffer();
        if (!response.ok) throw new Error(`${url}: HTTP ${response.status}`);
        times.push(performance.now() - t);
      }
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  times.sort((a, b) => a - b);
  return {
    requests,
    concurrency,
    rps: Math.round(requests / seconds),
    p50ms: +percentile(times, 50).toFixed(2),
    p95ms: +percentile(times, 95).toFixed(2),
  };
}

async function credits(base) {
  const status = await (await fetch(`${base}/api/status`, { headers: { Authorization: `Bearer ${ADMIN}` } })).json();
  return status.credits?.spend ?? null;
}

function workerdRssMiB(pgid) {
  const pids = execFileSync("ps", ["-o", "pid=,comm=", "-g", String(pgid)], { encoding: "utf8" })
    .split("\n")
    .filter((l) => l.includes("workerd"))
    .map((l) => l.trim().split(/\s+/)[0]);
  let kib = 0;
  for (const pid of pids) kib += Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, "utf8"))?.[1] ?? 0);
  return Math.round(kib / 1024);
}

async function scheduled(base, time) {
  const t = performance.now();
  const response = await fetch(
    `${base}/cdn-cgi/local/scheduled?cron=${encodeURIComponent("17 * * * MON,TUE")}&time=${time}`,
  );
  await response.text();
  return +((performance.now() - t) / 1000).toFixed(2);
}

execFileSync("npx", ["astro", "build", "--root", "site", "--silent"], {
  stdio: "inherit",
  env: { ...process.env, ASTRO_TELEMETRY_DISABLED: "1" },
});
execFileSync("npx", ["wrangler", "d1", "migrations", "apply", "DB", "--local", "--persist-to", state], {
  stdio: "ignore",
  env: { ...process.env, ...WRANGLER_ENV, CI: "true" },
});
const server = await startDevServer({ port: await freePort(0), envFile, persistTo: state });
const results = {
  date: new Date().toISOString(),
  machine: `${process.platform} ${process.arch}, node ${process.version}`,
};
try {
  const base = server.url;
  const q = `${base}/v1/tiktok/trending/music?region=DE&limit=10`;
  await fetch(q).then((r) => r.arrayBuffer());
  results.proxyHitSerial = await load(q, { requests: 300, concurrency: 1 });
  results.proxyHit = await load(q, { requests: 2000, concurrency: 20 });
  const before = await credits(base);
  const cold = `${base}/v1/tiktok/trending/music?region=FR&period=30`;
  const t = performance.now();
  const stampede = await Promise.all(Array.from({ length: 200 }, () => fetch(cold).then((r) => r.status)));
  const after = await credits(base);
  results.coldStampede = {
    requests: 200,
    ok: stampede.filter((s) => s === 200).length,
    creditsSpent: after && before ? after.proxyToday - before.proxyToday : null,
    wallMs: Math.round(performance.now() - t),
  };
  results.snapshotRun71Regions = { seconds: await scheduled(base, seedTimes(Date.now(), 1)[0]) };
  const runs = [];
  for (const time of seedTimes(Date.now(), 12).slice(0, 11)) runs.push(await scheduled(base, time));
  results.seed11MoreWeeks = { seconds: +runs.reduce((a, b) => a + b, 0).toFixed(1), perWeek: runs };
  results.secondRunSameWeek = { seconds: await scheduled(base, seedTimes(Date.now(), 1)[0]) };
  results.archiveChart = await load(`${base}/api/charts/DE/latest`, { requests: 300, concurrency: 10 });
  results.healthz = await load(`${base}/healthz`, { requests: 1000, concurrency: 20 });
  results.workerdRssMiB = workerdRssMiB(server.child.pid);
} finally {
  server.stop();
  rmSync(state, { recursive: true, force: true });
}
writeFileSync("bench/results/latest.json", `${JSON.stringify(results, null, 2)}\n`);
console.log(JSON.stringify(results, null, 2));
