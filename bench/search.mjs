// Search latency and cost against a running Worker (issue 17), beside a plain `/api/charts` read.
// Not run by `npm test` or `npm run bench`: the lead runs it against an archive at 52 weeks and at
// ten years. It only reads.
//
//   npx node bench/search.mjs --url http://127.0.0.1:8787 [--region DE] [--words 20]
//       [--repeat 3] [--pid <workerd pid>] [--db <local D1 sqlite file>] [--out bench/results/search.json]
//
// - Words come from the archive itself (the latest chart of every region, from /api/charts): a
//   **common** word (in the most titles), **rare** words (in one title), **prefixes** (the first
//   three letters of common words). Each distinct query is first a miss (the colo cache, where it
//   works, has not seen it), then repeated (`--repeat`) as a hit.
// - Per kind: latency p50 / p95 / max (ms, wall, sequential), the D1 queries the Worker reports
//   (`Server-Timing: d1;desc="queries=N"`), and with `--pid` the CPU the Worker's process spent per
//   request (/proc/<pid>/stat utime+stime; run workerd under Miniflare or `wrangler dev` and give
//   workerd's pid — not the npx wrapper's).
// - `--db`: the size of the search index in the local D1 file (under
//   .wrangler/state/v3/d1/miniflare-D1DatabaseObject/*.sqlite, or a bench state dir): bytes per
//   table from `dbstat` where SQLite has it, else the stored bytes of the index table and of the
//   FTS5 shadow tables, with the archive's chart_entries beside them for scale. `indexSize(file)`
//   is exported for other bench code.
import { readFileSync, writeFileSync } from "node:fs";
import { parseArgs } from "node:util";

const SEARCH_TABLES = ["search_sounds", "search_fts_data", "search_fts_idx", "search_fts_docsize", "search_fts_config"];

/** Bytes the search index takes in a local D1 sqlite file (Node ≥ 22.13's node:sqlite). */
export async function indexSize(file) {
  const { DatabaseSync } = await import("node:sqlite");
  const db = new DatabaseSync(file, { readOnly: true });
  try {
    const pageSize = db.prepare("PRAGMA page_size").get().page_size;
    const pages = db.prepare("PRAGMA page_count").get().page_count;
    let tables;
    try {
      const rows = db
        .prepare(
          `SELECT name, SUM(pgsize) AS bytes FROM dbstat
           WHERE name LIKE 'search%' OR name IN ('chart_entries', 'chart_entries_by_clip', 'snapshots') GROUP BY name`,
        )
        .all();
      tables = { method: "dbstat", bytes: Object.fromEntries(rows.map((r) => [r.name, r.bytes])) };
    } catch {
      const sum = (sql) => db.prepare(sql).get().n ?? 0;
      tables = {
        method: "stored bytes (no dbstat in this SQLite)",
        bytes: {
          search_sounds: sum(
            `SELECT SUM(length(source) + length(clip_id) + length(title) + length(author) + length(titles)
               + length(authors) + length(regions) + 40) AS n FROM search_sounds`,
          ),
          search_fts_data: sum("SELECT SUM(length(block) + 8) AS n FROM search_fts_data"),
          search_fts_idx: sum("SELECT SUM(length(segid) + length(term) + 8) AS n FROM search_fts_idx"),
          search_fts_docsize: sum("SELECT SUM(length(sz) + 8) AS n FROM search_fts_docsize"),
          chart_entries: sum(
            `SELECT SUM(length(source) + length(region) + length(week) + length(clip_id) + length(title)
               + length(author) + length(cover) + length(first_week) + length(movement) + 24) AS n FROM chart_entries`,
          ),
        },
      };
    }
    const count = (table) => db.prepare(`SELECT COUNT(*) AS n FROM ${table}`).get().n;
    const index = SEARCH_TABLES.reduce((total, name) => total + (tables.bytes[name] ?? 0), 0);
    return {
      file,
      databaseBytes: pageSize * pages,
      indexBytes: index,
      sounds: count("search_sounds"),
      chartEntries: count("chart_entries"),
      ...tables,
    };
  } finally {
    db.close();
  }
}

/** CPU seconds a process has used so far (Linux). */
function cpuSeconds(pid) {
  const fields = readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1].split(" ");
  return (Number(fields[11]) + Number(fields[12])) / 100; // utime, stime in clock ticks (USER_HZ = 100)
}

const queriesOf = (response) => Number(/queries=(\d+)/.exec(response.headers.get("Server-Timing") ?? "")?.[1] ?? NaN);

async function timed(url, pid) {
  const cpu = pid ? cpuSeconds(pid) : 0;
  const started = performance.now();
  const response = await fetch(url);
  await response.arrayBuffer();
  const ms = performance.now() - started;
  if (!response.ok && response.status !== 302) throw new Error(`${url}: HTTP ${response.status}`);
  return { ms, cpuMs: pid ? (cpuSeconds(pid) - cpu) * 1000 : null, queries: queriesOf(response) };
}

function summary(samples) {
  const ms = samples.map((s) => s.ms).sort((a, b) => a - b);
  const at = (q) => +ms[Math.min(ms.length - 1, Math.floor(q * ms.length))].toFixed(1);
  const cpu = samples.filter((s) => s.cpuMs !== null).map((s) => s.cpuMs);
  return {
    requests: samples.length,
    p50: at(0.5),
    p95: at(0.95),
    max: +ms.at(-1).toFixed(1),
    cpuMsPerRequest: cpu.length ? +(cpu.reduce((a, b) => a + b, 0) / cpu.length).toFixed(2) : null,
    maxD1Queries: Math.max(...samples.map((s) => s.queries)),
  };
}

/** The archive's own words: how many of the latest charts' titles each word is in. */
async function wordsOf(url) {
  const regions = (await (await fetch(`${url}/api/status`)).json()).regions ?? [];
  const codes = regions.map((r) => r.region ?? r.code).filter(Boolean);
  const counts = new Map();
  for (const code of codes.length ? codes : ["DE"]) {
    const response = await fetch(`${url}/api/charts/${code}/latest`);
    if (!response.ok) continue;
    for (const entry of (await response.json()).entries) {
      const words = new Set(
        entry.title
          .toLowerCase()
          .split(/[^\p{L}\p{N}]+/u)
          .filter((w) => w.length >= 3),
      );
      for (const word of words) counts.set(word, (counts.get(word) ?? 0) + 1);
    }
  }
  return [...counts].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1));
}

/** Measures every kind against the Worker at `url`; returns the report. */
export async function benchSearch({
  url,
  region = "DE",
  words = 20,
  repeat = 3,
  pid = null,
  db = null,
  // "page" needs the site's shell among the Worker's assets; a Worker without them measures "json".
  forms = ["page", "json"],
}) {
  const ranked = await wordsOf(url);
  if (ranked.length === 0) throw new Error(`${url} has no charts to take words from`);
  const common = ranked.slice(0, words).map(([w]) => w);
  const rare = ranked
    .filter(([, n]) => n === 1)
    .slice(0, words)
    .map(([w]) => w);
  const prefixes = [...new Set(common.map((w) => [...w].slice(0, 3).join("")))];
  const kinds = {
    "common word": common,
    "rare word": rare,
    prefix: prefixes,
  };
  const report = { url, at: new Date().toISOString(), words: kinds, results: {} };
  for (const [kind, list] of Object.entries(kinds)) {
    for (const [form, path] of [
      ["page", (w) => `/search?q=${encodeURIComponent(w)}`],
      ["json", (w) => `/api/search?q=${encodeURIComponent(w)}`],
    ].filter(([name]) => forms.includes(name))) {
      const miss = [];
      const hit = [];
      for (const word of list) miss.push(await timed(`${url}${path(word)}`, pid));
      for (let i = 0; i < repeat; i++) for (const word of list) hit.push(await timed(`${url}${path(word)}`, pid));
      report.results[`${kind}, ${form}, first`] = summary(miss);
      report.results[`${kind}, ${form}, repeated`] = summary(hit);
    }
  }
  const charts = [];
  for (let i = 0; i < words * (repeat + 1); i++) charts.push(await timed(`${url}/api/charts/${region}/latest`, pid));
  report.results[`/api/charts/${region}/latest`] = summary(charts);
  if (db) report.index = await indexSize(db);
  return report;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const { values } = parseArgs({
    options: {
      url: { type: "string" },
      region: { type: "string", default: "DE" },
      words: { type: "string", default: "20" },
      repeat: { type: "string", default: "3" },
      pid: { type: "string" },
      db: { type: "string" },
      out: { type: "string", default: "bench/results/search.json" },
    },
  });
  if (!values.url && !values.db) throw new Error("give --url <worker> (and/or --db <local D1 sqlite file>)");
  const report = values.url
    ? await benchSearch({
        url: values.url.replace(/\/$/, ""),
        region: values.region,
        words: Number(values.words),
        repeat: Number(values.repeat),
        pid: values.pid ? Number(values.pid) : null,
        db: values.db ?? null,
      })
    : { index: await indexSize(values.db) };
  console.table(report.results ?? {});
  if (report.index) console.log(report.index);
  writeFileSync(values.out, `${JSON.stringify(report, null, 2)}\n`);
  console.log(`written: ${values.out}`);
}
