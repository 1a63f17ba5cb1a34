// `npm run deploy [-- --wait <minutes>] [--build-only] [--first-deploy]`: builds the site from the
// deployed Worker's own archive (its public API: never the upstream), checks it, applies the D1
// migrations, then deploys Worker + site with `wrangler deploy`. DESIGN.md "A deploy never makes
// the site worse": every read is retried with backoff; on any failure nothing is deployed, the
// live site stays as it was, the script exits non-zero with the reason, and ALERT_WEBHOOK (if set
// in the environment) hears about it.
//
// SITE_ORIGIN is the deployment's public origin; ARCHIVE_URL defaults to it.
// --wait <minutes>  first waits until the week that just ended is complete (or the time passes).
// --build-only      stops after the checked build, left in site/dist (Workers Builds runs its own
//                   deploy command; the GitHub workflow runs --deploy-only in a step of its own,
//                   the only one that holds the Cloudflare token).
// --deploy-only     checks the site already in site/dist against the archive again (and that its
//                   build finished), applies the migrations and deploys: no build.
//
// The site is built into site/dist itself, the previous build's output: Astro rewrites only the
// pages whose data changed and the build removes what it no longer makes (site/src/lib/build-output.ts),
// so a week costs the same at any archive size. A build that fails or is stopped leaves site/dist
// marked unfinished: nothing deploys it, and the next build starts from nothing.
// --full            renders every page instead of only those whose data changed since the build
//                   whose cache Astro finds (site/node_modules/.astro; a missing cache is a full build).
// --first-deploy    for a Worker that has never answered: deploys it once with a placeholder page,
//                   waits until it answers, then builds and deploys the real site. Without this
//                   flag a Worker that does not answer is an error, never a placeholder.
// SITE_DIST_DIR (default site/dist) and DEPLOY_RETRY_MS (the first backoff, default 2000) exist
// for the tests.
import { execFileSync } from "node:child_process";
import { mkdirSync, rmSync, writeFileSync } from "node:fs";
import { resolve } from "node:path";
import { lastBuildFinished } from "../site/src/lib/build-output.ts";
import { postAlert } from "../worker/alerts.ts";
import { WRANGLER_ENV } from "./lib/dev-server.mjs";
import { getJson, withRetries } from "./lib/retry.mjs";
import { checkBuiltSite } from "./lib/site-check.mjs";
import { buildSite } from "./lib/site-build.mjs";
import { waitForWeek, weekJustEnded } from "./lib/week-status.mjs";

const args = process.argv.slice(2);
const wait = args.includes("--wait") ? Number(args[args.indexOf("--wait") + 1] ?? 45) : 0;
const buildOnly = args.includes("--build-only");
const firstDeploy = args.includes("--first-deploy");
const deployOnly = args.includes("--deploy-only");
const full = args.includes("--full");
const origin = (process.env.SITE_ORIGIN || "").replace(/\/+$/, "");
const archiveUrl = (process.env.ARCHIVE_URL || origin).replace(/\/+$/, "");
const dist = process.env.SITE_DIST_DIR || "site/dist";
/** Astro's cacheDir as site/astro.config.mjs resolves it (relative to the site's root). */
const cacheDir = resolve("site", process.env.ASTRO_CACHE_DIR || "node_modules/.astro");
const retryMs = Number(process.env.DEPLOY_RETRY_MS || 2_000);
if (!origin) {
  console.error(
    "set SITE_ORIGIN to the deployment's public origin, e.g.\n" +
      "  SITE_ORIGIN=https://trending-sounds.example.com npm run deploy",
  );
  process.exit(2);
}

class DeployError extends Error {}
const say = (line) => console.log(`• ${line}`);

/** `wrangler` from PATH: node_modules/.bin under npm, a stub in the tests. */
function wrangler(...more) {
  try {
    execFileSync("wrangler", more, { stdio: "inherit", env: { ...process.env, ...WRANGLER_ENV } });
  } catch (error) {
    throw new DeployError(`wrangler ${more.join(" ")} failed (${error.status ?? error.message})`);
  }
}

/** The Worker's status, read with backoff: 6 tries ≈ 1 minute at the default pace. */
function workerStatus(tries = 6) {
  return withRetries(() => getJson(`${archiveUrl}/api/status`), {
    tries,
    baseMs: retryMs,
    log: (line) => say(`${archiveUrl}/api/status: ${line}`),
  });
}

/** Before any new Worker code goes live, its schema exists (migrations are additive). */
function migrate() {
  say("applying D1 migrations to the production archive");
  wrangler("d1", "migrations", "apply", "DB", "--remote");
}

async function placeholderDeploy() {
  say(`${archiveUrl} has never answered (--first-deploy): deploying the Worker with a placeholder page`);
  rmSync(dist, { recursive: true, force: true });
  mkdirSync(dist, { recursive: true });
  writeFileSync(`${dist}/index.html`, "<!doctype html><title>Trending Sounds</title><p>Coming soon.</p>\n");
  migrate();
  wrangler("deploy", "--assets", dist);
  // A new workers.dev hostname may take minutes to resolve: up to ≈ 15 minutes of backoff.
  if (!(await workerStatus(10)))
    throw new DeployError(`the new Worker at ${archiveUrl} still does not answer: run the deploy again later`);
}

/** The build in `dir` against the archive it was built from: nothing goes live that lost pages. */
async function check(dir) {
  const archive = await withRetries(() => getJson(`${archiveUrl}/api/regions`), { tries: 6, baseMs: retryMs });
  if (!archive) throw new DeployError(`${archiveUrl}/api/regions did not answer: the build cannot be checked`);
  const problems = checkBuiltSite(dir, archive);
  if (problems.length > 0)
    throw new DeployError(`the built site is incomplete, nothing was deployed:\n  ${problems.join("\n  ")}`);
}

async function main() {
  if (deployOnly) {
    if (!lastBuildFinished(cacheDir, resolve(dist)))
      throw new DeployError(`the build in ${dist} did not finish (or is not there): nothing was deployed`);
    await check(dist);
    migrate();
    say("deploying the checked site");
    wrangler("deploy", "--assets", dist);
    return indexForSearch();
  }
  if (!(await workerStatus())) {
    if (!firstDeploy || buildOnly)
      throw new DeployError(
        `${archiveUrl}/api/status did not answer after retries: nothing was built or deployed, the live site is ` +
          "unchanged (a Worker that has never been deployed needs --first-deploy)",
      );
    await placeholderDeploy();
  }
  if (wait > 0) await waitForWeek(archiveUrl, { week: weekJustEnded(Date.now()), minutes: wait });

  say(`building the site from ${archiveUrl}/api into ${dist} (links to ${origin})`);
  let seconds;
  try {
    ({ seconds } = await buildSite({
      archiveUrl,
      origin,
      outDir: dist,
      full,
      log: (line) => console.log(`  ${line}`),
    }));
  } catch (error) {
    throw new DeployError(`${error.message}\nnothing was deployed: the live site is unchanged`);
  }
  await check(dist);
  say(`site built in ${seconds} s and checked against the archive`);
  if (buildOnly) return;
  migrate();
  say("deploying");
  wrangler("deploy", "--assets", dist);
  await indexForSearch();
}

/**
 * An archive stored before search existed (migration 0008) is indexed in bounded steps by the new
 * Worker: with ADMIN_TOKEN, the deploy takes them to the end. Not a deploy failure if it cannot:
 * the site is live, search says its index is still being built, and the next deploy goes on.
 */
async function indexForSearch() {
  const token = process.env.ADMIN_TOKEN?.trim();
  if (!token) return;
  for (let step = 1; step <= 10_000; step++) {
    const response = await fetch(`${archiveUrl}/api/admin/search-index`, {
      method: "POST",
      headers: { Authorization: `Bearer ${token}` },
    }).catch((error) => ({ ok: false, status: String(error) }));
    if (!response.ok) {
      console.warn(`  the search index's backfill stopped (HTTP ${response.status}): the next deploy goes on`);
      return;
    }
    const { pending, sounds } = await response.json();
    if (pending.length === 0) {
      if (step > 1) say(`search index complete (${step} steps)`);
      return;
    }
    if (step % 50 === 1) say(`indexing the archive for search: step ${step}, ${sounds} sounds in this step`);
  }
}

try {
  await main();
} catch (error) {
  const reason = error instanceof DeployError ? error.message : `unexpected: ${error?.stack ?? error}`;
  console.error(`✗ deploy failed: ${reason}`);
  const alertUrl = process.env.ALERT_WEBHOOK;
  if (alertUrl)
    await postAlert(fetch, alertUrl, "deploy_failed", { origin, reason: reason.slice(0, 2_000) }, Date.now());
  process.exitCode = 1;
}
