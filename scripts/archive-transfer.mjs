// `npm run export [file]` / `npm run import <file>`: the archive as JSON lines (the published log,
// the gaps, every chart), through the Worker's admin dump/restore — the same code the Worker runs,
// so an import re-derives the charts exactly. Local state by default (a Worker is started on it);
// `--remote` starts that local Worker on the production D1 instead (wrangler's remote binding:
// needs `wrangler login`); `--url https://your.worker.dev` with ADMIN_TOKEN in the environment
// talks to a deployed Worker.
import { execFileSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { once } from "node:events";
import {
  createReadStream,
  createWriteStream,
  existsSync,
  mkdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import { createInterface } from "node:readline";
import { parseArgs } from "node:util";
import { freePort, startDevServer, WRANGLER_ENV } from "./lib/dev-server.mjs";

const {
  values: { remote: remoteD1, url: remote = null },
  positionals: [mode, file],
} = parseArgs({
  options: { remote: { type: "boolean", default: false }, url: { type: "string" } },
  allowPositionals: true,
});
const CHARTS_PER_REQUEST = 17; // the Worker takes at most 17 (its budget of D1 queries per request)
const LOG_ROWS_PER_REQUEST = 1_000; // the Worker takes at most 2,000 (D1's 2 MB per bound value)

/** A failure the user can act on: printed without a stack, exit code 2. */
class UsageError extends Error {}

function fail(message) {
  // Thrown, never process.exit(): a Worker this script started (maybe bound to production D1)
  // must be stopped by the `finally` below first.
  throw new UsageError(message);
}

async function withWorker(run) {
  if (remote) {
    const token = process.env.ADMIN_TOKEN;
    if (!token) fail("set ADMIN_TOKEN to the deployment's admin token");
    return run(remote.replace(/\/+$/, ""), token);
  }
  const token = randomBytes(24).toString("hex");
  mkdirSync(".wrangler", { recursive: true });
  const envFile = ".wrangler/transfer.env";
  const devVars = existsSync(".dev.vars") ? readFileSync(".dev.vars", "utf8") : "";
  writeFileSync(envFile, `${devVars}\nADMIN_TOKEN=${token}\n`, { mode: 0o600 });
  // Beside wrangler.toml, so its relative paths (main, migrations, assets) still resolve.
  const config = remoteD1 ? ".wrangler-transfer.toml" : undefined;
  if (config) {
    const toml = readFileSync("wrangler.toml", "utf8");
    writeFileSync(
      config,
      toml.replace('migrations_dir = "migrations"', 'migrations_dir = "migrations"\nremote = true'),
    );
  } else {
    execFileSync("npx", ["wrangler", "d1", "migrations", "apply", "DB", "--local"], {
      stdio: ["ignore", "ignore", "inherit"],
      env: { ...process.env, ...WRANGLER_ENV, CI: "true" },
    });
  }
  let server;
  try {
    server = await startDevServer({ port: await freePort(0), envFile, config });
    return await run(server.url, token);
  } finally {
    await server?.stop();
    if (config) rmSync(config, { force: true });
  }
}

async function exportTo(base, token) {
  const target = file ?? `trending-sounds-archive-${new Date().toISOString().slice(0, 10)}.jsonl`;
  const out = createWriteStream(target);
  let cursor = null;
  let pages = 0;
  // The Worker answers a bounded page per request; `X-Next-Cursor` says where the next one starts.
  do {
    const url = `${base}/api/admin/archive${cursor ? `?cursor=${encodeURIComponent(cursor)}` : ""}`;
    const response = await fetch(url, { headers: { Authorization: `Bearer ${token}` } });
    if (!response.ok) fail(`export failed: HTTP ${response.status} ${await response.text()}`);
    for await (const chunk of response.body) if (!out.write(chunk)) await once(out, "drain");
    cursor = response.headers.get("X-Next-Cursor");
    pages++;
    if (pages % 10 === 0) process.stdout.write(`\r  ${pages} pages`);
  } while (cursor);
  await new Promise((resolve, reject) => out.end((error) => (error ? reject(error) : resolve())));
  const counts = { published: 0, global: 0, gap: 0, chart: 0 };
  for await (const line of createInterface({ input: createReadStream(target) })) counts[JSON.parse(line).type]++;
  console.log(
    `\rexported ${counts.chart} charts, ${counts.published} published items, ${counts.global} all-regions items, ${counts.gap} gaps to ${target} (${pages} requests)`,
  );
}

async function importFrom(base, token) {
  const post = async (lines) => {
    const response = await fetch(`${base}/api/admin/archive`, {
      method: "POST",
      headers: { Authorization: `Bearer ${token}`, "Content-Type": "application/x-ndjson" },
      body: lines.join("\n"),
    });
    if (!response.ok) fail(`import failed: HTTP ${response.status} ${await response.text()}`);
    return response.json();
  };
  const log = [];
  let charts = [];
  const total = { stored: 0, skipped: 0, logRows: 0 };
  const flush = async () => {
    if (charts.length === 0) return;
    const result = await post(charts);
    total.stored += result.charts.stored;
    total.skipped += result.charts.skipped;
    charts = [];
    process.stdout.write(`\r  charts: ${total.stored} stored, ${total.skipped} already there`);
  };
  for await (const line of createInterface({ input: createReadStream(file) })) {
    if (!line.trim()) continue;
    // The log comes first in a dump: restore it before any chart, so nothing is announced anew.
    if (line.startsWith('{"type":"chart"')) {
      if (log.length) total.logRows += (await post(log.splice(0))).logRows;
      charts.push(line);
      if (charts.length >= CHARTS_PER_REQUEST) await flush();
    } else {
      log.push(line);
      if (log.length >= LOG_ROWS_PER_REQUEST) total.logRows += (await post(log.splice(0))).logRows;
    }
  }
  if (log.length) total.logRows += (await post(log.splice(0))).logRows;
  await flush();
  const weeks = await deriveLater(base, token);
  console.log(
    `\nimported from ${file}: ${total.stored} charts stored, ${total.skipped} already there, ${total.logRows} log rows added, ${weeks} later weeks derived again`,
  );
}

// Earlier weeks imported into a region change its later weeks' history: the Worker derives them
// again a bounded amount per request, until none is pending.
async function deriveLater(base, token) {
  let weeks = 0;
  for (let idle = 0; ; ) {
    const response = await fetch(`${base}/api/admin/archive/derive`, {
      method: "POST",
      headers: { Authorization: `Bearer ${token}` },
    });
    if (!response.ok) fail(`deriving later weeks failed: HTTP ${response.status} ${await response.text()}`);
    const result = await response.json();
    weeks += result.weeks;
    if (result.pending === 0) return weeks;
    // No progress three times in a row: something else keeps writing those regions.
    idle = result.weeks === 0 ? idle + 1 : 0;
    if (idle >= 3) fail(`${result.pending} regions still have later weeks to derive: run the import again`);
    process.stdout.write(`\r  later weeks derived again: ${weeks}, ${result.pending} regions pending`);
  }
}

try {
  if (mode !== "export" && mode !== "import")
    fail("usage: npm run export [file] | npm run import <file>  [-- --remote | --url <worker url>]");
  if (mode === "import" && !file) fail("usage: npm run import <file>");
  if (mode === "import" && !existsSync(file)) fail(`no such file: ${file}`);
  await withWorker(mode === "export" ? exportTo : importFrom);
} catch (error) {
  console.error(error instanceof UsageError ? error.message : error);
  process.exitCode = 2;
}
