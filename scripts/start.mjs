// `npm start`: the whole product on one localhost URL — the edge endpoint, the archive API, and the
// site built from the local archive — on the demo source unless a key is configured. The cron's
// build hook points back here: triggering the next week's cron (`npm run cron:next`) rebuilds the
// site and serves the new week's pages on the same URL. Options (environment): PORT (8787),
// SEED_WEEKS (12), STATE_DIR (wrangler's state; default .wrangler/state), REGIONS (all 71),
// X_LOCAL_OBSERVABILITY (wrangler's local trace collector; off unless set to true).

import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { parseEnv } from "node:util";
import { startBuildHook } from "./lib/build-hook.mjs";
import { freePort, startDevServer } from "./lib/dev-server.mjs";
import { applyLocalMigrations } from "./lib/migrate.mjs";
import { seedHistory } from "./lib/seed.mjs";
import { buildSite } from "./lib/site-build.mjs";
import { staleFiles, syncDir } from "./lib/sync-dir.mjs";

const SITE_DIR = "site/dist";
const NEXT_SITE_DIR = "site/.dist-next";
const devVars = existsSync(".dev.vars") ? readFileSync(".dev.vars", "utf8") : "";
// wrangler reads .dev.vars as a dotenv file: Node's own parser reads it the same way.
const devVarsValues = parseEnv(devVars);
const keyInDevVars = Boolean(devVarsValues.KEYAPI_KEY?.trim());
const keyInEnv = Boolean(process.env.KEYAPI_KEY?.trim());
const useKey = keyInDevVars || keyInEnv;
const devVarsSource = devVarsValues.DATA_SOURCE?.trim() || undefined;
const source = (process.env.DATA_SOURCE || devVarsSource || (useKey ? "keyapi" : "demo")).toLowerCase();
const seedWeeks = Number(process.env.SEED_WEEKS ?? 12);
const stateDir = process.env.STATE_DIR || undefined;

function step(message) {
  console.log(`• ${message}`);
}

/** Seconds between two points of this process's clock (performance.now() counts from its start). */
const seconds = (from, to = performance.now()) => `${((to - from) / 1000).toFixed(1)} s`;

// The migrations apply while wrangler dev starts (below): wrangler dev opens the archive's database
// file only at its first D1 query, and nothing queries D1 before the seeding, which waits for them.
// The same migrations as `wrangler d1 migrations apply DB --local`, in one workerd instead of one per
// migration (scripts/lib/migrate.mjs): about 1.5 s instead of 5–7, hidden behind wrangler dev's start.
step("applying D1 migrations to the local archive");
const migrated = applyLocalMigrations({ binding: "DB", persistTo: stateDir });
migrated.catch(() => undefined); // awaited below, after wrangler dev has started

// wrangler dev needs the assets folder to exist; the real site is built from the archive below.
if (!existsSync(`${SITE_DIR}/index.html`)) {
  mkdirSync(SITE_DIR, { recursive: true });
  writeFileSync(
    `${SITE_DIR}/index.html`,
    "<!doctype html><title>Trending Sounds</title><p>The site is being built…</p>\n",
  );
}

let server;
const port = await freePort(Number(process.env.PORT) || 8787);
const hook = await startBuildHook({ rebuild: (week) => rebuild(week), log: console.log });

// A key exported in the shell reaches the Worker through an env file only we can read: never on
// the command line, where any user of the machine could see it in the process list.
mkdirSync(".wrangler", { recursive: true });
const envFile = ".wrangler/start.env";
const lines = [devVars.trim()];
if (keyInEnv && !keyInDevVars) lines.push(`KEYAPI_KEY=${process.env.KEYAPI_KEY?.trim()}`);
if (process.env.REGIONS) lines.push(`REGIONS=${process.env.REGIONS}`);
// The last definition wins: the data source, and the build hook pointing back here.
lines.push(`DATA_SOURCE=${source}`, `SITE_BUILD_HOOK=${hook.url}`, "SITE_BUILD_HOOK_TOKEN=");
writeFileSync(envFile, `${lines.filter(Boolean).join("\n")}\n`, { mode: 0o600 });
chmodSync(envFile, 0o600);

async function startWorker() {
  server = await startDevServer({
    port,
    envFile,
    persistTo: stateDir,
    // wrangler's local trace collector (its dev "Local Explorer" view) records every invocation,
    // log and subrequest: a quarter of the workerd CPU a seeded week costs. X_LOCAL_OBSERVABILITY=true
    // brings it back.
    env: { X_LOCAL_OBSERVABILITY: process.env.X_LOCAL_OBSERVABILITY ?? "false" },
    log: (line) => {
      if (/error|warn/i.test(line) && !/EBADENGINE|Scheduled Workers are not automatically/.test(line))
        console.log(`  wrangler: ${line}`);
    },
  });
  server.child.on("exit", (code, signal) => {
    if (restarting || stopping) return;
    console.log(`wrangler dev stopped (${signal ?? `exit ${code}`})`);
    process.exit(code ?? 1);
  });
}

let restarting = false;
let stopping = false;
/** What the last sync left in site/dist, for the next one to skip (sync-dir.mjs). */
const synced = new Map();

/**
 * Builds the site from the local archive next to the one being served (incrementally: Astro's cache
 * and the chart store in site/node_modules/.astro), then writes only the files that differ into the
 * folder wrangler dev serves: its assets watcher picks them up, and the Worker keeps running. If
 * the new pages are not served within a while (a watcher that gave up), wrangler dev is restarted
 * on them. The state persists either way.
 */
async function rebuild(week) {
  if (week) await runFinished(week);
  const { seconds } = await buildSite({ archiveUrl: server.url, origin: server.url, outDir: NEXT_SITE_DIR });
  // Files to remove (a region or week gone, the first build's placeholder): with wrangler dev
  // stopped, or it may die listing a folder that disappears under it (sync-dir.mjs).
  const removing = staleFiles(NEXT_SITE_DIR, SITE_DIR).length > 0;
  if (removing) await stopWorker();
  // site/.dist-next stays: the next build writes into it, rewriting only the pages that changed.
  const { written, removed, created } = syncDir(NEXT_SITE_DIR, SITE_DIR, { known: synced });
  if (removing) await startAgain();
  else if (!(await served(pageToCheck(created)))) {
    step("wrangler dev did not pick up the rebuilt pages: restarting it on them");
    await stopWorker();
    await startAgain();
  }
  await pagesAnswer();
  step(
    `site rebuilt from the archive in ${seconds} s (${written} files written, ${removed} removed)` +
      `${week ? ` (${week})` : ""}: ${server.url}/`,
  );
}

async function stopWorker() {
  restarting = true;
  await server.stop();
}

async function startAgain() {
  await startWorker();
  restarting = false;
}

/**
 * The page to check: one the sync added if any (wrangler dev serves a new file only once its watcher
 * has reloaded on the folder, a second or so after the writes; a changed file at once), else the home page.
 */
function pageToCheck(created) {
  const page = created.find((path) => path.endsWith("/index.html"));
  return page ? { url: `/${page.slice(0, -"index.html".length)}`, file: page } : { url: "/", file: "index.html" };
}

/** Whether wrangler dev serves that page as just built, within a few seconds of writing it. */
async function served({ url, file }) {
  const built = readFileSync(join(SITE_DIR, file), "utf8");
  for (let i = 0; i < 100; i++) {
    const body = await fetch(`${server.url}${url}`)
      .then((response) => response.text())
      .catch(() => "");
    if (body === built) return true;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return false;
}

/** The job calls the hook before it records its run: wait for the run to end before restarting under it. */
async function runFinished(week) {
  for (let i = 0; i < 600; i++) {
    const status = await (await fetch(`${server.url}/api/status`)).json();
    if (status.lastRun?.week >= week) return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

async function pagesAnswer() {
  const response = await fetch(`${server.url}/`);
  const html = await response.text();
  if (!response.ok || !html.includes("Trending Sounds")) throw new Error(`${server.url}/ answered ${response.status}`);
}

const shutdown = async () => {
  stopping = true;
  await server?.stop();
  await hook.close();
  process.exit(0);
};
process.on("SIGINT", shutdown);
process.on("SIGTERM", shutdown);

step(
  `starting the Worker (wrangler dev) on port ${port}, data source: ${source}${useKey ? "" : " (no KEYAPI_KEY configured)"}`,
);
await startWorker();
try {
  const { applied } = await migrated;
  if (applied.length > 0) console.log(`  migrations applied: ${applied.join(", ")}`);
} catch (error) {
  console.error(`the D1 migrations failed: ${error.message}`);
  await server.stop();
  await hook.close();
  process.exit(1);
}
const serverReady = performance.now();

if (source === "demo") {
  step(
    `seeding ${seedWeeks} weeks of history through the snapshot job (demo source; runs already stored cost nothing)`,
  );
  await seedHistory(server.url, { weeks: seedWeeks });
} else {
  step("not seeding history: the provider only knows the current chart (the weekly cron builds the archive)");
}

const seeded = performance.now();

step("building the site from the local archive (site/dist)");
await rebuild(null);
hook.enable();

step(
  `ready ${seconds(0)} after start: migrations and wrangler dev ${seconds(0, serverReady)}, ` +
    `${source === "demo" ? `seeding ${seconds(serverReady, seeded)}, ` : ""}the site ${seconds(seeded)}`,
);

console.log(`Ready: ${server.url}`);
console.log(`  open ${server.url}/ for the charts, ${server.url}/rss.xml for the feed of new sounds`);
console.log(`  curl '${server.url}/v1/tiktok/trending/music?region=US&limit=5'`);
console.log(`  curl '${server.url}/api/charts/DE/latest'`);
console.log(`  npm run cron:next   # the next week's snapshot: its pages and feed items appear here`);
console.log("Press Ctrl+C to stop.");
