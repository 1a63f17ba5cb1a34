// `npm run bench`: credits, the hit path (the memo, the tiers, latency at a fixed rate) beside the
// runtime's ceiling and nginx, and the site at full scale — measured on loopback, one section at a
// time (nothing runs beside a measured scenario), with everything it starts stopped again (by
// process group; on Ctrl+C too). Writes bench/results/latest.json and prints one row per goal.
//
//   npm run bench                                   the default sections (≈ 15 minutes on a 2-core machine)
//   npm run bench -- --only credits,outage,hit,tier,fixed,site   a part (archive10y: only when named)
//   npm run bench -- --seconds 2 --rounds 5 --weeks 52 --no-profile --out bench/results/x.json
//   npm run bench -- --only tier --merge-into bench/results/latest.json --why "<the fix>"
//
// It installs nothing: without wrk or nginx it says which Debian package to install and
// skips what needs it.
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { cpus, loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { evaluate, table } from "./lib/goals.mjs";
import { bundleWorker, startFakeUpstream } from "./lib/hosts.mjs";
import { watchSection } from "./lib/machine.mjs";
import { startNginx } from "./lib/nginx.mjs";
import { loadArchive10y } from "./lib/optional-sections.mjs";
import { killAllNow, stopAll } from "./lib/procs.mjs";
import { hasCommand } from "./lib/wrk.mjs";
import { invalidScenario, jobTwice, staleBurst, stampede, zipfScenario } from "./sections/credits.mjs";
import { fixedRate } from "./sections/fixed-rate.mjs";
import { hitPath } from "./sections/hit-path.mjs";
import { outage } from "./sections/outage.mjs";
import { archiveAtScale, site } from "./sections/site.mjs";
import { tierPath } from "./sections/tier-path.mjs";

/** What `npm run bench` runs without --only; archive10y is run only when named. */
const DEFAULT_SECTIONS = "credits,outage,hit,tier,fixed,site";

const { values: args } = parseArgs({
  options: {
    only: { type: "string", default: DEFAULT_SECTIONS },
    seconds: { type: "string", default: "5" },
    // Five at least: a ratio decides a verdict only over MIN_ROUNDS_FOR_VERDICT paired rounds.
    rounds: { type: "string", default: "5" },
    weeks: { type: "string", default: "52" },
    "no-profile": { type: "boolean", default: false },
    out: { type: "string", default: "bench/results/latest.json" },
    // Runs the named sections again and puts them into an earlier run's results (say, after a fix
    // to one section), recording which sections came from this later run, and when, and why.
    "merge-into": { type: "string" },
    why: { type: "string", default: "" },
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
const tools = {
  wrk: hasCommand("wrk"),
  nginx: hasCommand("nginx"),
  time: hasCommand("/usr/bin/time"),
};
if (!tools.wrk)
  missing.push(["wrk", "the hit and tier paths, the fixed rate's maximum and the archive API under load"]);
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
    undici: JSON.parse(readFileSync("node_modules/undici/package.json", "utf8")).version,
    nginx: tools.nginx ? version("nginx", ["-v"], /nginx\/(\S+)/) : null,
  },
  options: { seconds, rounds, weeks, profile: !args["no-profile"] },
  skipped: missing.map(([pkg]) => pkg),
};

const started = performance.now();
results.load = {};
/** Runs one section alone, with the machine's load at its start and others' CPU while it ran. */
async function section(name, run) {
  const watch = watchSection();
  try {
    return await run();
  } finally {
    results.load[name] = watch.end();
    const l = results.load[name];
    log(
      `  (${name}: load ${l.loadAverageAtStart[0]} at the start, other processes ${l.otherCores ?? "?"} cores${l.busy ? ": busy" : ""})`,
    );
  }
}
let failed = null;
const archive10y = only.has("archive10y") ? await loadArchive10y() : null;
if (only.has("archive10y") && !archive10y)
  console.log("! bench/sections/archive10y.mjs is not there yet: skipping archive10y");
try {
  log("• bundling the Worker (wrangler deploy --dry-run)");
  const bundleDir = await bundleWorker(dir);
  log("• starting the counting fake upstream");
  const fake = await startFakeUpstream();
  const needsNginx = ["hit", "fixed", "credits"].some((name) => only.has(name));
  const nginx = tools.nginx && needsNginx ? await startNginx(dir, fake.url) : null;
  const ctx = { dir, bundleDir, fakeUrl: fake.url, runId: Date.now().toString(36), nginx };

  if (only.has("credits"))
    results.credits = await section("credits", async () => {
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
      return credits;
    });
  if (only.has("outage"))
    results.outage = await section("outage", () => {
      log("• whole-window outage (workerd, the tests' harness clock)");
      return outage({ log });
    });
  if (only.has("hit") && tools.wrk)
    results.hitPath = await section("hit", () => {
      log(`• hit path (the memo): ${rounds} rounds × 16 and 64 connections × ${seconds} s per target (wrk)`);
      return hitPath(ctx, { rounds, seconds, profile: !args["no-profile"], log });
    });
  if (only.has("tier") && tools.wrk)
    results.tierPath = await section("tier", () => {
      log(`• tier path (copies the isolate has not rendered): ${rounds} rounds × ${seconds} s per target (wrk)`);
      return tierPath(ctx, { rounds, seconds, log });
    });
  if (only.has("fixed") && tools.wrk)
    results.fixedRate = await section("fixed", () => {
      log(`• latency at a fixed offered rate: ${rounds} rounds × ${seconds} s per target and rate (open loop)`);
      return fixedRate(ctx, { rounds, seconds, log });
    });
  if (only.has("site")) {
    // Seeding is a section of its own: nothing is measured beside it.
    const archive = await section("seed", () => {
      log(`• archiving ${weeks} weeks × 71 regions through the snapshot job`);
      return archiveAtScale(ctx, { weeks, log });
    });
    results.site = await section("site", () => {
      log(`• the site at full scale: ${weeks} weeks × 71 regions`);
      return site(ctx, archive, { seconds, log, tools });
    });
  }
  if (archive10y)
    results.archive10y = await section("archive10y", () => {
      log("• the archive at ten years (bench/sections/archive10y.mjs)");
      return archive10y.archive10y(ctx, { rounds, seconds, log, tools });
    });
} catch (error) {
  failed = error;
} finally {
  await cleanUp();
}

results.machine.loadAverageAtEnd = loadavg().map((x) => +x.toFixed(2));
results.seconds = Math.round((performance.now() - started) / 1000);
if (failed) results.error = String(failed.stack ?? failed);
const written = args["merge-into"] && !failed ? mergeInto(args["merge-into"], results) : results;
const out = args["merge-into"] && !failed ? args["merge-into"] : args.out;
written.goals = evaluate(written, archive10y?.archive10yGoals ? { archive10y: archive10y.archive10yGoals } : {});
writeFileSync(out, `${JSON.stringify(written, null, 2)}\n`);
console.log(table(written.goals));
console.log(`\n${results.seconds} s; results in ${out}`);
if (failed) {
  console.error(`\nthe bench failed: ${failed.stack ?? failed}`);
  process.exit(1);
}

/** The earlier results at `file` with this run's sections in place of theirs, and a record of it. */
function mergeInto(file, later) {
  const earlier = JSON.parse(readFileSync(file, "utf8"));
  const keys = { credits: "credits", outage: "outage", hit: "hitPath", tier: "tierPath", fixed: "fixedRate" };
  const sections = Object.keys(later.load);
  for (const name of sections) {
    const key = keys[name] ?? name;
    if (later[key] !== undefined) earlier[key] = later[key];
    earlier.load = { ...earlier.load, [name]: later.load[name] };
  }
  earlier.replaced = [
    ...(earlier.replaced ?? []),
    { sections, date: later.date, command: later.command, seconds: later.seconds, why: args.why },
  ];
  return earlier;
}
