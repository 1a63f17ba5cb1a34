// `npm run bench`: credits, the hit path beside nginx, and the site at full scale — measured, on
// loopback, with everything it starts stopped again (by process group; on Ctrl+C too).
// Writes bench/results/latest.json and prints one row per goal of issue 10.
//
//   npm run bench                                   everything (≈ 8 minutes on a busy 2-core machine)
//   npm run bench -- --only credits,outage,hit,site  a part
//   npm run bench -- --seconds 10 --rounds 3 --weeks 52 --no-profile --out bench/results/x.json
//
// It installs nothing: without wrk or nginx it says which Debian package to install and skips
// what needs it.
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { cpus, loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { evaluate, table } from "./lib/goals.mjs";
import { bundleWorker, startFakeUpstream } from "./lib/hosts.mjs";
import { startNginx } from "./lib/nginx.mjs";
import { killAllNow, stopAll } from "./lib/procs.mjs";
import { hasCommand } from "./lib/wrk.mjs";
import { invalidScenario, jobTwice, staleBurst, stampede, zipfScenario } from "./sections/credits.mjs";
import { hitPath } from "./sections/hit-path.mjs";
import { outage } from "./sections/outage.mjs";
import { archiveAtScale, site } from "./sections/site.mjs";

const { values: args } = parseArgs({
  options: {
    only: { type: "string", default: "credits,outage,hit,site" },
    seconds: { type: "string", default: "6" },
    rounds: { type: "string", default: "2" },
    weeks: { type: "string", default: "52" },
    "no-profile": { type: "boolean", default: false },
    out: { type: "string", default: "bench/results/latest.json" },
  },
});
const only = new Set(args.only.split(",").map((s) => s.trim()));
const seconds = Number(args.seconds);
const rounds = Number(args.rounds);
const weeks = Number(args.weeks);

const dir = mkdtempSync(join(tmpdir(), "trending-sounds-bench-"));
const cleanUp = async () => {
  await stopAll();
  rmSync(dir, { recursive: true, force: true });
};
for (const signal of ["SIGINT", "SIGTERM", "SIGHUP"]) {
  process.once(signal, () => {
    console.error(`\n${signal}: stopping everything the bench started…`);
    cleanUp().finally(() => process.exit(130));
  });
}
process.on("exit", killAllNow);

const log = (line) => console.log(line);
/** A tool's version from what it prints (nginx -v writes to stderr). */
const version = (command, args, pattern) => {
  const { stdout, stderr } = spawnSync(command, args, { encoding: "utf8" });
  return pattern.exec(`${stdout ?? ""}${stderr ?? ""}`)?.[1] ?? null;
};

const missing = [];
const tools = { wrk: hasCommand("wrk"), nginx: hasCommand("nginx"), time: hasCommand("/usr/bin/time") };
if (!tools.wrk) missing.push(["wrk", "the hit path and the archive API under load"]);
if (!tools.nginx) missing.push(["nginx", "the nginx comparison (hit path and stampedes)"]);
if (!tools.time) missing.push(["time", "the site build's time and peak memory"]);
for (const [pkg, what] of missing)
  console.log(`! ${pkg} is not installed: skipping ${what}. Install it with: apt-get install -y ${pkg}`);

const results = {
  date: new Date().toISOString(),
  command: ["npm run bench", ...(process.argv.length > 2 ? ["--", ...process.argv.slice(2)] : [])].join(" "),
  machine: {
    cpus: cpus().length,
    cpuModel: cpus()[0]?.model ?? null,
    loadAverageAtStart: loadavg().map((x) => +x.toFixed(2)),
    node: process.version,
    miniflare: JSON.parse(readFileSync("node_modules/miniflare/package.json", "utf8")).version,
    workerd: JSON.parse(readFileSync("node_modules/workerd/package.json", "utf8")).version,
    wrk: tools.wrk ? version("wrk", ["--version"], /wrk (\S+)/) : null,
    nginx: tools.nginx ? version("nginx", ["-v"], /nginx\/(\S+)/) : null,
  },
  options: { seconds, rounds, weeks, profile: !args["no-profile"] },
  skipped: missing.map(([pkg]) => pkg),
};

const started = performance.now();
let failed = null;
try {
  log("• bundling the Worker (wrangler deploy --dry-run)");
  const bundleDir = await bundleWorker(dir);
  log("• starting the counting fake upstream");
  const fake = await startFakeUpstream();
  const nginx = tools.nginx && (only.has("hit") || only.has("credits")) ? await startNginx(dir, fake.url) : null;
  const ctx = { dir, bundleDir, fakeUrl: fake.url, runId: Date.now().toString(36), nginx };
  // The full-scale archive is built beside the count-only scenarios (credits, outage); everything
  // timed (the hit path, the site build, the archive API) runs after it, alone.
  let archive = null;
  if (only.has("site")) {
    log(`• archiving ${weeks} weeks × 71 regions through the snapshot job (in the background)`);
    archive = archiveAtScale(ctx, { weeks, log });
    archive.catch(() => undefined);
  }

  if (only.has("credits")) {
    log("• credits (upstream requests counted by the fake)");
    const credits = {};
    for (const delayMs of [1000, 8000]) {
      credits[`workerStampede${delayMs / 1000}s`] = await stampede(ctx, { target: "worker", delayMs, log });
      if (nginx)
        credits[`nginxStampede${delayMs / 1000}s`] = await stampede(ctx, {
          target: "nginx",
          delayMs,
          baseUrl: nginx.url,
          log,
        });
    }
    // The same stampede without the colo cache tier: every joiner of the call writes it there.
    credits.workerKvOnlyStampede1s = await stampede(ctx, { target: "worker-kv-only", delayMs: 1000, log });
    credits.zipf = await zipfScenario(ctx, { log });
    credits.staleBurst = await staleBurst(ctx, { log });
    credits.invalid = await invalidScenario(ctx, { log });
    credits.job = await jobTwice(ctx, { log });
    results.credits = credits;
  }
  if (only.has("outage")) {
    log("• whole-window outage (workerd, the tests' harness clock)");
    results.outage = await outage({ log });
  }
  if (archive) {
    log("• waiting for the archive");
    archive = await archive;
  }
  if (only.has("hit") && tools.wrk) {
    log(`• hit path: ${rounds} rounds × 16 and 64 connections × ${seconds} s per target (wrk)`);
    results.hitPath = await hitPath(ctx, { rounds, seconds, profile: !args["no-profile"], log });
  }
  if (archive) {
    log(`• the site at full scale: ${weeks} weeks × 71 regions`);
    results.site = await site(ctx, archive, { seconds, log, tools });
  }
} catch (error) {
  failed = error;
} finally {
  await cleanUp();
}

results.machine.loadAverageAtEnd = loadavg().map((x) => +x.toFixed(2));
results.seconds = Math.round((performance.now() - started) / 1000);
results.goals = evaluate(results);
if (failed) results.error = String(failed.stack ?? failed);
writeFileSync(args.out, `${JSON.stringify(results, null, 2)}\n`);
console.log(table(results.goals));
console.log(`\n${results.seconds} s; results in ${args.out}`);
if (failed) {
  console.error(`\nthe bench failed: ${failed.stack ?? failed}`);
  process.exit(1);
}
