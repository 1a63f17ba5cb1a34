// `npm run bench -- --only archive10y` (issue 18, "the archive at ten years"): not in the default
// run, it takes minutes (the first time ≈ 40–60 minutes of seeding on a busy 2-core machine;
// later runs reuse bench/.cache/). run.mjs loads it through bench/lib/optional-sections.mjs.
// Measures:
// - seeding: the snapshot job against the import path at 4 weeks (charts/s, each on a fresh
//   state), then the archive itself (seeded by the job, or found in the cache);
// - the D1 database's size, per year of archive, and how many years fit in D1's 10 GB;
// - `/api/export` and the admin dump paged to their ends: requests, bytes, D1 queries per request
//   (the Worker's Server-Timing), seconds, each request's time and D1 rows read (when the Worker
//   reports `rows_read`) (the dump is kept as the cache's archive.jsonl);
// - every stored derived field against deriveHistory run over the dump's ranks (verify-derivation.mjs).
// Writes bench/results/archive10y.json after each stage (and returns the figures for latest.json).
// ARCHIVE10Y_YEARS (default 10) or ARCHIVE10Y_WEEKS (a small archive, to try it out) pick the size.
// ARCHIVE10Y_SEED_MINUTES=n stops seeding cleanly after n minutes (0: measure what the cache has;
// so does `touch <cache>/STOP` during a run): the rest is measured on the weeks seeded so far
// (resumed next time), and the full size's figures are scaled from them, said so.
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { seedHistory } from "../../scripts/lib/seed.mjs";
import { bundleWorker, startWorkerHost } from "../lib/hosts.mjs";
import { importSeed } from "../lib/import-seed.mjs";
import { stopGroup } from "../lib/procs.mjs";
import { d1FileOf, d1Size, dumpToFile, pageThrough, seedTenYears, startTenYearWorker } from "../lib/ten-years.mjs";
import { verifyDerivation } from "../lib/verify-derivation.mjs";

/** D1's maximum database size on Workers Paid (developers.cloudflare.com/d1/platform/limits); counted as 10⁹ bytes a GB. */
const D1_MAX_BYTES = 10e9;
const WEEKS_PER_YEAR = 52.18;
const COMPARE_WEEKS = 4;
const RESULTS = "bench/results/archive10y.json";

export { archive10yGoals } from "../lib/goals-archive10y.mjs";
export { renderArchive10y as archive10yMarkdown } from "../readme-archive10y.mjs";

/** run.mjs's call: `ctx` (its bundle and fake upstream) is not needed, this section starts its own. */
export async function archive10y(_ctx, { log = console.log } = {}) {
  const weeks = Number(process.env.ARCHIVE10Y_WEEKS) || undefined;
  const years = Number(process.env.ARCHIVE10Y_YEARS) || 10;
  const minutes = process.env.ARCHIVE10Y_SEED_MINUTES;
  const stopAt = minutes ? Date.now() + Number(minutes) * 60_000 : Number.POSITIVE_INFINITY;
  log(`  seeding methods at ${COMPARE_WEEKS} weeks × 71 regions, each on a fresh state`);
  const seedingMethods = await compareSeeding(log);
  const seed = await seedTenYears({ years, weeks, log: (line) => log(`  ${line}`), stopAt });
  log(
    `  archive: ${seed.weeksSeeded} of ${seed.weeks} weeks (${seed.charts} charts)${seed.reused ? ", from the cache" : ""}`,
  );
  const results = {
    date: new Date().toISOString(),
    years,
    weeks: seed.weeks,
    weeksSeeded: seed.weeksSeeded,
    complete: seed.complete,
    charts: seed.charts,
    seed: {
      method: "snapshot job (demo source), one run per past week",
      reused: seed.reused,
      seconds: seed.seedSecondsTotal,
      chartsPerSecond: seed.chartsPerSecond,
      firstWeek: seed.firstWeek,
      lastWeek: seed.lastWeek,
    },
    seedingMethods,
  };
  // Written after every stage: the figures so far survive a run stopped part-way.
  const save = () => writeFileSync(RESULTS, `${JSON.stringify(results, null, 2)}\n`);
  log("  measuring the D1 file");
  results.d1 = d1Figures(await d1Size(seed.d1File), seed);
  save();
  const worker = await startTenYearWorker({ years, weeks });
  try {
    const { regions } = await (await fetch(`${worker.url}/api/regions`)).json();
    results.chartsStored = regions.reduce((sum, r) => sum + r.weeks, 0);
    // A region the job failed to store would show here (measured anyway, and said).
    if (results.chartsStored !== seed.charts) log(`  ! the archive holds ${results.chartsStored} charts`);
    const progress = (what) => (n) => n % 500 === 0 && log(`    ${what}: ${n} requests`);
    log("  paging through /api/export");
    results.export = await pageThrough(`${worker.url}/api/export`, {}, null, progress("export"));
    save();
    log("  paging through the admin dump (kept as the cache's archive.jsonl)");
    results.dump = await dumpToFile(worker, { years, weeks, progress: progress("dump") });
    save();
  } finally {
    await worker.stop();
  }
  if (!seed.complete) results.projected = projection(results, seed);
  save();
  log("  deriving every region's history again from the dump's ranks (deriveHistory) and comparing");
  results.derivation = await verifyDerivation(join(seed.cacheDir, "archive.jsonl"));
  if (results.derivation.mismatches > 0)
    log(`  ! ${results.derivation.mismatches} entries differ: ${JSON.stringify(results.derivation.examples)}`);
  save();
  log(`  results in ${RESULTS}`);
  return results;
}

/**
 * The full archive's figures scaled linearly from a partial one: the paging's requests, bytes and
 * seconds and the database grow with the charts (a page's queries do not: they are measured).
 */
function projection(results, seed) {
  const scale = seed.weeks / seed.weeksSeeded;
  const scaled = (p) =>
    p && {
      requests: Math.round(p.requests * scale),
      megabytes: Math.round(p.megabytes * scale),
      seconds: Math.round(p.seconds * scale),
    };
  return {
    weeks: seed.weeks,
    charts: seed.weeks * 71,
    export: scaled(results.export),
    dump: scaled(results.dump),
    d1Bytes: Math.round(results.d1.bytes * scale),
  };
}

function d1Figures(d1, seed) {
  const bytesPerYear = Math.round(d1.bytes / (seed.weeksSeeded / WEEKS_PER_YEAR));
  return {
    ...d1,
    bytesPerChart: Math.round(d1.bytes / seed.charts),
    bytesPerYear,
    yearsIn10GB: +(D1_MAX_BYTES / bytesPerYear).toFixed(1),
    extrapolated: !seed.complete,
  };
}

/**
 * The two honest ways to fill an archive, each on a fresh state at COMPARE_WEEKS weeks: the
 * snapshot job once per week, and the admin import of the demo source's charts (20 a request) with
 * its derive follow-up. Rates, and what each leaves in D1 (the import publishes nothing).
 */
async function compareSeeding(log) {
  const dir = mkdtempSync(join(tmpdir(), "archive10y-compare-"));
  const now = Date.now();
  try {
    const bundleDir = await bundleWorker(dir);
    const methods = {};
    for (const method of ["job", "import"]) {
      const before = new Set(readdirSync(dir));
      const host = await startWorkerHost(
        { kind: "product", bundleDir, vars: { DATA_SOURCE: "demo", ADMIN_TOKEN: "compare" } },
        dir,
      );
      let seconds;
      try {
        const started = performance.now();
        if (method === "job") await seedHistory(host.entry, { weeks: COMPARE_WEEKS, now, log: () => {} });
        else await importSeed(host.entry, "compare", { weeks: COMPARE_WEEKS, now });
        seconds = (performance.now() - started) / 1000;
      } finally {
        await stopGroup(host);
      }
      // startWorkerHost's state folder: the one it made in `dir`.
      const state = readdirSync(dir).find((name) => name.startsWith("host-") && !before.has(name));
      const d1 = await d1Size(d1FileOf(join(dir, state, "persist")));
      const charts = d1.rows.snapshots;
      methods[method] = {
        charts,
        seconds: +seconds.toFixed(1),
        chartsPerSecond: +(charts / seconds).toFixed(1),
        d1Bytes: d1.bytes,
        publishedItems: d1.rows.published_items,
        publishedGlobal: d1.rows.published_global,
      };
      log(`    ${method}: ${charts} charts in ${methods[method].seconds} s (${methods[method].chartsPerSecond}/s)`);
    }
    return { weeks: COMPARE_WEEKS, ...methods };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
