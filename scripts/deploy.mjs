// `npm run deploy [-- --wait <minutes>]`: builds the site from the deployed Worker's own archive
// (its public API: never the upstream) and deploys Worker + site with `wrangler deploy`.
// SITE_ORIGIN is the deployment's public origin (https://<name>.<account>.workers.dev or your
// domain); ARCHIVE_URL defaults to it. On a first deploy the Worker does not answer yet: it is
// deployed once with a placeholder page, then the site is built from it and deployed again.
// --wait <minutes> first waits until the week that just ended is complete (or the time passes).
// --build-only stops after the build (Workers Builds runs its own deploy command after it).
// --full renders every page instead of only those whose data changed since the cached build.
import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { WRANGLER_ENV } from "./lib/dev-server.mjs";
import { buildSite } from "./lib/site-build.mjs";
import { waitForWeek, weekJustEnded } from "./lib/week-status.mjs";

const args = process.argv.slice(2);
const wait = args.includes("--wait") ? Number(args[args.indexOf("--wait") + 1] ?? 45) : 0;
const buildOnly = args.includes("--build-only");
const full = args.includes("--full");
const origin = (process.env.SITE_ORIGIN || "").replace(/\/+$/, "");
const archiveUrl = (process.env.ARCHIVE_URL || origin).replace(/\/+$/, "");
if (!origin) {
  console.error(
    "set SITE_ORIGIN to the deployment's public origin, e.g.\n" +
      "  SITE_ORIGIN=https://trending-sounds.<your-subdomain>.workers.dev npm run deploy",
  );
  process.exit(2);
}

const wrangler = (...more) =>
  execFileSync("npx", ["wrangler", ...more], { stdio: "inherit", env: { ...process.env, ...WRANGLER_ENV } });
const answers = async () =>
  fetch(`${archiveUrl}/api/status`)
    .then((r) => r.ok)
    .catch(() => false);

if (!(await answers()) && !buildOnly) {
  console.log(`• ${archiveUrl} does not answer yet: deploying the Worker with a placeholder page first`);
  if (!existsSync("site/dist/index.html")) {
    mkdirSync("site/dist", { recursive: true });
    writeFileSync("site/dist/index.html", "<!doctype html><title>Trending Sounds</title><p>Coming soon.</p>\n");
  }
  wrangler("deploy");
}
if (wait > 0) await waitForWeek(archiveUrl, { week: weekJustEnded(Date.now()), minutes: wait });

console.log(`• building the site from ${archiveUrl}/api (links to ${origin})`);
const next = "site/.dist-next";
const { seconds } = await buildSite({
  archiveUrl,
  origin,
  outDir: next,
  full,
  log: (line) => console.log(`  ${line}`),
});
rmSync("site/dist", { recursive: true, force: true });
renameSync(next, "site/dist");
console.log(`• site built in ${seconds} s${buildOnly ? "" : "; deploying"}`);
if (!buildOnly) wrangler("deploy");
