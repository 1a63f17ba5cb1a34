// The archive at ten years (issue 18): a local Worker state (Miniflare's persisted D1, KV and
// Durable Objects) holding 10 years × 52 weeks × 71 regions of demo-source charts, stored by the
// real snapshot job, seeded once and reused by every benchmark that needs a big archive.
//
//   import { seedTenYears, startTenYearWorker, tenYearArchiveFile } from "./bench/lib/ten-years.mjs";
//   const seeded = await seedTenYears({ years: 10 });        // minutes the first time, ~0 s after
//   const worker = await startTenYearWorker({ years: 10 });  // { url, direct, adminToken, stop() }
//   // e.g. ARCHIVE_URL=${worker.url} npm run build -- --outDir <dir>; then await worker.stop()
//   const file = await tenYearArchiveFile({ years: 10 });    // the `npm run export` JSON lines
//
// How it seeds: the Worker bundle (as `wrangler deploy` uploads it) under workerd with
// DATA_SOURCE=demo runs its own `scheduled` once per past week, oldest first, each with that
// week's scheduled time (scripts/lib/seed.mjs, what `npm start` does) — so every chart, derived
// field, published item, global ranking and job record is what the product would have stored.
// The faster-looking import path (admin restore + derive) was measured too and is not used: a
// restore never publishes (it only takes the log from its lines), so its archive has no feeds'
// log and a smaller database (bench/sections/archive10y.mjs says by how much at small size).
//
// The state lives in bench/.cache/archive-<years>y/<key>/ (gitignored), keyed by a hash of the
// migrations and the demo source, and ends at a fixed week recorded in plan.json (not "now"), so
// a later run finds the same archive. Seeding resumes where it stopped (the job skips stored
// weeks); `stopAt` (epoch ms) ends it cleanly between weeks, leaving a partial archive of the
// oldest weeks that `complete: false` marks. Other Worker code changes do not invalidate the
// cache: pass `reseed: true` (or delete the folder) when derivation changes.
import { createHash } from "node:crypto";
import { once } from "node:events";
import {
  copyFileSync,
  createWriteStream,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { seedHistory, seedTimes } from "../../scripts/lib/seed.mjs";
import { isoWeekOf, previousWeek } from "../../worker/charts/iso-week.ts";
import { bundleWorker } from "./hosts.mjs";
import { startGroup } from "./procs.mjs";
import { requestCost } from "./stats.mjs";

const HOUR = 3_600_000;
const REGIONS = 71;
const ADMIN_TOKEN = "ten-years-admin-token";
/** What the stored charts depend on besides the Worker's code: the schema and the demo catalogue. */
const KEY_INPUTS = [
  "migrations",
  "worker/upstream/demo.ts",
  "worker/upstream/demo-catalog.ts",
  "worker/upstream/demo-words.ts",
];
/**
 * The schema a seeded archive is keyed by: the migrations up to this one. Later migrations are
 * expand-only (docs/operations.md) and are applied to a seeded state when its Worker starts, as
 * production applies them to its archive: adding one does not cost a new ten-year seeding.
 */
const SEEDED_SCHEMA = "0008";

/** A migration's statements without its comments: rewording a comment makes no new archive. */
const withoutComments = (sql) => sql.replace(/--[^\n]*/g, "").replace(/\s+/g, " ");

/** A hash of the migrations and the demo source: a change to either makes a new archive. */
export function archiveKey() {
  const hash = createHash("sha256");
  for (const input of KEY_INPUTS) {
    const files = statSync(input).isDirectory()
      ? readdirSync(input)
          .filter((f) => f.endsWith(".sql") && f.slice(0, 4) <= SEEDED_SCHEMA)
          .sort()
          .map((f) => join(input, f))
      : [input];
    for (const file of files) {
      const text = readFileSync(file, "utf8");
      hash.update(file).update(file.endsWith(".sql") ? withoutComments(text) : text);
    }
  }
  return hash.digest("hex").slice(0, 12);
}

const sizeName = ({ years, weeks }) => (weeks ? `${weeks}w` : `${years}y`);

/** Where the archive of that size lives (whether seeded or not). */
export function tenYearCacheDir({ years = 10, weeks } = {}) {
  return resolve("bench", ".cache", `archive-${sizeName({ years, weeks })}`, archiveKey());
}

/** Monday 01:00 UTC of the current ISO week: every seeded week has ended by then. */
function thisMonday(now) {
  const d = new Date(now);
  return Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate() - ((d.getUTCDay() + 6) % 7)) + HOUR;
}

const readJson = (file) => (existsSync(file) ? JSON.parse(readFileSync(file, "utf8")) : null);

/**
 * Seeds (or finds) the archive. Options: years (default 10) or weeks, log, stopAt (epoch ms),
 * reseed. Returns { cacheDir, stateDir, persistTo, d1File, weeks, weeksSeeded, charts, seconds,
 * seedSecondsTotal, chartsPerSecond, complete, reused, firstWeek, lastWeek (the weeks seeded so far) };
 * `seconds` is this call's seeding time, `seedSecondsTotal` every call's.
 */
export async function seedTenYears({ years = 10, weeks, log = console.log, stopAt = Infinity, reseed = false } = {}) {
  const total = weeks ?? years * 52;
  const cacheDir = tenYearCacheDir({ years, weeks });
  if (reseed) rmSync(cacheDir, { recursive: true, force: true });
  mkdirSync(cacheDir, { recursive: true });
  const planFile = join(cacheDir, "plan.json");
  const plan = readJson(planFile) ?? { weeks: total, endMs: thisMonday(Date.now()), weeksSeeded: 0, seconds: 0 };
  writeFileSync(planFile, `${JSON.stringify(plan, null, 2)}\n`);
  const reused = plan.weeksSeeded === total;
  const started = performance.now();
  // `touch <cacheDir>/STOP` ends a running seeding cleanly after its current week, like stopAt.
  const stopFile = join(cacheDir, "STOP");
  rmSync(stopFile, { force: true });
  const goOn = () => Date.now() < stopAt && !existsSync(stopFile);
  if (!reused && goOn()) {
    const worker = await startTenYearWorker({ years, weeks, log });
    const [fromWeek, fromSeconds] = [plan.weeksSeeded, plan.seconds];
    const elapsed = () => (performance.now() - started) / 1000;
    try {
      const times = seedTimes(plan.endMs, total);
      log(`seeding weeks ${fromWeek + 1}–${total} of ${total} × ${REGIONS} regions through the snapshot job…`);
      for (let i = fromWeek; i < total && goOn(); i++) {
        // One week per call: the job's own run at that week's scheduled time.
        await seedHistory(worker.url, {
          weeks: 1,
          now: times[i],
          log: (line) => !/ 0 failed/.test(line) && log(line),
        });
        Object.assign(plan, { weeksSeeded: i + 1, seconds: +(fromSeconds + elapsed()).toFixed(1) });
        writeFileSync(planFile, `${JSON.stringify(plan, null, 2)}\n`);
        if ((i + 1) % 13 === 0 || i + 1 === total)
          log(`  ${i + 1}/${total} weeks, ${(((i + 1 - fromWeek) * REGIONS) / elapsed()).toFixed(1)} charts/s`);
      }
    } finally {
      await worker.stop();
    }
  }
  const seconds = +((performance.now() - started) / 1000).toFixed(1);
  const times = seedTimes(plan.endMs, total);
  // The week a run stores: the one that ended before its scheduled time.
  const weekOf = (time) => previousWeek(isoWeekOf(time));
  return {
    cacheDir,
    stateDir: join(cacheDir, "state"),
    persistTo: join(cacheDir, "state", "persist"),
    d1File: d1FileOf(join(cacheDir, "state", "persist")),
    weeks: total,
    weeksSeeded: plan.weeksSeeded,
    charts: plan.weeksSeeded * REGIONS,
    seconds,
    seedSecondsTotal: plan.seconds,
    chartsPerSecond: plan.seconds > 0 ? +((plan.weeksSeeded * REGIONS) / plan.seconds).toFixed(1) : null,
    complete: plan.weeksSeeded === total,
    reused,
    firstWeek: weekOf(times[0]),
    lastWeek: weekOf(times[Math.max(0, plan.weeksSeeded - 1)]),
  };
}

/** The D1 database's SQLite file under a Miniflare persistence folder (named by a hash), or null. */
export function d1FileOf(persistTo) {
  const dir = join(persistTo, "d1", "miniflare-D1DatabaseObject");
  const file = existsSync(dir) ? readdirSync(dir).find((f) => f.endsWith(".sqlite")) : undefined;
  return file ? join(dir, file) : null;
}

/**
 * The product Worker on the seeded state (bundle built from the current code, demo source, admin
 * token set): { url (Miniflare's entry, with /cdn-cgi/local/scheduled), direct, adminToken, stop }.
 * Seed first (seedTenYears); this only starts. Writes made through it stay in the cache.
 */
export async function startTenYearWorker({ years = 10, weeks, vars = {}, log = () => {} } = {}) {
  const cacheDir = tenYearCacheDir({ years, weeks });
  // The bundle is made from the current code each time, outside the cache.
  const runDir = mkdtempSync(join(tmpdir(), "ten-years-bundle-"));
  const bundleDir = await bundleWorker(runDir);
  const stateDir = join(cacheDir, "state");
  mkdirSync(stateDir, { recursive: true });
  const spec = {
    kind: "product",
    bundleDir,
    stateDir,
    // The migrations not yet applied to the state (all of them on a fresh one; the cache key
    // covers those up to SEEDED_SCHEMA, the later ones are expand-only).
    migrate: true,
    vars: { DATA_SOURCE: "demo", ADMIN_TOKEN, ...vars },
  };
  const handle = await startGroup(process.execPath, ["bench/lib/worker-host-main.mjs", JSON.stringify(spec)], {
    name: "worker host (ten years)",
    ready: (line) => (line.startsWith('{"workerHost"') ? JSON.parse(line).workerHost : undefined),
  });
  log(`worker on ${handle.value.entry} (state ${stateDir})`);
  const stop = async () => {
    await handle.stop();
    rmSync(runDir, { recursive: true, force: true });
  };
  return { url: handle.value.entry, direct: handle.value.direct, adminToken: ADMIN_TOKEN, stop, handle };
}

/**
 * The seeded archive as `npm run export` writes it (JSON lines: the published logs, the gaps, every
 * chart), made once through the admin dump and kept beside the state. Returns its path.
 */
export async function tenYearArchiveFile({ years = 10, weeks, log = console.log } = {}) {
  const cacheDir = tenYearCacheDir({ years, weeks });
  const file = join(cacheDir, "archive.jsonl");
  const plan = readJson(join(cacheDir, "plan.json"));
  if (existsSync(file) && readJson(join(cacheDir, "archive.json"))?.weeksSeeded === plan?.weeksSeeded) return file;
  const worker = await startTenYearWorker({ years, weeks });
  try {
    log(`writing ${file}…`);
    await dumpToFile(worker, { years, weeks });
  } finally {
    await worker.stop();
  }
  return file;
}

/** Pages through the admin dump of a running ten-year Worker into the cached archive.jsonl (pageThrough's figures). */
export async function dumpToFile(worker, { years = 10, weeks, progress } = {}) {
  const cacheDir = tenYearCacheDir({ years, weeks });
  const plan = readJson(join(cacheDir, "plan.json"));
  const auth = { Authorization: `Bearer ${worker.adminToken}` };
  const figures = await pageThrough(`${worker.url}/api/admin/archive`, auth, join(cacheDir, "archive.jsonl"), progress);
  writeFileSync(join(cacheDir, "archive.json"), `${JSON.stringify({ weeksSeeded: plan?.weeksSeeded })}\n`);
  return figures;
}

const d1Figure = (response, name) =>
  Number(new RegExp(`${name}=(\\d+)`).exec(response.headers.get("Server-Timing") ?? "")?.[1] ?? Number.NaN);

/**
 * Follows a paged JSON-lines response to its end (the `X-Next-Cursor` header), optionally writing
 * the body to `file`: requests, lines, bytes (total and the largest page), the most and total D1
 * queries per request (the Worker's `Server-Timing: d1;desc="queries=N"`), seconds, and per request
 * (requestCost): its time to the last byte and the D1 rows it read (`rows_read=N` in the same
 * entry, when the Worker reports it).
 */
export async function pageThrough(first, headers = {}, file = null, progress = () => {}) {
  const out = file ? createWriteStream(file) : null;
  const started = performance.now();
  const queries = [];
  const perRequest = [];
  let url = first;
  let bytes = 0;
  let maxBytes = 0;
  let lines = 0;
  while (url) {
    const sent = performance.now();
    const response = await fetch(url, { headers });
    if (!response.ok) throw new Error(`${url}: HTTP ${response.status} ${await response.text()}`);
    const body = new Uint8Array(await response.arrayBuffer());
    const ms = performance.now() - sent;
    bytes += body.byteLength;
    maxBytes = Math.max(maxBytes, body.byteLength);
    let pageLines = 0;
    for (let at = body.indexOf(10); at !== -1; at = body.indexOf(10, at + 1)) pageLines++;
    lines += pageLines;
    if (out && !out.write(body)) await once(out, "drain");
    queries.push(d1Figure(response, "queries"));
    perRequest.push({ ms, lines: pageLines, rowsRead: d1Figure(response, "rows_read") });
    const next = response.headers.get("X-Next-Cursor");
    url = next ? `${first.split("?")[0]}?cursor=${encodeURIComponent(next)}` : null;
    progress(queries.length);
  }
  if (out) await new Promise((resolve, reject) => out.end((error) => (error ? reject(error) : resolve())));
  return {
    requests: queries.length,
    lines,
    megabytes: +(bytes / 1e6).toFixed(1),
    kilobytesPerRequest: +(bytes / queries.length / 1e3).toFixed(1),
    maxKilobytesPerRequest: +(maxBytes / 1e3).toFixed(1),
    maxQueriesPerRequest: Math.max(...queries),
    totalQueries: queries.reduce((a, b) => a + b, 0),
    seconds: +((performance.now() - started) / 1000).toFixed(1),
    ...requestCost(perRequest),
  };
}

/**
 * The D1 database's size as SQLite counts it (what D1 bills against its 10 GB cap): a copy of the
 * file and its write-ahead log, checkpointed, then `page_count × page_size`, free pages, and the
 * bytes of each table with its indexes (SQLite's dbstat). Run with the Worker stopped or idle.
 */
export async function d1Size(file) {
  const { DatabaseSync } = await import("node:sqlite");
  const copy = mkdtempSync(join(tmpdir(), "ten-years-d1-"));
  try {
    for (const suffix of ["", "-wal"])
      if (existsSync(file + suffix)) copyFileSync(file + suffix, join(copy, `db.sqlite${suffix}`));
    const db = new DatabaseSync(join(copy, "db.sqlite"));
    db.exec("PRAGMA wal_checkpoint(TRUNCATE)");
    const pragma = (name) => Object.values(db.prepare(`PRAGMA ${name}`).get())[0];
    const pageSize = pragma("page_size");
    const tables = {};
    const owners = new Map(
      db
        .prepare("SELECT name, tbl_name FROM sqlite_master WHERE type IN ('table', 'index')")
        .all()
        .map((r) => [r.name, r.tbl_name]),
    );
    for (const { name, bytes } of db.prepare("SELECT name, SUM(pgsize) AS bytes FROM dbstat GROUP BY name").all()) {
      const table = owners.get(name) ?? name;
      tables[table] = (tables[table] ?? 0) + bytes;
    }
    const result = {
      bytes: pragma("page_count") * pageSize,
      pageSize,
      freeBytes: pragma("freelist_count") * pageSize,
      tables: Object.fromEntries(Object.entries(tables).sort((a, b) => b[1] - a[1])),
      rows: Object.fromEntries(
        ["snapshots", "chart_entries", "published_items", "published_global", "global_ranks"].map((t) => [
          t,
          db.prepare(`SELECT COUNT(*) AS n FROM ${t}`).get().n,
        ]),
      ),
    };
    db.close();
    return result;
  } finally {
    rmSync(copy, { recursive: true, force: true });
  }
}
