/**
 * `npm run deploy` against a stub `wrangler` (first on PATH: it records its arguments and the
 * site it was asked to deploy) and a fake of the Worker's API (DESIGN.md "A deploy never makes the
 * site worse"). Each case says what was deployed (nothing, or a full site), the exit status and
 * the alerts sent. The real site is built; the repository's own site/dist is never touched.
 */
import { execFile } from "node:child_process";
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { delimiter, join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { type Handler, fakeApi, workerOver } from "./fake-api";
import { siteFixture } from "./fixture/site-fixture";

const ARCHIVE = siteFixture();
/** DE and GB have four weeks, FR three (a gap): eleven chart pages. */
const CHART_PAGES = 11;

interface WranglerCall {
  args: string[];
  files?: number;
  chartPages?: number;
  hasHome?: boolean;
}

// The stub: CommonJS (no package.json beside it), so any Node runs it.
const STUB = `#!/usr/bin/env node
const fs = require("node:fs");
const path = require("node:path");
const args = process.argv.slice(2);
const call = { args };
if (args[0] === "deploy") {
  const dir = args[args.indexOf("--assets") + 1];
  const files = fs.readdirSync(dir, { recursive: true, withFileTypes: true }).filter((e) => e.isFile());
  call.files = files.length;
  call.hasHome = fs.existsSync(path.join(dir, "index.html"));
  call.chartPages = files.filter((e) => /charts\\/[A-Z]{2}\\/\\d{4}-W\\d{2}$/.test(e.parentPath) && e.name === "index.html").length;
}
fs.appendFileSync(process.env.STUB_WRANGLER_LOG, JSON.stringify(call) + "\\n");
if (process.env.STUB_WRANGLER_FAIL && args.join(" ").includes(process.env.STUB_WRANGLER_FAIL)) process.exit(1);
if (args[0] === "deploy" && process.env.STUB_WRANGLER_NOTIFY)
  fetch(process.env.STUB_WRANGLER_NOTIFY, { method: "POST" }).then(() => process.exit(0), () => process.exit(0));
`;

interface Run {
  code: number;
  output: string;
  calls: WranglerCall[];
  alerts: number;
  /** The previous output's marker survived: nothing was built into site/dist. */
  liveUnchanged: boolean;
}

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

/** Runs the deploy script with the stub, against a fake Worker whose answers `handler` decides. */
async function deploy(
  handler: Handler,
  options: { args?: string[]; afterwards?: string[]; env?: Record<string, string> } = {},
): Promise<Run & { afterwards?: Run }> {
  const temp = mkdtempSync(join(tmpdir(), "deploy-"));
  cleanups.push(() => rmSync(temp, { recursive: true, force: true }));
  const bin = join(temp, "bin");
  mkdirSync(bin);
  writeFileSync(join(bin, "wrangler"), STUB);
  chmodSync(join(bin, "wrangler"), 0o755);
  const log = join(temp, "wrangler.jsonl");
  writeFileSync(log, "");
  const dist = join(temp, "dist");
  mkdirSync(dist);
  writeFileSync(join(dist, "live-marker.html"), "the live site");

  let alerts = 0;
  const api = await fakeApi((url) => {
    if (url.pathname === "/__alert") {
      alerts++;
      return { body: {} };
    }
    return handler(url);
  });
  cleanups.push(() => api.close());
  const env = {
    ...process.env,
    PATH: `${bin}${delimiter}${process.env.PATH}`,
    SITE_ORIGIN: api.baseUrl,
    SITE_DIST_DIR: dist,
    DEPLOY_RETRY_MS: "1",
    ARCHIVE_RETRY_MS: "1",
    ALERT_WEBHOOK: `${api.baseUrl}/__alert`,
    ASTRO_CACHE_DIR: join(temp, "cache"),
    STUB_WRANGLER_LOG: log,
    STUB_WRANGLER_NOTIFY: `${api.baseUrl}/__deployed`,
    ...options.env,
  };
  const once = async (args: string[]): Promise<Run> => {
    writeFileSync(log, "");
    alerts = 0;
    const { code, output } = await new Promise<{ code: number; output: string }>((resolve) => {
      execFile(
        process.execPath,
        ["scripts/deploy.mjs", ...args],
        { env, maxBuffer: 16 * 1024 * 1024 },
        (error, stdout, stderr) => resolve({ code: error ? Number(error.code ?? 1) : 0, output: stdout + stderr }),
      );
    });
    const calls = readFileSync(log, "utf8")
      .split("\n")
      .filter(Boolean)
      .map((line) => JSON.parse(line) as WranglerCall);
    return { code, output, calls, alerts, liveUnchanged: existsSync(join(dist, "live-marker.html")) };
  };
  const first = await once(options.args ?? []);
  return options.afterwards ? { ...first, afterwards: await once(options.afterwards) } : first;
}

const MIGRATE = ["d1", "migrations", "apply", "DB", "--remote"];
const worker = workerOver(ARCHIVE);

describe("npm run deploy never makes the site worse", { timeout: 180_000 }, () => {
  it("retries a Worker that answers 503, then deploys the full, checked site after the migrations", async () => {
    let statusAsked = 0;
    const run = await deploy((url) => {
      if (url.pathname === "/api/status" && ++statusAsked === 1) return { status: 503, body: { code: 503 } };
      return worker(url);
    });
    expect(run.code, run.output).toBe(0);
    expect(run.calls.map((c) => c.args.slice(0, 5))).toEqual([MIGRATE, ["deploy", "--assets", expect.any(String)]]);
    expect(run.calls[1]).toMatchObject({ hasHome: true, chartPages: CHART_PAGES });
    expect(run.liveUnchanged).toBe(false); // replaced by the new build, as it should be
    expect(run.alerts).toBe(0);
  });

  it("deploys nothing when the Worker never answers, keeps the live site, exits non-zero and alerts", async () => {
    const run = await deploy((url) => (url.pathname === "/api/status" ? { status: 503, body: {} } : worker(url)));
    expect(run.code).toBe(1);
    expect(run.output).toMatch(/did not answer after retries: nothing was built or deployed/);
    expect(run.calls).toEqual([]);
    expect(run.liveUnchanged).toBe(true);
    expect(run.alerts).toBe(1);
  });

  it("on an explicit first deploy, deploys a placeholder, waits until the Worker answers, then the full site", async () => {
    let deployed = false;
    const run = await deploy(
      (url) => {
        if (url.pathname === "/__deployed") {
          deployed = true;
          return { body: {} };
        }
        if (!deployed) return { status: 503, body: {} };
        return worker(url);
      },
      { args: ["--first-deploy"] },
    );
    expect(run.code, run.output).toBe(0);
    expect(run.calls.map((c) => c.args[0])).toEqual(["d1", "deploy", "d1", "deploy"]);
    expect(run.calls[1]).toMatchObject({ files: 1, hasHome: true, chartPages: 0 });
    expect(run.calls[3]).toMatchObject({ hasHome: true, chartPages: CHART_PAGES });
    expect(run.alerts).toBe(0);
  });

  it("deploys nothing when the build fails halfway through the archive, alerts, and never deploys that build", async () => {
    const run = await deploy(
      (url) =>
        url.pathname === "/api/site/charts" && url.searchParams.has("cursor") ? { status: 500, body: {} } : worker(url),
      { afterwards: ["--deploy-only"] },
    );
    expect(run.code).toBe(1);
    expect(run.output).toMatch(/the site build failed[\s\S]*nothing was deployed/);
    expect(run.calls).toEqual([]);
    expect(run.alerts).toBe(1);
    // The build wrote into site/dist before it failed: a later --deploy-only must not upload it.
    expect(run.afterwards?.code).toBe(1);
    expect(run.afterwards?.output).toMatch(/did not finish[\s\S]*nothing was deployed/);
    expect(run.afterwards?.calls).toEqual([]);
  });

  it("deploys nothing when the migrations fail: the Worker code never goes live before its schema", async () => {
    const run = await deploy(worker, { env: { STUB_WRANGLER_FAIL: "migrations" } });
    expect(run.code).toBe(1);
    expect(run.output).toMatch(/wrangler d1 migrations apply DB --remote failed/);
    expect(run.calls.map((c) => c.args.slice(0, 5))).toEqual([MIGRATE]);
    expect(run.alerts).toBe(1);
  });

  it("deploys nothing when the build lost pages the archive has", async () => {
    // The archive says DE has a fifth week the API's chart pages never delivered.
    const run = await deploy((url) => {
      if (url.pathname !== "/api/regions") return worker(url);
      const answer = worker(url) as { body: { regions: { code: string; weeks: number }[] } };
      return {
        body: { regions: answer.body.regions.map((r) => (r.code === "DE" ? { ...r, weeks: r.weeks + 1 } : r)) },
      };
    });
    expect(run.code).toBe(1);
    expect(run.output).toMatch(/the built site is incomplete[\s\S]*11 chart pages for 12 charts/);
    expect(run.calls).toEqual([]);
    expect(run.alerts).toBe(1);
  });

  it("builds without the token (--build-only), then checks again, migrates and deploys (--deploy-only)", async () => {
    const run = await deploy(worker, { args: ["--build-only"], afterwards: ["--deploy-only"] });
    expect(run.code, run.output).toBe(0);
    expect(run.calls).toEqual([]);
    expect(run.afterwards?.code, run.afterwards?.output).toBe(0);
    expect(run.afterwards?.calls.map((c) => c.args.slice(0, 5))).toEqual([
      MIGRATE,
      ["deploy", "--assets", expect.any(String)],
    ]);
    expect(run.afterwards?.calls[1]).toMatchObject({ hasHome: true, chartPages: CHART_PAGES });
  });
});
