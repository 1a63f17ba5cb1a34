// `npm run deploy [-- <flags>]`: builds the site from the deployed Worker's own archive (its
// public API: never the upstream), checks it, and publishes Worker + site (docs/operations.md "A deploy
// never makes the site worse"). In order:
//   1. the Worker answers /api/status (retried with backoff; see --first-deploy);
//   2. (--wait) the week that just ended is complete, or the time has passed;
//   3. the site is built into site/dist (BUILD_TIMEOUT_MINUTES, default 40: a longer build is
//      killed and is a failure);
//   4. the build is checked against the archive (/api/regions): every essential page, every
//      region's latest, week and year pages and feed, no fewer chart pages than the archive has;
//      --build-only stops here;
//   5. the live site is the yardstick: the build's site-build.json against the live one (or the
//      live sitemaps): no fewer chart pages, the source the configuration serves (DATA_SOURCE);
//   6. upload, migrate, promote, verify (scripts/lib/deploy-steps.mjs): the serving version is
//      recorded, `wrangler versions upload` (no traffic), `wrangler d1 migrations apply --remote`,
//      `wrangler versions deploy <id>@100%`, `wrangler triggers deploy` (crons are not versioned),
//      then the live origin must answer with the new version (its /api/status, a chart page, a
//      sound page, the endpoint), or it is rolled back to the recorded version;
//   7. with ADMIN_TOKEN, the search index of an old archive is completed (never a failure).
// A failure stops at its step: the script exits non-zero, says which steps ran and what
// production is serving, and ALERT_WEBHOOK (if set) hears it. SIGINT/SIGTERM stop the running
// child (the build's whole process group), alert `deploy_cancelled` and exit non-zero.
//
// --wait <minutes>   step 2.
// --build-only       steps 1-4, leaving the checked build in site/dist (Workers Builds runs its own
//                    deploy command; the GitHub workflow runs --deploy-only in a step of its own,
//                    the only one that holds the Cloudflare token).
// --deploy-only      steps 4-7 on the build already in site/dist (and only if that build finished).
// --full             renders every page instead of only those whose data changed since the build
//                    whose cache Astro finds (site/node_modules/.astro; a missing cache is a full build).
// --first-deploy     for a Worker that has never been deployed (wrangler knows no deployment of it):
//                    deploys it once with a placeholder page, waits until it answers, then goes on.
//                    A Worker that exists but does not answer is an error, never a placeholder.
// --allow-shrink     lets a build with fewer chart pages than the live site go live (said loudly).
// --durable-object-migration  when the Worker's config adds a Durable Object migration, which
//                    `versions upload` refuses: step 6 becomes D1 migrations, then `wrangler deploy`
//                    (upload and promotion in one), then the same checks and rollback.
// --config <path>    the wrangler configuration to deploy (default wrangler's own; env WRANGLER_CONFIG).
//
// The site is built into site/dist itself, the previous build's output: Astro rewrites only the
// pages whose data changed and the build removes what it no longer makes (site/src/lib/build-output.ts).
// A build that fails or is stopped leaves site/dist marked unfinished: nothing deploys it.
// Environment: SITE_ORIGIN (the public origin; ARCHIVE_URL defaults to it), ALERT_WEBHOOK,
// ADMIN_TOKEN, DEPLOY_REPORT (a file the journal of steps is written to as it goes, for a
// separate alert step: scripts/alert.mjs appends it), BUILD_TIMEOUT_MINUTES; SITE_DIST_DIR
// (default site/dist) and DEPLOY_RETRY_MS (the first backoff, default 2000) exist for the tests.
import { execFileSync } from "node:child_process";
import { mkdirSync, rmSync, writeFileSync } from "node:fs";
import { resolve } from "node:path";
import { parseArgs } from "node:util";
import { lastBuildFinished } from "../site/src/lib/build-output.ts";
import { buildCommit } from "../site/src/lib/site-build-record.ts";
import { postAlert } from "../worker/alerts.ts";
import { Journal } from "./lib/deploy-journal.mjs";
import { DeployError, deployWithMigration, migrate, uploadAndPromote } from "./lib/deploy-steps.mjs";
import { getJson, withRetries } from "./lib/retry.mjs";
import { indexForSearch } from "./lib/search-backfill.mjs";
import { buildSite } from "./lib/site-build.mjs";
import { checkBuiltSite } from "./lib/site-check.mjs";
import { smokeProblems, soundPageOf } from "./lib/smoke-check.mjs";
import { waitForWeek, weekJustEnded } from "./lib/week-status.mjs";
import { deployedVersionId, WranglerError, wranglerRunner } from "./lib/wrangler-cli.mjs";
import { builtRecord, configuredSource, liveChartPages, yardstick } from "./lib/yardstick.mjs";

const { values: flags } = parseArgs({
  options: {
    wait: { type: "string" },
    "build-only": { type: "boolean" },
    "deploy-only": { type: "boolean" },
    full: { type: "boolean" },
    "first-deploy": { type: "boolean" },
    "allow-shrink": { type: "boolean" },
    "durable-object-migration": { type: "boolean" },
    config: { type: "string" },
  },
});
const origin = (process.env.SITE_ORIGIN || "").replace(/\/+$/, "");
const archiveUrl = (process.env.ARCHIVE_URL || origin).replace(/\/+$/, "");
const dist = process.env.SITE_DIST_DIR || "site/dist";
/** Astro's cacheDir as site/astro.config.mjs resolves it (relative to the site's root). */
const cacheDir = resolve("site", process.env.ASTRO_CACHE_DIR || "node_modules/.astro");
const retryMs = Number(process.env.DEPLOY_RETRY_MS || 2_000);
const buildMinutes = Number(process.env.BUILD_TIMEOUT_MINUTES || 40);
const config = flags.config ?? process.env.WRANGLER_CONFIG;
if (!origin) {
  console.error(
    "set SITE_ORIGIN to the deployment's public origin, e.g.\n" +
      "  SITE_ORIGIN=https://trending-sounds.example.com npm run deploy",
  );
  process.exit(2);
}

const journal = new Journal(process.env.DEPLOY_REPORT);
const cancel = new AbortController();
const wrangler = wranglerRunner({ config, signal: cancel.signal });
const retrying = (attempt, tries = 6) => withRetries(attempt, { tries, baseMs: retryMs });

/** The Worker's status, read with backoff: 6 tries ≈ 1 minute at the default pace. */
function workerStatus(tries = 6) {
  return withRetries(() => getJson(`${archiveUrl}/api/status`), {
    tries,
    baseMs: retryMs,
    log: (line) => console.log(`  ${archiveUrl}/api/status: ${line}`),
  });
}

/** A Worker wrangler knows no deployment of; any other failure (auth, network) cannot tell. */
const NEVER_DEPLOYED = /has no deployments|does not exist|\b10007\b/i;

async function placeholderDeploy() {
  const status = await wrangler("deployments", "status", "--json").then(
    () => "exists",
    (error) => (NEVER_DEPLOYED.test(error.output ?? "") ? "absent" : "unknown"),
  );
  if (status !== "absent")
    throw new DeployError(
      `${archiveUrl} does not answer, and wrangler ${status === "exists" ? "has a deployment of this Worker" : "cannot say whether this Worker exists"}: ` +
        "--first-deploy never replaces a live site with a placeholder, even during an outage. Nothing was deployed.",
    );
  journal.note(`${archiveUrl} has never been deployed (--first-deploy): deploying a placeholder page`);
  rmSync(dist, { recursive: true, force: true });
  mkdirSync(dist, { recursive: true });
  writeFileSync(`${dist}/index.html`, "<!doctype html><title>Trending Sounds</title><p>Coming soon.</p>\n");
  await migrate({ wrangler, journal });
  const output = await wrangler("deploy", "--assets", dist, "--message", "placeholder (first deploy)");
  journal.note(`placeholder deployed (version ${deployedVersionId(output) ?? "unknown"})`);
  // A new workers.dev hostname may take minutes to resolve: 10 tries wait 2+4+…+32 s, then 60 s
  // (the cap) four times: 302 s of backoff at the default pace, plus up to 15 s a try.
  if (!(await workerStatus(10)))
    throw new DeployError(`the new Worker at ${archiveUrl} still does not answer: run the deploy again later`);
}

/** The build in `dir` against the archive it was built from; resolves with that archive. */
async function check(dir) {
  const archive = await retrying(() => getJson(`${archiveUrl}/api/regions`));
  if (!archive) throw new DeployError(`${archiveUrl}/api/regions did not answer: the build cannot be checked`);
  const problems = checkBuiltSite(dir, archive);
  if (problems.length > 0)
    throw new DeployError(`the built site is incomplete, nothing was deployed:\n  ${problems.join("\n  ")}`);
  return archive;
}

/** Step 5: the build against the live site. Resolves with the build's record. */
async function measureAgainstLive() {
  const build = builtRecord(dist);
  if (!build) throw new DeployError(`${dist} has no readable site-build.json: nothing was uploaded`);
  const live = await liveChartPages(origin, retrying);
  if (!live) throw new DeployError(`${origin} did not answer: the build cannot be compared with the live site`);
  const source = await configuredSource(config);
  const { problems, warnings } = yardstick({ build, live, source, allowShrink: flags["allow-shrink"] === true });
  for (const warning of warnings) journal.note(`⚠ ${warning}`);
  if (problems.length > 0)
    throw new DeployError(`the build may not replace the live site, nothing was uploaded:\n  ${problems.join("\n  ")}`);
  journal.note(
    `the build (${build.chartPages} chart pages, ${build.source}) measured against the live site (${live.chartPages})`,
  );
  return build;
}

/** Steps 5-7. */
async function publish(archive) {
  const build = await measureAgainstLive();
  const region = archive.regions.find((r) => r.latestWeek !== null) ?? null;
  const release = {
    wrangler,
    journal,
    dist,
    tag: buildCommit(process.env) ?? gitHead(),
    message: `site of ${build.newestWeek ?? "no week"} (${build.chartPages} chart pages, archive change ${build.change ?? "none"})`,
    verify: (versionId) => verifyLive(versionId, region, region && soundPageOf(dist, region.code)),
  };
  const version = await (flags["durable-object-migration"] ? deployWithMigration : uploadAndPromote)(release);
  journal.note(`deployed: version ${version} serves the new site`);
  const token = process.env.ADMIN_TOKEN?.trim();
  if (token) await indexForSearch({ archiveUrl, token, say: (line) => journal.note(line), signal: cancel.signal });
}

/** The smoke check, retried while the new version spreads over Cloudflare's network; its last problems. */
async function verifyLive(versionId, region, soundPage) {
  let problems = [];
  await retrying(async () => {
    problems = await smokeProblems({ origin, versionId, region, soundPage });
    return problems.length > 0 ? null : true;
  });
  return problems;
}

function gitHead() {
  try {
    return execFileSync("git", ["rev-parse", "HEAD"], { encoding: "utf8", stdio: ["ignore", "pipe", "ignore"] }).trim();
  } catch {
    return null;
  }
}

/** Step 3, with its deadline; a cancelled deploy stops it too. */
async function build() {
  journal.note(`building the site from ${archiveUrl}/api into ${dist} (links to ${origin})`);
  const deadline = new AbortController();
  const timer = setTimeout(
    () => deadline.abort(new Error(`it ran longer than BUILD_TIMEOUT_MINUTES (${buildMinutes} minutes)`)),
    buildMinutes * 60_000,
  );
  try {
    const { seconds } = await buildSite({
      archiveUrl,
      origin,
      outDir: dist,
      full: flags.full === true,
      log: (line) => console.log(`  ${line}`),
      signal: AbortSignal.any([cancel.signal, deadline.signal]),
    });
    journal.note(`site built in ${seconds} s`);
  } catch (error) {
    throw new DeployError(`${error.message}\nnothing was deployed: the live site is unchanged`);
  } finally {
    clearTimeout(timer);
  }
}

async function main() {
  if (flags["deploy-only"]) {
    if (!lastBuildFinished(cacheDir, resolve(dist)))
      throw new DeployError(`the build in ${dist} did not finish (or is not there): nothing was deployed`);
    return publish(await check(dist));
  }
  if (!(await workerStatus())) {
    if (!flags["first-deploy"] || flags["build-only"])
      throw new DeployError(
        `${archiveUrl}/api/status did not answer after retries: nothing was built or deployed, the live site is ` +
          "unchanged (a Worker that has never been deployed needs --first-deploy)",
      );
    await placeholderDeploy();
  }
  if (flags.wait) await waitForWeek(archiveUrl, { week: weekJustEnded(Date.now()), minutes: Number(flags.wait) });
  await build();
  const archive = await check(dist);
  journal.note("the build is complete against the archive");
  if (!flags["build-only"]) await publish(archive);
}

/** The failure on the console, in DEPLOY_REPORT and, with ALERT_WEBHOOK, as an alert. */
async function report(condition, reason) {
  const details = { origin, reason: reason.slice(0, 2_000), steps: journal.text().slice(-4_000) };
  journal.fail(`${condition}: ${reason}`);
  const alertUrl = process.env.ALERT_WEBHOOK;
  if (alertUrl) await postAlert(fetch, alertUrl, condition, details, Date.now());
}

const SIGNAL_EXIT = { SIGINT: 130, SIGTERM: 143 };
/** How long a cancelled deploy waits for its stopped child before it reports and exits. */
const CANCEL_GRACE_MS = 10_000;

let cancelledBy = null;
const cancelled = new Promise((resolve) => {
  for (const name of Object.keys(SIGNAL_EXIT))
    process.once(name, () => {
      cancelledBy = name;
      cancel.abort(new Error(`the deploy was cancelled (${name})`));
      resolve();
    });
});
const outcome = main().then(
  () => null,
  (error) => error,
);
await Promise.race([outcome, cancelled]);
if (cancelledBy) {
  const grace = new Promise((resolve) => setTimeout(resolve, CANCEL_GRACE_MS).unref());
  await Promise.race([outcome, grace]);
  await report("deploy_cancelled", `cancelled by ${cancelledBy} after: ${journal.lines.at(-1) ?? "nothing"}`);
  process.exit(SIGNAL_EXIT[cancelledBy]);
}
const error = await outcome;
if (error) {
  const known = error instanceof DeployError || error instanceof WranglerError;
  await report("deploy_failed", known ? error.message : `unexpected: ${error?.stack ?? error}`);
  process.exitCode = 1;
}
