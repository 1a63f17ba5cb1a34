/**
 * Nothing a build keeps outlives what made it: after a change of code, a change of the Worker's
 * projection, or an interrupted build, an incremental build from the previous build's cache and
 * output writes byte for byte what a full build of the same archive writes. Each build reads the
 * archive from a fake of the Worker's API that numbers changes as the Worker does (fake-api.ts).
 * (A restored database, the fourth kind of change, needs the real Worker: test/e2e/build-history.test.ts.)
 */
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { SiteArchive } from "../../worker/schemas/site-archive";
import { type BuildOptions, type BuiltSite, buildCommand, buildSite, filesDiffer } from "./build-site";
import { type Changes, changesAfter, type FakeApi, fakeApi, workerOver } from "./fake-api";
import { BEFORE, NEW_WEEK } from "./fixture/growing-archive";
import { projectVariant, type Variant } from "./variant";

const ORIGIN = "https://sounds.example";
// One clock for every build: the about page says when the data was read.
const env = { SOURCE_DATE_EPOCH: String(Date.parse("2026-11-30T12:00:00Z") / 1000) };
const FIRST = changesAfter(null, null, BEFORE);
const SECOND = changesAfter(FIRST, BEFORE, NEW_WEEK);

let api: FakeApi;
/** What the one fake Worker answers now. */
let serving = workerOver(BEFORE, 2, FIRST);
let temp: string;
let variant: Variant;
const built: BuiltSite[] = [];

/**
 * A data-shaping constant of the site (sparkline geometry), one of the ranking the build keeps
 * (the spreading list's length), and the stylesheet (a new hashed file name: the old one must go).
 */
const CODE_CHANGE = [
  { file: "site/src/lib/svg.ts", from: "SPARK_HEIGHT = 18", to: "SPARK_HEIGHT = 24" },
  { file: "worker/charts/global.ts", from: "SPREADING_SIZE = 20", to: "SPREADING_SIZE = 3" },
  { file: "site/src/styles/site.css", from: "--stripe: #f5f5f5;", to: "--stripe: #f4f4f4;" },
];

function serve(archive: SiteArchive, changes: Changes) {
  serving = workerOver(archive, 2, changes);
}

/** A cache and output folder that a chain of builds shares, as `npm start` and CI keep theirs. */
function keptState(name: string): Pick<BuildOptions, "cacheDir" | "outDir"> {
  return { cacheDir: join(temp, name, "cache"), outDir: join(temp, name, "dist") };
}

async function build(options: BuildOptions = {}): Promise<BuiltSite> {
  const site = await buildSite({ url: api.baseUrl }, ORIGIN, { ...options, env });
  built.push(site);
  expect(api.unexpected).toEqual([]);
  return site;
}

function expectSameSite(incremental: BuiltSite, full: BuiltSite) {
  expect(incremental.files()).toEqual(full.files());
  expect(filesDiffer(full, incremental)).toEqual([]);
}

beforeAll(async () => {
  temp = mkdtempSync(join(tmpdir(), "site-trust-"));
  api = await fakeApi((url) => serving(url));
  variant = projectVariant(CODE_CHANGE);
});

afterAll(async () => {
  for (const site of built) site.cleanup();
  await api?.close();
  variant?.cleanup();
  if (temp) rmSync(temp, { recursive: true, force: true });
});

describe("after a change of code", () => {
  it("re-renders every page with the new code, and reads only the charts that changed", async () => {
    const kept = keptState("code");
    serve(BEFORE, FIRST);
    const original = await build(kept);
    serve(NEW_WEEK, SECOND);
    const requested = api.requests.length;
    const incremental = await build({ ...kept, root: variant.root });
    const since = api.requests.slice(requested).filter((path) => path.startsWith("/api/site/charts"));
    const full = await build({ root: variant.root });

    // The edits matter: an old week's sparklines and a global week's spreading list are other bytes.
    const oldWeek = "/charts/DE/2026-W40/index.html";
    expect(full.read(oldWeek)).not.toEqual(original.read(oldWeek));
    expect(full.read("/charts/global/2026-W42/index.html")).not.toEqual(
      original.read("/charts/global/2026-W42/index.html"),
    );
    const stylesheets = (site: BuiltSite) => site.files().filter((path) => path.startsWith("/_astro/"));
    expect(stylesheets(full)).not.toEqual(stylesheets(original));
    expect(since.length).toBeGreaterThan(0);
    expect(since.every((path) => path.includes(`since=${FIRST.seq}`))).toBe(true);
    expectSameSite(incremental, full);
  });
});

describe("after a change of the Worker's projection", () => {
  it("reads every chart again when the same change numbers come with another projection", async () => {
    const kept = keptState("projection");
    serve(BEFORE, FIRST);
    await build(kept);
    // A Worker deploy that changes what /api/site/charts answers (a sanitising fix, say) for data
    // stored before it: other content, the same change numbers, a new projection version.
    const reprojected: SiteArchive = {
      ...BEFORE,
      charts: BEFORE.charts.map((chart) => ({
        ...chart,
        entries: chart.entries.map((entry) => ({ ...entry, title: `${entry.title} (remastered)` })),
      })),
    };
    serve(reprojected, { ...FIRST, projection: 2 });
    const incremental = await build(kept);
    const full = await build();
    expect(incremental.read("/charts/DE/2026-W40/index.html")).toContain("(remastered)");
    expectSameSite(incremental, full);
  });
});

describe("a read that does not add up", () => {
  it("is tried again incrementally once, then the whole archive is read", async () => {
    const kept = keptState("recount");
    serve(BEFORE, FIRST);
    await build(kept);
    // The first page of the next reads says the archive holds one chart more than kept plus read:
    // a chart stored between two pages of a read, then (second case) a history that differs.
    let wrongFirstPages = 1;
    const honest = workerOver(NEW_WEEK, 2, SECOND);
    serving = (url) => {
      const answer = honest(url);
      if (url.pathname !== "/api/site/charts" || url.searchParams.has("cursor") || wrongFirstPages === 0) return answer;
      wrongFirstPages--;
      const body = answer?.body as { regions: Record<string, { weeks: number; changes: number }> };
      return { body: { ...body, regions: { ...body.regions, DE: { weeks: 99, changes: 1 } } } };
    };
    const firstPages = () => api.requests.filter((p) => p.startsWith("/api/site/charts") && !p.includes("cursor="));
    const before = firstPages().length;
    const once = await build(kept);
    expect(firstPages().slice(before)).toEqual([
      `/api/site/charts?limit=100&since=${FIRST.seq}`,
      `/api/site/charts?limit=100&since=${FIRST.seq}`,
    ]);

    wrongFirstPages = 2;
    const beforeTwice = firstPages().length;
    const twice = await build(kept);
    expect(firstPages().slice(beforeTwice)).toEqual([
      `/api/site/charts?limit=100&since=${SECOND.seq}`,
      `/api/site/charts?limit=100&since=${SECOND.seq}`,
      "/api/site/charts?limit=100",
    ]);
    const full = await build();
    expectSameSite(once, full);
    expectSameSite(twice, full);
  });
});

/**
 * Starts a build of the variant and stops it with `signal` once it has written `pages` pages: it
 * is frozen (SIGSTOP) on the page's log line, so the signal lands mid-build whatever the machine's
 * speed. Resolves with the build's output.
 */
function interruptedBuild(kept: Pick<BuildOptions, "cacheDir" | "outDir">, signal: NodeJS.Signals, pages: number) {
  const run = buildCommand({ url: api.baseUrl }, ORIGIN, {
    ...kept,
    root: variant.root,
    env,
    temp: mkdtempSync(join(temp, "interrupted-")),
    outDir: kept.outDir ?? "",
  });
  return new Promise<string>((resolve) => {
    const child = spawn(run.command, run.args, { ...run.options, stdio: ["ignore", "pipe", "pipe"] });
    let output = "";
    let stopped = false;
    child.stdout.on("data", (chunk) => {
      output += chunk;
      if (stopped || (output.match(/├─ \/charts\//g) ?? []).length < pages) return;
      stopped = true;
      child.kill("SIGSTOP");
      child.kill(signal);
      child.kill("SIGCONT");
    });
    child.stderr.on("data", (chunk) => {
      output += chunk;
    });
    child.on("close", () => resolve(output));
  });
}

describe("after an interrupted build", () => {
  it.each(["SIGINT", "SIGKILL"] as const)(
    "a build stopped with %s on other code leaves nothing the next build trusts",
    async (signal) => {
      const kept = keptState(`interrupted-${signal}`);
      serve(BEFORE, FIRST);
      await build(kept);
      // A build of other code (a branch) over the same cache and output, stopped midway…
      serve(NEW_WEEK, SECOND);
      const output = await interruptedBuild(kept, signal, 10);
      expect(output).toMatch(/├─ \/charts\//);
      expect(output).not.toMatch(/Complete!/);
      // …then this checkout's code again: what a full build writes, none of the branch's pages.
      const incremental = await build(kept);
      const full = await build();
      expectSameSite(incremental, full);
    },
  );
});
