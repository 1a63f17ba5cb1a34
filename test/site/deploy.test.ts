/**
 * `npm run deploy` against a stub `wrangler` (first on PATH: it records its arguments and the
 * site it was given, and keeps the version "serving" in a state file, as Cloudflare would) and a
 * fake production origin: the Worker's API over the fixture archive, the live site's
 * site-build.json, its pages and the endpoint, answering /api/status with the version the stub
 * last promoted (docs/operations.md "A deploy never makes the site worse"). Each case says what wrangler
 * was asked to do, the exit status and the alerts sent. The real site is built; the repository's
 * own site/dist is never touched.
 */
import { type ChildProcess, execFile } from "node:child_process";
import {
  chmodSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { delimiter, join } from "node:path";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { type Answer, fakeApi, type Handler, workerOver } from "./fake-api";
import { siteFixture } from "./fixture/site-fixture";

const ARCHIVE = siteFixture();
/** DE and GB have four weeks, FR three (a gap): eleven chart pages. */
const CHART_PAGES = 11;
/** The version serving before each deploy (the stub's state). */
const PREVIOUS = "00000000-0000-4000-8000-000000000001";

interface WranglerCall {
  args: string[];
  version?: string;
  files?: number;
  chartPages?: number;
  hasHome?: boolean;
}

// The stub: CommonJS (no package.json beside it), so any Node runs it. Output formats as wrangler 4's.
const STUB = `#!/usr/bin/env node
const fs = require("node:fs");
const path = require("node:path");
const args = process.argv.slice(2);
const call = { args };
const state = process.env.STUB_WRANGLER_STATE;
const record = () => fs.appendFileSync(process.env.STUB_WRANGLER_LOG, JSON.stringify(call) + "\\n");
const fail = (message) => { record(); console.error(message); process.exit(1); };
if (args.includes("--assets")) {
  const dir = args[args.indexOf("--assets") + 1];
  const files = fs.readdirSync(dir, { recursive: true, withFileTypes: true }).filter((e) => e.isFile());
  call.files = files.length;
  call.hasHome = fs.existsSync(path.join(dir, "index.html"));
  call.chartPages = files.filter((e) => /charts\\/[A-Z]{2}\\/\\d{4}-W\\d{2}$/.test(e.parentPath) && e.name === "index.html").length;
}
if (process.env.STUB_WRANGLER_FAIL && args.join(" ").includes(process.env.STUB_WRANGLER_FAIL)) fail("stub: failing as asked");
const command = args[0] === "versions" || args[0] === "deployments" ? args.slice(0, 2).join(" ") : args[0];
if (command === "deployments status") {
  if (!fs.existsSync(state)) fail("✘ [ERROR] The Worker trending-sounds has no deployments.");
  console.log(JSON.stringify({ id: "d-1", versions: [{ version_id: fs.readFileSync(state, "utf8"), percentage: 100 }] }));
} else if (command === "versions upload") {
  if (process.env.STUB_WRANGLER_PENDING_DO)
    fail("✘ [ERROR] This Worker has a pending Durable Object migration, which cannot be applied by \`wrangler versions upload\`. Durable Object migrations must be applied with \`wrangler deploy\`.");
  call.version = require("node:crypto").randomUUID();
  console.log("Worker Version ID: " + call.version);
} else if (command === "versions deploy") {
  fs.writeFileSync(state, args[2].split("@")[0]);
} else if (command === "rollback") {
  fs.writeFileSync(state, args[1]);
} else if (command === "deploy") {
  call.version = require("node:crypto").randomUUID();
  fs.writeFileSync(state, call.version);
  console.log("Current Version ID: " + call.version);
}
record();
`;

interface Run {
  code: number | null;
  output: string;
  calls: WranglerCall[];
  alerts: { condition: string; reason: string; steps: string }[];
  /** The previous output's marker survived: nothing was built into the dist folder. */
  liveUnchanged: boolean;
  /** The version the stub says serves after the run (null: the Worker was never deployed). */
  serving: string | null;
}

interface Options {
  /** Answers before the fake production's own (undefined: fall through). */
  handler?: Handler;
  /** The live site's chart pages in its site-build.json; "sitemap": it has none, its sitemap lists this many. */
  live?: number | { sitemap: number };
  env?: Record<string, string>;
  /** The configuration's DATA_SOURCE (the fixture archive is demo data). */
  source?: string;
  /** The Worker was never deployed (the stub knows no deployment). */
  absent?: boolean;
  /** The deploy is sent SIGTERM when the fake sees the first request this matches. */
  cancelOn?: (url: URL) => boolean;
  /** Another session's finished build, deployed with --deploy-only. */
  build?: { dist: string; cache: string };
}

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

function temporary(prefix: string): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

/** The live site's sitemap, listing `pages` chart pages (as @astrojs/sitemap writes it). */
function sitemap(origin: string, pages: number): string {
  const urls = Array.from({ length: pages }, (_, i) => `${origin}/charts/DE/2025-W${String(i + 1).padStart(2, "0")}/`);
  return `<urlset>${[`${origin}/`, ...urls].map((url) => `<url><loc>${url}</loc></url>`).join("")}</urlset>`;
}

/** A fake production and a stub wrangler; `run` runs the deploy script against them. */
async function production(options: Options = {}) {
  const temp = temporary("deploy-");
  const bin = join(temp, "bin");
  mkdirSync(bin);
  writeFileSync(join(bin, "wrangler"), STUB);
  chmodSync(join(bin, "wrangler"), 0o755);
  const log = join(temp, "wrangler.jsonl");
  const state = join(temp, "serving");
  if (!options.absent) writeFileSync(state, PREVIOUS);
  const config = join(temp, "wrangler.toml");
  writeFileSync(
    config,
    `name = "trending-sounds"\nmain = "worker/index.ts"\ncompatibility_date = "2026-11-01"\n[vars]\nDATA_SOURCE = "${options.source ?? "demo"}"\n`,
  );
  const dist = options.build?.dist ?? join(temp, "dist");
  if (!options.build) {
    mkdirSync(dist);
    writeFileSync(join(dist, "live-marker.html"), "the live site");
  }
  const serving = () => (existsSync(state) ? readFileSync(state, "utf8") : null);
  const worker = workerOver(ARCHIVE);
  let alerts: Run["alerts"] = [];
  let child: ChildProcess | undefined;
  let cancelled = false;

  const fake: Handler = (url, request) => {
    const path = url.pathname;
    if (path === "/__alert") {
      alerts.push(JSON.parse(request?.body ?? "{}"));
      return { body: {} };
    }
    if (options.cancelOn?.(url) && !cancelled) {
      cancelled = true;
      child?.kill("SIGTERM");
    }
    const answer = options.handler?.(url, request) ?? live(url) ?? worker(url);
    if (path === "/api/status" && answer && (answer.status ?? 200) === 200)
      return { body: { ...(answer.body as object), version: serving() ? { id: serving(), tag: null } : null } };
    return answer;
  };
  /** The live site: its record, its sitemaps, and the pages the promoted version serves (those of the build). */
  const live = (url: URL): Answer => {
    const path = url.pathname;
    const liveSite = options.live ?? CHART_PAGES;
    if (path === "/site-build.json")
      return typeof liveSite === "number"
        ? { body: { version: 1, source: "demo", chartPages: liveSite } }
        : { status: 404, body: {} };
    if (path === "/sitemap-index.xml")
      return {
        body: null,
        text: `<sitemapindex><sitemap><loc>${api.baseUrl}/sitemap-0.xml</loc></sitemap></sitemapindex>`,
      };
    if (path === "/sitemap-0.xml" && typeof liveSite !== "number")
      return { body: null, text: sitemap(api.baseUrl, liveSite.sitemap) };
    if (/^\/charts\/[A-Z]{2}\/$/.test(path)) {
      const file = join(dist, path, "index.html");
      return existsSync(file)
        ? { body: null, text: readFileSync(file, "utf8") }
        : { status: 404, body: null, text: "" };
    }
    if (path.startsWith("/sounds/")) return { body: null, text: "<!doctype html><title>A sound</title>" };
    if (path === "/v1/tiktok/trending/music")
      return {
        status: 400,
        body: { code: 400, message: "page must be between 1 and 100", data: null, requestId: "r" },
      };
    return undefined;
  };
  const api = await fakeApi(fake);
  cleanups.push(() => api.close());

  const env = {
    ...process.env,
    PATH: `${bin}${delimiter}${process.env.PATH}`,
    SITE_ORIGIN: api.baseUrl,
    SITE_DIST_DIR: dist,
    DEPLOY_RETRY_MS: "1",
    ARCHIVE_RETRY_MS: "1",
    ALERT_WEBHOOK: `${api.baseUrl}/__alert`,
    ASTRO_CACHE_DIR: options.build?.cache ?? join(temp, "cache"),
    WRANGLER_CONFIG: config,
    STUB_WRANGLER_LOG: log,
    STUB_WRANGLER_STATE: state,
    ...options.env,
  };
  const run = async (args: string[] = [], more: Record<string, string> = {}): Promise<Run> => {
    writeFileSync(log, "");
    alerts = [];
    const { code, output } = await new Promise<{ code: number | null; output: string }>((resolve) => {
      child = execFile(
        process.execPath,
        ["scripts/deploy.mjs", ...args],
        { env: { ...env, ...more }, maxBuffer: 16 * 1024 * 1024 },
        (error, stdout, stderr) => resolve({ code: error ? Number(error.code ?? 1) : 0, output: stdout + stderr }),
      );
    });
    const calls = readFileSync(log, "utf8")
      .split("\n")
      .filter(Boolean)
      .map((line) => JSON.parse(line) as WranglerCall);
    const liveUnchanged = existsSync(join(dist, "live-marker.html"));
    return { code, output, calls, alerts, liveUnchanged, serving: serving() };
  };
  return { run, dist, serving };
}

const commands = (run: Run) =>
  run.calls.map((c) =>
    (["versions", "deployments"].includes(c.args[0] ?? "") ? c.args.slice(0, 2) : c.args.slice(0, 1)).join(" "),
  );
const MIGRATE = ["d1", "migrations", "apply", "DB", "--remote"];
const RELEASE = ["deployments status", "versions upload", "d1", "versions deploy", "triggers"];

/** One finished build, shared by the --deploy-only cases that differ only after the build. */
const shared = { dir: "", dist: "", cache: "" };

describe("npm run deploy never makes the site worse", { timeout: 180_000 }, () => {
  beforeAll(async () => {
    shared.dir = mkdtempSync(join(tmpdir(), "deploy-shared-"));
    Object.assign(shared, { dist: join(shared.dir, "dist"), cache: join(shared.dir, "cache") });
    const built = await (await production({ build: shared })).run(["--build-only"]);
    expect(built.code, built.output).toBe(0);
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  }, 180_000);
  afterAll(() => rmSync(shared.dir, { recursive: true, force: true }));

  it("retries a Worker that answers 503, then uploads, migrates, promotes and checks the full site", async () => {
    let statusAsked = 0;
    const report = join(temporary("report-"), "report.txt");
    const { run } = await production({
      handler: (url) => (url.pathname === "/api/status" && ++statusAsked === 1 ? { status: 503, body: {} } : undefined),
      env: { DEPLOY_REPORT: report },
    });
    const result = await run();
    expect(result.code, result.output).toBe(0);
    expect(commands(result)).toEqual(RELEASE);
    const [, upload, migrate, promote] = result.calls as [WranglerCall, WranglerCall, WranglerCall, WranglerCall];
    expect(upload).toMatchObject({ hasHome: true, chartPages: CHART_PAGES });
    expect(upload.args).toEqual(expect.arrayContaining(["--tag", "--message"]));
    expect(migrate.args.slice(0, 5)).toEqual(MIGRATE);
    expect(promote.args.slice(0, 4)).toEqual(["versions", "deploy", `${upload.version}@100%`, "--yes"]);
    expect(result.serving).toBe(upload.version);
    expect(result.liveUnchanged).toBe(false); // replaced by the new build, as it should be
    expect(result.alerts).toEqual([]);
    expect(readFileSync(report, "utf8")).toMatch(
      new RegExp(
        `serving before this deploy: version ${PREVIOUS}[\\s\\S]*version ${upload.version} answers as expected`,
      ),
    );
  });

  it("deploys nothing when the Worker never answers, keeps the live site, exits non-zero and alerts", async () => {
    const { run } = await production({
      handler: (url) => (url.pathname === "/api/status" ? { status: 503, body: {} } : undefined),
    });
    const result = await run();
    expect(result.code).toBe(1);
    expect(result.output).toMatch(/did not answer after retries: nothing was built or deployed/);
    expect(result.calls).toEqual([]);
    expect(result.liveUnchanged).toBe(true);
    expect(result.alerts.map((a) => a.condition)).toEqual(["deploy_failed"]);
  });

  it("on an explicit first deploy of a Worker never deployed, deploys a placeholder, then releases the full site", async () => {
    // The Worker answers once something is deployed.
    const session = await production({
      absent: true,
      handler: (url) =>
        url.pathname === "/api/status" && session.serving() === null ? { status: 503, body: {} } : undefined,
    });
    const result = await session.run(["--first-deploy"]);
    expect(result.code, result.output).toBe(0);
    expect(commands(result)).toEqual(["deployments status", "d1", "deploy", ...RELEASE]);
    expect(result.calls[2]).toMatchObject({ files: 1, hasHome: true, chartPages: 0 });
    expect(result.calls[4]).toMatchObject({ hasHome: true, chartPages: CHART_PAGES });
    expect(result.serving).toBe(result.calls[4]?.version);
    expect(result.alerts).toEqual([]);
  });

  it("refuses --first-deploy when the Worker exists but does not answer: never a placeholder over the live site", async () => {
    const { run } = await production({
      handler: (url) => (url.pathname === "/api/status" ? { status: 503, body: {} } : undefined),
    });
    const result = await run(["--first-deploy"]);
    expect(result.code).toBe(1);
    expect(result.output).toMatch(/has a deployment of this Worker: --first-deploy never replaces a live site/);
    expect(commands(result)).toEqual(["deployments status"]);
    expect(result.serving).toBe(PREVIOUS);
    expect(result.liveUnchanged).toBe(true);
    expect(result.alerts.map((a) => a.condition)).toEqual(["deploy_failed"]);
  });

  it("deploys nothing when the build fails halfway through the archive, alerts, and never deploys that build", async () => {
    const { run } = await production({
      handler: (url) =>
        url.pathname === "/api/site/charts" && url.searchParams.has("cursor") ? { status: 500, body: {} } : undefined,
    });
    const result = await run();
    expect(result.code).toBe(1);
    expect(result.output).toMatch(/the site build failed[\s\S]*nothing was deployed/);
    expect(result.calls).toEqual([]);
    expect(result.alerts).toHaveLength(1);
    // The build wrote into the output before it failed: a later --deploy-only must not upload it.
    const afterwards = await run(["--deploy-only"]);
    expect(afterwards.code).toBe(1);
    expect(afterwards.output).toMatch(/did not finish[\s\S]*nothing was deployed/);
    expect(afterwards.calls).toEqual([]);
  });

  it("stops a deploy cancelled mid-build: the build's processes are gone, nothing uploaded, alert, non-zero", async () => {
    const session = await production({ cancelOn: (url) => url.pathname === "/api/site/charts" });
    const result = await session.run();
    expect(result.code, result.output).not.toBe(0);
    expect(result.calls).toEqual([]);
    expect(result.alerts.map((a) => a.condition)).toEqual(["deploy_cancelled"]);
    expect(result.alerts[0]?.steps).toMatch(/building the site/);
    expect(buildProcessesOf(session.dist)).toEqual([]);
  });

  it("builds without the token (--build-only), then checks again and releases (--deploy-only)", async () => {
    const { run } = await production();
    const built = await run(["--build-only"]);
    expect(built.code, built.output).toBe(0);
    expect(built.calls).toEqual([]);
    const released = await run(["--deploy-only"]);
    expect(released.code, released.output).toBe(0);
    expect(commands(released)).toEqual(RELEASE);
    expect(released.calls[1]).toMatchObject({ hasHome: true, chartPages: CHART_PAGES });
  });

  it("deploys nothing when the build lost pages the archive has", async () => {
    // The archive says DE has a fifth week the API's chart pages never delivered.
    const worker = workerOver(ARCHIVE);
    const { run } = await production({
      build: shared,
      handler: (url) => {
        if (url.pathname !== "/api/regions") return undefined;
        const answer = worker(url) as { body: { regions: { code: string; weeks: number }[] } };
        return {
          body: { regions: answer.body.regions.map((r) => (r.code === "DE" ? { ...r, weeks: r.weeks + 1 } : r)) },
        };
      },
    });
    const result = await run(["--deploy-only"]);
    expect(result.code).toBe(1);
    expect(result.output).toMatch(/the built site is incomplete[\s\S]*11 chart pages for 12 charts/);
    expect(result.calls).toEqual([]);
    expect(result.alerts).toHaveLength(1);
  });

  it("refuses a build without the sound page shell: nothing uploaded", async () => {
    const { run, dist } = await production();
    expect((await run(["--build-only"])).code).toBe(0);
    rmSync(join(dist, "shell", "sound", "index.html"));
    const result = await run(["--deploy-only"]);
    expect(result.code).toBe(1);
    expect(result.output).toMatch(/no sound page shell \(shell\/sound\/index.html\)/);
    expect(result.calls).toEqual([]);
    expect(result.alerts).toHaveLength(1);
  });

  describe("the live site is the yardstick", () => {
    it("refuses a build with fewer chart pages than the live site's site-build.json says: nothing uploaded", async () => {
      const { run } = await production({ build: shared, live: CHART_PAGES + 1 });
      const result = await run(["--deploy-only"]);
      expect(result.code).toBe(1);
      expect(result.output).toMatch(/11 chart pages, the live site 12 \(from site-build.json\)/);
      expect(result.calls).toEqual([]);
      expect(result.alerts.map((a) => a.condition)).toEqual(["deploy_failed"]);
    });

    it("counts the chart pages in the live sitemap when the live site has no site-build.json", async () => {
      const { run } = await production({ build: shared, live: { sitemap: CHART_PAGES + 1 } });
      const result = await run(["--deploy-only"]);
      expect(result.code).toBe(1);
      expect(result.output).toMatch(/11 chart pages, the live site 12 \(from its sitemaps/);
      expect(result.calls).toEqual([]);
    });

    it("deploys a smaller build with --allow-shrink, and says so loudly", async () => {
      const { run } = await production({ build: shared, live: CHART_PAGES + 1 });
      const result = await run(["--deploy-only", "--allow-shrink"]);
      expect(result.code, result.output).toBe(0);
      expect(result.output).toMatch(/SHRINKING THE SITE ON PURPOSE \(--allow-shrink\)/);
      expect(commands(result)).toEqual(RELEASE);
    });

    it("refuses demo data under a keyapi configuration: nothing uploaded", async () => {
      const { run } = await production({ build: shared, source: "keyapi" });
      const result = await run(["--deploy-only"]);
      expect(result.code).toBe(1);
      expect(result.output).toMatch(/the build holds demo data, but the configuration being deployed serves keyapi/);
      expect(result.calls).toEqual([]);
      expect(result.alerts).toHaveLength(1);
    });
  });

  describe("upload, migrate, promote, verify: a failure stops at its step and says what serves", () => {
    it("migrates and promotes nothing when the upload fails", async () => {
      const { run } = await production({ build: shared, env: { STUB_WRANGLER_FAIL: "versions upload" } });
      const result = await run(["--deploy-only"]);
      expect(result.code).toBe(1);
      expect(commands(result)).toEqual(["deployments status", "versions upload"]);
      expect(result.serving).toBe(PREVIOUS);
      expect(result.alerts[0]?.reason).toMatch(
        `nothing was uploaded or migrated; the previous version ${PREVIOUS} still serves`,
      );
    });

    it("promotes nothing when the migrations fail", async () => {
      const { run } = await production({ build: shared, env: { STUB_WRANGLER_FAIL: "migrations" } });
      const result = await run(["--deploy-only"]);
      expect(result.code).toBe(1);
      expect(commands(result)).toEqual(["deployments status", "versions upload", "d1"]);
      expect(result.serving).toBe(PREVIOUS);
      expect(result.alerts[0]?.reason).toMatch(
        /uploaded version \S+ \(not serving\); .*migrations apply DB --remote failed/,
      );
      expect(result.alerts[0]?.reason).toMatch(`the previous version ${PREVIOUS} still serves`);
    });

    it("names the state when the promotion fails after the migrations", async () => {
      const { run } = await production({ build: shared, env: { STUB_WRANGLER_FAIL: "versions deploy" } });
      const result = await run(["--deploy-only"]);
      expect(result.code).toBe(1);
      expect(commands(result)).toEqual(["deployments status", "versions upload", "d1", "versions deploy"]);
      expect(result.serving).toBe(PREVIOUS);
      expect(result.alerts[0]?.reason).toMatch(
        new RegExp(
          `uploaded version ${result.calls[1]?.version} \\(not serving\\); D1 migrations applied; promotion failed .*: ` +
            `the previous version ${PREVIOUS} still serves, on the migrated schema`,
        ),
      );
      expect(result.alerts[0]?.steps).toMatch(/D1 migrations applied/);
    });

    it("rolls back to the previous version when the promoted one fails its checks", async () => {
      const session = await production({
        build: shared,
        // The new version's sound pages are broken; the previous version's were fine.
        handler: (url) =>
          url.pathname.startsWith("/sounds/") && session.serving() !== PREVIOUS
            ? { status: 500, body: null, text: "" }
            : undefined,
      });
      const result = await session.run(["--deploy-only"]);
      expect(result.code).toBe(1);
      expect(commands(result)).toEqual([...RELEASE, "rollback"]);
      expect(result.calls.at(-1)?.args.slice(0, 3)).toEqual(["rollback", PREVIOUS, "--yes"]);
      expect(result.serving).toBe(PREVIOUS);
      expect(result.alerts[0]?.reason).toMatch(/failed its checks after promotion \(\/sounds\/\S+ answers 500/);
      expect(result.alerts[0]?.reason).toMatch(`rolled back: the previous version ${PREVIOUS} serves again`);
    });

    it("asks for --durable-object-migration when the upload is refused for one, and deploys with it", async () => {
      const { run } = await production({ build: shared, env: { STUB_WRANGLER_PENDING_DO: "1" } });
      const refused = await run(["--deploy-only"]);
      expect(refused.code).toBe(1);
      expect(refused.output).toMatch(
        /pending Durable Object migration[\s\S]*run the deploy again with --durable-object-migration/,
      );
      expect(commands(refused)).toEqual(["deployments status", "versions upload"]);
      const deployed = await run(["--deploy-only", "--durable-object-migration"]);
      expect(deployed.code, deployed.output).toBe(0);
      expect(commands(deployed)).toEqual(["deployments status", "d1", "deploy"]);
      expect(deployed.serving).toBe(deployed.calls[2]?.version);
    });
  });

  it("npm run alert appends the deploy's journal (DEPLOY_REPORT) to its message", async () => {
    const report = join(temporary("report-"), "report.txt");
    writeFileSync(report, "uploaded version v-1 (not serving)\nD1 migrations applied\n");
    const messages: string[] = [];
    const api = await fakeApi((_url, request) => {
      messages.push(JSON.parse(request?.body ?? "{}").message);
      return { body: {} };
    });
    cleanups.push(() => api.close());
    await new Promise((resolve) =>
      execFile(
        process.execPath,
        ["scripts/alert.mjs", "deploy_failed", "the rebuild failed"],
        { env: { ...process.env, ALERT_WEBHOOK: `${api.baseUrl}/hook`, DEPLOY_REPORT: report } },
        resolve,
      ),
    );
    expect(messages).toEqual([expect.stringMatching(/^the rebuild failed\n[\s\S]*D1 migrations applied$/)]);
  });
});

/** Processes still running a build into `dist` (Linux's /proc; none elsewhere). */
function buildProcessesOf(dist: string): string[] {
  if (!existsSync("/proc")) return [];
  return readdirSync("/proc")
    .filter((name) => /^\d+$/.test(name))
    .filter((pid) => {
      try {
        return readFileSync(`/proc/${pid}/cmdline`, "utf8").includes(dist);
      } catch {
        return false;
      }
    });
}
