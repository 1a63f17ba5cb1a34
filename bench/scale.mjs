// `npm run bench:scale [-- --sizes 12,52] [--ten-year-state <dir>]`: what a week costs as the archive
// grows (issues 14, 17 and 19). For each archive size — 12 and 52 weeks of all 71 regions seeded
// through the real snapshot job on the demo source (the Worker bundle under workerd, on a
// throw-away state), and the big archive bench/lib/ten-years.mjs seeds (`npm run bench -- --only
// archive10y`; give its state folder) — it measures:
// - the site build from the Worker's API: a full build (fresh cache), then one more week through
//   the job, then an incremental build from the full build's cache (wall time and peak RSS from
//   `/usr/bin/time -v`, charts read), and the files the week wrote into the kept output folder;
// - the year-end API (`/api/charts/DE/year/<yyyy>`, `/api/global/year/<yyyy>`): D1 queries per
//   request (Server-Timing), latency, bytes;
// - search (bench/search.mjs benchSearch): latency, D1 queries and CPU per request for a common
//   word, rare words and prefixes beside `/api/charts`, and the index's size in the D1 file.
// Minutes per size (the ten-year full build alone is minutes). Not part of `npm test`. Results:
// bench/results/scale.json; `npm run bench:readme` puts them in docs/performance.md.
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { seedTimes } from "../scripts/lib/seed.mjs";
import { BUILD_HEAP_MB } from "../scripts/lib/site-build.mjs";
import { nextWeek, weekStart } from "../worker/charts/iso-week.ts";
import { bundleWorker, childNamed, startWorkerHost } from "./lib/hosts.mjs";
import { killAllNow, runGroup, startGroup, stopAll, stopGroup } from "./lib/procs.mjs";
import { benchSearch, indexSize } from "./search.mjs";
import { scheduled } from "./sections/credits.mjs";
import { fileStates, timeReport, writtenFiles } from "./sections/site.mjs";

const WEEK_MS = 7 * 24 * 3_600_000;
const { values } = parseArgs({
  options: {
    sizes: { type: "string", default: "12,52" },
    "ten-year-state": { type: "string" },
    "search-minutes": { type: "string", default: "10" },
    "seeded-through": { type: "string", default: "0008" },
    out: { type: "string", default: "bench/results/scale.json" },
  },
});
const dir = mkdtempSync(join(tmpdir(), "trending-sounds-scale-"));
const cleanUp = async () => {
  await stopAll();
  rmSync(dir, { recursive: true, force: true });
};
for (const signal of ["SIGINT", "SIGTERM", "SIGHUP"])
  process.once(signal, () => cleanUp().finally(() => process.exit(130)));
process.on("exit", killAllNow);
const log = (line) => console.log(line);

/** The newest `.sqlite` file under a Miniflare state folder: the D1 database. */
function d1File(root) {
  const found = [];
  const walk = (at) => {
    for (const entry of readdirSync(at, { withFileTypes: true })) {
      const path = join(at, entry.name);
      if (entry.isDirectory()) walk(path);
      else if (entry.name.endsWith(".sqlite") && entry.name !== "metadata.sqlite" && path.includes("D1"))
        found.push(path);
    }
  };
  if (existsSync(root)) walk(root);
  return found[0] ?? null;
}

/** A Worker on the demo source holding `weeks` weeks, seeded through its own scheduled job. */
async function seededWorker(bundleDir, weeks) {
  const host = await startWorkerHost({ kind: "product", bundleDir, vars: { DATA_SOURCE: "demo" } }, dir);
  const started = performance.now();
  const times = seedTimes(Date.now() - WEEK_MS, weeks);
  for (const [i, time] of times.entries()) {
    const run = await scheduled(host.entry, time);
    if (run.status !== 200) throw new Error(`seeding week ${i + 1}: HTTP ${run.status} ${run.outcome}`);
    if ((i + 1) % 10 === 0 || i + 1 === weeks) log(`  seeded ${i + 1}/${weeks} weeks`);
  }
  return {
    url: host.entry,
    pid: host.workerdPid,
    db: () =>
      d1File(
        join(
          dir,
          readdirSync(dir)
            .filter((d) => d.startsWith("host-"))
            .at(-1) ?? "",
          "persist",
        ),
      ),
    nextWeekTime: times.at(-1) + WEEK_MS,
    seedSeconds: +((performance.now() - started) / 1000).toFixed(1),
    stop: () => stopGroup(host),
  };
}

/**
 * The big archive bench/lib/ten-years.mjs seeded (`--ten-year-state <its state folder>`), copied
 * so that adding a week leaves it as it was, brought to the current schema (the migrations added
 * since it was seeded, found by the first table or index each creates), and indexed for search
 * through the admin API, as a deploy does.
 */
async function bigArchiveWorker(bundleDir, seeded) {
  const stateDir = join(dir, "big-state");
  cpSync(seeded, stateDir, { recursive: true });
  const db = d1File(join(stateDir, "persist"));
  if (!db) throw new Error(`no D1 database under ${seeded}`);
  const { DatabaseSync } = await import("node:sqlite");
  const sqlite = new DatabaseSync(db);
  // The migrations after the last one the state was seeded with (`--seeded-through`, a file name prefix).
  for (const file of readdirSync("migrations").sort()) {
    if (file.slice(0, 4) <= values["seeded-through"]) continue;
    log(`  applying ${file} to the copy`);
    sqlite.exec(readFileSync(join("migrations", file), "utf8"));
  }
  sqlite.close();
  const admin = "scale-admin-token";
  const spec = {
    kind: "product",
    bundleDir,
    stateDir,
    migrate: false,
    vars: { DATA_SOURCE: "demo", ADMIN_TOKEN: admin },
  };
  const host = await startGroup(process.execPath, ["bench/lib/worker-host-main.mjs", JSON.stringify(spec)], {
    name: "worker host (big archive)",
    ready: (line) => (line.startsWith('{"workerHost"') ? JSON.parse(line).workerHost : undefined),
  });
  const url = host.value.entry;
  /** The search index's backfill through the admin API, as a deploy runs it, within `minutes`. */
  const indexForSearch = async (minutes) => {
    const started = performance.now();
    for (let step = 1; ; step++) {
      const response = await fetch(`${url}/api/admin/search-index`, {
        method: "POST",
        headers: { Authorization: `Bearer ${admin}` },
      });
      if (!response.ok) throw new Error(`search backfill: HTTP ${response.status} ${await response.text()}`);
      const seconds = +((performance.now() - started) / 1000).toFixed(1);
      if ((await response.json()).pending.length === 0) return { steps: step, seconds, complete: true };
      if (step % 50 === 0) log(`  search index: ${step} steps, ${seconds} s`);
      if (seconds > minutes * 60) return { steps: step, seconds, complete: false };
    }
  };
  const status = await (await fetch(`${url}/api/status`)).json();
  const newest = status.regions
    .map((r) => r.latestWeek)
    .filter(Boolean)
    .sort()
    .at(-1);
  return {
    url,
    pid: childNamed(host.pid, "workerd"),
    db: () => db,
    // Monday 00:17 after the week following the newest: the job stores that week.
    nextWeekTime: weekStart(nextWeek(nextWeek(newest))) + 17 * 60_000,
    seedSeconds: null,
    beforeSearch: () => indexForSearch(Number(values["search-minutes"])),
    stop: () => stopGroup(host),
  };
}

async function build(url, { out, cacheDir }) {
  const at = {};
  const { code, output, tail } = await runGroup(
    "/usr/bin/time",
    // As `npm start` and the deploy build (scripts/lib/site-build.mjs): the heap cap, no page log.
    [
      "-v",
      process.execPath,
      `--max-old-space-size=${BUILD_HEAP_MB}`,
      "node_modules/astro/bin/astro.mjs",
      "build",
      "--root",
      "site",
      "--outDir",
      out,
      "--silent",
    ],
    {
      name: "site build",
      env: {
        ARCHIVE_URL: url,
        SITE_ORIGIN: "https://sounds.example",
        ASTRO_TELEMETRY_DISABLED: "1",
        ASTRO_CACHE_DIR: cacheDir,
        NO_COLOR: "1",
      },
      limitMs: 1_800_000,
      onLine: (line) => {
        const read = /\[archive\] \w+ data: \d+ regions, (\d+) charts \((\d+) read/.exec(line);
        if (read) {
          at.charts = Number(read[1]);
          at.chartsRead = Number(read[2]);
        }
      },
    },
  );
  if (code !== 0) throw new Error(`the site build failed (exit ${code}):\n${tail(40)}`);
  return { ...timeReport(output), charts: at.charts, chartsRead: at.chartsRead };
}

const queriesOf = (response) => Number(/queries=(\d+)/.exec(response.headers.get("Server-Timing") ?? "")?.[1]);

/** One year-end URL, 10 times in a row: D1 queries, bytes, and the median wall time. */
async function yearEndpoint(url) {
  const times = [];
  let first;
  for (let i = 0; i < 10; i++) {
    const started = performance.now();
    // A query string the colo cache has not seen: every request does its D1 work.
    const response = await fetch(`${url}?run=${i}`);
    const body = await response.arrayBuffer();
    times.push(performance.now() - started);
    first ??= { status: response.status, queries: queriesOf(response), bytes: body.byteLength };
  }
  times.sort((a, b) => a - b);
  return { ...first, p50Ms: +times[5].toFixed(1), maxMs: +times[9].toFixed(1) };
}

async function measure(label, worker) {
  const load = loadavg()[0];
  log(`• ${label}: full build…`);
  // One cache and one output folder for both builds, as `npm start` and the deploy keep theirs:
  // the incremental build writes into the full build's output.
  const cacheDir = join(dir, `${label}-cache`);
  const out = join(dir, `${label}-out`);
  const full = await build(worker.url, { out, cacheDir });
  log(`  full: ${full.wallSeconds} s, ${full.peakRssMiB} MiB, ${full.charts} charts`);
  const run = await scheduled(worker.url, worker.nextWeekTime);
  log(`• ${label}: one more week (${run.status}, ${run.seconds.toFixed(1)} s); incremental build…`);
  const before = fileStates(out);
  const incremental = await build(worker.url, { out, cacheDir });
  const changes = writtenFiles(before, out);
  log(
    `  incremental: ${incremental.wallSeconds} s, ${incremental.peakRssMiB} MiB, ${incremental.chartsRead} charts read`,
  );
  log(`  the week wrote ${changes.written} files (${changes.added} new), removed ${changes.removed}`);
  const year = Number(new Date(worker.nextWeekTime).getUTCFullYear());
  const years = {
    regionCurrent: await yearEndpoint(`${worker.url}/api/charts/DE/year/${year}`),
    globalCurrent: await yearEndpoint(`${worker.url}/api/global/year/${year}`),
  };
  const yearPages = readdirSync(join(out, "charts", "DE", "year")).length;
  log(`  year API: ${JSON.stringify(years)}`);
  const searchIndex = worker.beforeSearch ? await worker.beforeSearch() : null;
  if (searchIndex) log(`  search index backfill: ${JSON.stringify(searchIndex)}`);
  // JSON only: these Workers run without the site's assets, so there is no shell for the page form.
  const search = await benchSearch({ url: worker.url, pid: worker.pid, db: worker.db(), forms: ["json"] });
  const db = worker.db();
  return {
    loadAtStart: +load.toFixed(2),
    full,
    oneWeek: { job: { status: run.status, seconds: +run.seconds.toFixed(1) }, incremental, files: changes },
    yearPagesPerRegion: yearPages,
    yearApi: years,
    search: { ...search, backfill: searchIndex, index: db ? await indexSize(db) : null },
  };
}

// Sizes measured before (another run of this script) are kept beside the ones measured now.
const results = {
  date: new Date().toISOString(),
  sizes: existsSync(values.out) ? JSON.parse(readFileSync(values.out, "utf8")).sizes : {},
};
try {
  const bundleDir = await bundleWorker(join(dir, "bundle"));
  mkdirSync(join(dir, "out"), { recursive: true });
  for (const size of values.sizes.split(",").filter(Boolean)) {
    const worker = await seededWorker(bundleDir, Number(size));
    try {
      results.sizes[size] = { seedSeconds: worker.seedSeconds, ...(await measure(`${size}`, worker)) };
    } finally {
      await worker.stop();
    }
    writeFileSync(values.out, `${JSON.stringify(results, null, 2)}\n`);
  }
  if (values["ten-year-state"]) {
    const worker = await bigArchiveWorker(bundleDir, values["ten-year-state"]);
    try {
      const measured = await measure("big", worker);
      results.sizes.big = measured;
    } finally {
      await worker.stop();
    }
    writeFileSync(values.out, `${JSON.stringify(results, null, 2)}\n`);
  }
  log(`written: ${values.out}`);
} finally {
  await cleanUp();
}
