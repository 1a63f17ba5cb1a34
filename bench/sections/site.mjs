// The site at full scale: 52 weeks × 71 regions archived through the real snapshot job (the fake
// upstream answering each week's chart as the demo source would have, so every page request is
// counted), then the whole site build reading it from the running Worker, then the archive API
// under the same load generator.
import { readFileSync, readdirSync, statSync } from "node:fs";
import { join, relative } from "node:path";
import { brotliCompressSync, gzipSync } from "node:zlib";
import { seedTimes } from "../../scripts/lib/seed.mjs";
import { startWorkerHost } from "../lib/hosts.mjs";
import { fakeScenario, request } from "../lib/http.mjs";
import { runGroup, stopGroup } from "../lib/procs.mjs";
import { wrk } from "../lib/wrk.mjs";
import { proxyVars, scheduled } from "./credits.mjs";

/** Workers Paid: 100,000 static asset files per version (developers.cloudflare.com/workers/static-assets). */
const PAID_PLAN_FILES = 100_000;
const WEEKS_PER_YEAR = 52.18;
const WEEK_MS = 7 * 24 * 3_600_000;
const WEEK_IN_PATH = /\d{4}-W\d{2}/;
const CHART_PAGE = /^charts\/[A-Z]{2}\/\d{4}-W\d{2}\/index\.html$/;

/**
 * Starts a Worker on the fake upstream and archives `weeks` weeks through the snapshot job. The
 * bench runs it as a section of its own: nothing is timed beside it.
 */
export async function archiveAtScale(ctx, { weeks, log }) {
  const scenario = fakeScenario(ctx.fakeUrl, `archive-${ctx.runId}`);
  const host = await startWorkerHost(
    { kind: "product", bundleDir: ctx.bundleDir, vars: proxyVars(scenario.url) },
    ctx.dir,
  );
  try {
    return { host, scenario, seed: await seedArchive(host, scenario, weeks, log) };
  } catch (error) {
    await stopGroup(host);
    throw error;
  }
}

/**
 * The site build and the archive API, measured alone, on the archive archiveAtScale made: a full
 * build (a fresh Astro cache), then one more week archived and an incremental build from that
 * cache, with the files it changed.
 */
export async function site(ctx, archive, { seconds, log, tools }) {
  const { host, scenario, seed } = archive;
  try {
    const cacheDir = join(ctx.dir, "astro-cache");
    const full = join(ctx.dir, "site-dist");
    const build = await buildSite(host, scenario, { log, timed: tools.time, out: full, cacheDir });
    const weekLater = seed.lastTime + WEEK_MS;
    await scenario.script([{ asOf: weekLater }]);
    const run = await scheduled(host.entry, weekLater);
    log?.(`  one more week archived (${run.status}); building incrementally from the full build's cache…`);
    const next = join(ctx.dir, "site-dist-next");
    const incremental = await buildSite(host, scenario, { log, timed: tools.time, out: next, cacheDir });
    const changes = changedFiles(full, next);
    log?.(`  one new week: ${changes.changed} files changed, ${changes.added} added, ${changes.removed} removed`);
    const api = await archiveApi(host, { seconds, log, load: tools.wrk });
    return { seed, build, incremental: { ...incremental, afterOneWeek: changes }, api };
  } finally {
    await stopGroup(host);
  }
}

async function seedArchive(host, scenario, weeks, log) {
  const started = performance.now();
  const failed = [];
  for (const [i, time] of seedTimes(Date.now(), weeks).entries()) {
    // The fake answers as the demo source would have for that week: realistic week-to-week churn.
    await scenario.script([{ asOf: time }]);
    const run = await scheduled(host.entry, time);
    if (run.status !== 200) failed.push(new Date(time).toISOString());
    if ((i + 1) % 10 === 0 || i + 1 === weeks)
      log?.(`  [archive] ${i + 1}/${weeks} weeks (${((performance.now() - started) / 1000).toFixed(0)} s)`);
  }
  const regions = JSON.parse((await request(`${host.direct}/api/regions`)).body.toString("utf8")).regions;
  const charts = regions.reduce((sum, r) => sum + r.weeks, 0);
  return {
    weeks,
    lastTime: seedTimes(Date.now(), weeks).at(-1),
    regions: regions.length,
    charts,
    failedRuns: failed,
    upstreamRequests: await scenario.count(),
    seconds: +((performance.now() - started) / 1000).toFixed(1),
  };
}

function walk(dir) {
  const files = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) files.push(...walk(path));
    else files.push(path);
  }
  return files;
}

/** Every file under `dir` with its size and modification time: what a kept output folder was before a build. */
export function fileStates(dir) {
  return new Map(
    walk(dir).map((path) => {
      const { size, mtimeMs } = statSync(path);
      return [relative(dir, path), `${size}:${mtimeMs}`];
    }),
  );
}

/**
 * What a build into a kept output folder did to it, against `before` (fileStates): files it wrote
 * (new or rewritten: their time moved), of which `added` are new, and files it removed.
 */
export function writtenFiles(before, dir) {
  const after = fileStates(dir);
  let written = 0;
  let added = 0;
  for (const [path, state] of after) {
    if (!before.has(path)) added++;
    if (before.get(path) !== state) written++;
  }
  const removed = [...before.keys()].filter((path) => !after.has(path)).length;
  return { written, added, removed, unchanged: after.size - written };
}

/** How the files of one build differ from another's, by bytes. */
export function changedFiles(beforeDir, afterDir) {
  const read = (dir) => new Map(walk(dir).map((path) => [relative(dir, path), path]));
  const before = read(beforeDir);
  const after = read(afterDir);
  let changed = 0;
  let added = 0;
  for (const [path, file] of after) {
    const old = before.get(path);
    if (!old) added++;
    else if (!readFileSync(old).equals(readFileSync(file))) changed++;
  }
  const removed = [...before.keys()].filter((path) => !after.has(path)).length;
  return { changed, added, removed, unchanged: after.size - changed - added };
}

/** `/usr/bin/time -v` lines → wall seconds and the peak RSS of the largest process of the build. */
export function timeReport(output) {
  const text = output.join("\n");
  const wall = /Elapsed \(wall clock\) time \(h:mm:ss or m:ss\): (\S+)/.exec(text)?.[1] ?? "0";
  const seconds = wall
    .split(":")
    .map(Number)
    .reduce((total, part) => total * 60 + part, 0);
  const rssKb = Number(/Maximum resident set size \(kbytes\): (\d+)/.exec(text)?.[1] ?? 0);
  return { wallSeconds: +seconds.toFixed(1), peakRssMiB: Math.round(rssKb / 1024) };
}

async function buildSite(host, scenario, { log, timed, out, cacheDir }) {
  const before = await scenario.count();
  log?.("  building the site from the Worker's archive API…");
  const build = ["npm", "run", "build", "--", "--outDir", out];
  const started = performance.now();
  const at = {};
  const stamp = (line) => {
    if (line.includes("[archive] reading")) at.readStart = performance.now();
    else if (/\[archive\] \w+ data:/.test(line)) {
      at.readEnd = performance.now();
      // "(N read: the changes since the previous build)" or "(N read)": charts read from the API.
      at.chartsRead = Number(/\((\d+) read/.exec(line)?.[1] ?? Number.NaN);
    } else if (/page\(s\) built in/.test(line)) at.built = performance.now();
  };
  const [command, ...args] = timed ? ["/usr/bin/time", "-v", ...build] : build;
  const { code, output, tail } = await runGroup(command, args, {
    name: "site build",
    env: {
      ARCHIVE_URL: host.direct,
      SITE_ORIGIN: "https://sounds.example",
      ASTRO_TELEMETRY_DISABLED: "1",
      // Never the local build's cache (site/node_modules/.astro): the first build here is a full one.
      ASTRO_CACHE_DIR: cacheDir,
    },
    limitMs: 300_000,
    // Astro lists every page it writes: keep the rest (phases, timings, time -v).
    keep: (line) => {
      if (line.includes("(restored)")) at.restored = (at.restored ?? 0) + 1;
      return !/[├└│]/.test(line);
    },
    onLine: stamp,
  });
  if (code !== 0) throw new Error(`the site build failed (exit ${code}):\n${tail(40)}`);
  const time = timed
    ? timeReport(output)
    : { wallSeconds: +((performance.now() - started) / 1000).toFixed(1), peakRssMiB: null };
  const files = walk(out).map((path) => ({ path: relative(out, path), bytes: statSync(path).size }));
  const html = files.filter((f) => f.path.endsWith(".html"));
  const chartPages = files.filter((f) => CHART_PAGE.test(f.path)).sort((a, b) => b.bytes - a.bytes);
  const largest = chartPages[0];
  const largestBytes = largest ? readFileSync(join(out, largest.path)) : Buffer.alloc(0);
  const weekly = files.filter((f) => WEEK_IN_PATH.test(f.path)).length;
  const weeksArchived = new Set(files.map((f) => WEEK_IN_PATH.exec(f.path)?.[0]).filter(Boolean)).size;
  const perWeek = weekly / Math.max(1, weeksArchived);
  const fixed = files.length - weekly;
  const span = (from, to) => (from && to ? +((to - from) / 1000).toFixed(1) : null);
  const result = {
    ...time,
    phases: {
      beforeArchiveRead: span(started, at.readStart),
      archiveReadSeconds: span(at.readStart, at.readEnd),
      renderSeconds: span(at.readEnd, at.built),
    },
    upstreamRequests: (await scenario.count()) - before,
    chartsRead: at.chartsRead ?? null,
    pages: html.length,
    chartPages: chartPages.length,
    soundPages: html.filter((f) => f.path.startsWith("sounds/")).length,
    restoredFromCache: at.restored ?? 0,
    files: files.length,
    totalMB: +(files.reduce((sum, f) => sum + f.bytes, 0) / 1e6).toFixed(1),
    largestChartPage: largest
      ? {
          path: largest.path,
          rows: (largestBytes.toString("utf8").match(/<tr\b/g) ?? []).length,
          rawKB: +(largest.bytes / 1024).toFixed(1),
          gzipKB: +(gzipSync(largestBytes).length / 1024).toFixed(1),
          brotliKB: +(brotliCompressSync(largestBytes).length / 1024).toFixed(1),
        }
      : null,
    filesPerWeek: Math.round(perWeek),
    filesNotPerWeek: fixed,
    yearsWithinPaidPlanFiles: +((PAID_PLAN_FILES - fixed) / (perWeek * WEEKS_PER_YEAR)).toFixed(1),
  };
  log?.(`  site: ${result.pages} pages, ${result.files} files, ${result.wallSeconds} s, ${result.peakRssMiB} MiB peak`);
  return result;
}

const queriesOf = (headers) => Number(/queries=(\d+)/.exec(headers["server-timing"] ?? "")?.[1] ?? Number.NaN);

async function archiveApi(host, { seconds, log, load }) {
  const weeks = JSON.parse((await request(`${host.direct}/api/charts/DE`)).body.toString("utf8"));
  const list = weeks.weeks ?? weeks;
  const past = (list[1] ?? list[0]).week;
  const url = `${host.direct}/api/charts/DE/${past}`;
  const first = await request(url);
  const chart = {
    url: `/api/charts/DE/${past}`,
    status: first.status,
    bytes: first.body.length,
    etag: first.headers.etag ?? null,
    cacheControl: first.headers["cache-control"] ?? null,
    d1QueriesPerRequest: queriesOf(first.headers),
    runs: [],
  };
  for (const connections of load ? [16, 64] : []) {
    const run = await wrk(url, { connections, seconds, cpuPids: [host.workerdPid] });
    chart.runs.push(run);
    log?.(`  ${chart.url}, ${connections} conns: ${run.rps} req/s, p99 ${run.p99Ms} ms`);
  }
  if (chart.etag && load) {
    const run = await wrk(url, {
      connections: 64,
      seconds,
      headers: { "If-None-Match": chart.etag },
      cpuPids: [host.workerdPid],
    });
    chart.notModified = run;
    log?.(`  ${chart.url} with If-None-Match, 64 conns: ${run.rps} req/s`);
  }
  return { chart, siteProjection: await siteProjection(host, log), export: await exportAll(host, log) };
}

/** Follows the export's cursor (X-Next-Cursor) to the end, as the transfer script does. */
function exportAll(host, log) {
  return pageThrough(host, "/api/export", (res) => res.headers["x-next-cursor"], "export", log);
}

/** Follows /api/site/charts (`next` in the body) as the site build does: its read of the archive. */
function siteProjection(host, log) {
  return pageThrough(
    host,
    "/api/site/charts",
    (res) => JSON.parse(res.body.toString("utf8")).next,
    "site projection",
    log,
  );
}

async function pageThrough(host, path, nextOf, label, log) {
  const started = performance.now();
  const queries = [];
  let bytes = 0;
  let lines = 0;
  let url = `${host.direct}${path}`;
  while (url) {
    const res = await request(url);
    if (res.status !== 200) throw new Error(`${url}: HTTP ${res.status}`);
    bytes += res.body.length;
    for (const byte of res.body) if (byte === 10) lines++;
    queries.push(queriesOf(res.headers));
    const next = nextOf(res);
    url = next ? `${host.direct}${path}?cursor=${encodeURIComponent(next)}` : null;
  }
  const result = {
    requests: queries.length,
    lines,
    megabytes: +(bytes / 1e6).toFixed(1),
    maxD1QueriesPerRequest: Math.max(...queries),
    totalD1Queries: queries.reduce((a, b) => a + b, 0),
    seconds: +((performance.now() - started) / 1000).toFixed(1),
  };
  log?.(`  ${label}: ${result.requests} requests, ${result.megabytes} MB, ${result.seconds} s`);
  return result;
}
