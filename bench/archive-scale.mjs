// `npm run bench:archive [-- --weeks 156]`: the archive at scale, measured (docs/weekly-archive.md "Bounded per
// request": designed for 10 years × 71 regions). Seeds WEEKS weeks of all 71 regions through the
// real snapshot job on the demo source (the Worker bundle under workerd, as `npm run bench` runs
// it, on a throw-away state), then pages through the public export and the admin dump and reports,
// per request, the D1 queries the Worker says it made (`Server-Timing: d1;desc="queries=N"`), plus
// wall times. Not part of `npm test`: it takes minutes. Results: bench/results/archive-scale.json.

import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { seedHistory } from "../scripts/lib/seed.mjs";
import { bundleWorker, startWorkerHost } from "./lib/hosts.mjs";
import { killAllNow, stopAll } from "./lib/procs.mjs";

const { values: args } = parseArgs({ options: { weeks: { type: "string", default: "156" } } });
const WEEKS = Number(args.weeks) || 156;
const ADMIN = "bench-admin-token";
const state = mkdtempSync(join(tmpdir(), "trending-sounds-scale-"));
const cleanUp = async () => {
  await stopAll();
  rmSync(state, { recursive: true, force: true });
};
for (const signal of ["SIGINT", "SIGTERM", "SIGHUP"])
  process.once(signal, () => cleanUp().finally(() => process.exit(130)));
process.on("exit", killAllNow);

const queriesOf = (response) => Number(/queries=(\d+)/.exec(response.headers.get("Server-Timing") ?? "")?.[1] ?? NaN);

/** Follows a paged response to the end: requests, bytes, the most and total D1 queries, seconds. */
async function pageThrough(first, headers = {}) {
  const started = performance.now();
  let url = first;
  const queries = [];
  let bytes = 0;
  let lines = 0;
  while (url) {
    const response = await fetch(url, { headers });
    if (!response.ok) throw new Error(`${url}: HTTP ${response.status} ${await response.text()}`);
    const body = new Uint8Array(await response.arrayBuffer());
    bytes += body.byteLength;
    for (const byte of body) if (byte === 10) lines++;
    queries.push(queriesOf(response));
    const next = response.headers.get("X-Next-Cursor");
    url = next ? `${first.split("?")[0]}?cursor=${encodeURIComponent(next)}` : null;
    if (queries.length % 50 === 0) process.stdout.write(`\r  ${queries.length} requests`);
  }
  return {
    requests: queries.length,
    lines,
    megabytes: +(bytes / 1e6).toFixed(1),
    maxQueriesPerRequest: Math.max(...queries),
    totalQueries: queries.reduce((a, b) => a + b, 0),
    seconds: +((performance.now() - started) / 1000).toFixed(1),
  };
}

const bundleDir = await bundleWorker(state);
const host = await startWorkerHost(
  { kind: "product", bundleDir, vars: { DATA_SOURCE: "demo", ADMIN_TOKEN: ADMIN } },
  state,
);
const server = { url: host.entry, output: host.output };
try {
  console.log(`seeding ${WEEKS} weeks × 71 regions through the snapshot job (demo source)…`);
  const seedStarted = performance.now();
  await seedHistory(server.url, {
    weeks: WEEKS,
    log: (line) => {
      if (/\[(\d+)\//.exec(line)?.[1] % 10 === 0) console.log(line);
    },
  });
  const seedSeconds = +((performance.now() - seedStarted) / 1000).toFixed(1);
  const status = await (await fetch(`${server.url}/api/regions`)).json();
  const stored = status.regions.reduce((sum, r) => sum + r.weeks, 0);
  if (stored < WEEKS * 71) {
    console.error(
      server.output
        .filter((l) => /error|fail|exceed|limit/i.test(l))
        .slice(-20)
        .join("\n"),
    );
    throw new Error(`only ${stored} of ${WEEKS * 71} region-weeks were stored`);
  }
  console.log("paging through /api/export…");
  const exported = await pageThrough(`${server.url}/api/export`);
  console.log("\npaging through the admin dump…");
  const dumped = await pageThrough(`${server.url}/api/admin/archive`, { Authorization: `Bearer ${ADMIN}` });
  const results = {
    date: new Date().toISOString(),
    weeks: WEEKS,
    charts: exported.lines,
    seedSeconds,
    export: exported,
    dump: dumped,
  };
  writeFileSync("bench/results/archive-scale.json", `${JSON.stringify(results, null, 2)}\n`);
  console.log(`\n${JSON.stringify(results, null, 2)}`);
} catch (error) {
  console.error(server.output.slice(-40).join("\n"));
  throw error;
} finally {
  await cleanUp();
}
