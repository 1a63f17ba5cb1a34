/**
 * Incremental builds from a Worker's API (docs/site.md "Incremental by default"): a build that starts
 * from the previous one's store reads only the charts the archive says changed since
 * (`/api/site/charts?since=`), and still writes exactly what a full build from the same API writes.
 * The fake Worker numbers changes as migration 0007 does: a chart whose content differs from the
 * step before gets the next change number.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { SiteArchive } from "../../worker/schemas/site-archive";
import { type BuiltSite, buildSite, filesDiffer } from "./build-site";
import { type Changes, changesAfter, type FakeApi, fakeApi, type Handler, workerOver } from "./fake-api";
import { BACKFILLED, BEFORE, IMPORTED, NEW_WEEK } from "./fixture/growing-archive";

const ORIGIN = "https://sounds.example";
const STEPS = [
  ["new week", NEW_WEEK],
  ["backfill", BACKFILLED],
  ["import", IMPORTED],
] as const;

const keyOf = (chart: { region: string; week: string }) => `${chart.region}/${chart.week}`;

/** What a step's reads asked for and got. */
interface Reads {
  chartRequests: string[];
  chartsRead: string[];
}

const built: BuiltSite[] = [];
let api: FakeApi;
/** What the one fake Worker answers now: a build starts from a store of the same URL's reads. */
let serve: (url: URL) => ReturnType<Handler> = () => undefined;
let cacheRoot: string;
let first: { site: BuiltSite; reads: Reads };
const steps: Record<string, { incremental: BuiltSite; full: BuiltSite; reads: Reads; expected: string[] }> = {};

/** Serves `archive` with its change numbers and builds from it: from the shared cache, or from nothing. */
async function buildFrom(archive: SiteArchive, changes: Changes, cacheDir?: string) {
  const chartsRead: string[] = [];
  const handler = workerOver(archive, 2, changes);
  serve = (url) => {
    const answer = handler(url);
    if (url.pathname === "/api/site/charts" && answer) {
      chartsRead.push(...(answer.body as { charts: SiteArchive["charts"] }).charts.map(keyOf));
    }
    return answer;
  };
  const requested = api.requests.length;
  // One clock for every build: the about page says when the data was read.
  const env = { SOURCE_DATE_EPOCH: String(Date.parse("2026-11-30T12:00:00Z") / 1000) };
  const site = await buildSite({ url: api.baseUrl }, ORIGIN, cacheDir ? { cacheDir, env } : { env });
  built.push(site);
  expect(api.unexpected).toEqual([]);
  const chartRequests = api.requests.slice(requested).filter((path) => path.startsWith("/api/site/charts"));
  return { site, reads: { chartRequests, chartsRead: chartsRead.sort() } };
}

beforeAll(async () => {
  cacheRoot = mkdtempSync(join(tmpdir(), "site-incremental-api-"));
  api = await fakeApi((url) => serve(url));
  const cacheDir = join(cacheRoot, "cache");
  let changes = changesAfter(null, null, BEFORE);
  first = await buildFrom(BEFORE, changes, cacheDir);
  let previous: SiteArchive = BEFORE;
  for (const [name, archive] of STEPS) {
    const before = changes;
    changes = changesAfter(before, previous, archive);
    const expected = [...changes.changed].filter(([, n]) => n > before.seq).map(([key]) => key);
    const incremental = await buildFrom(archive, changes, cacheDir);
    const full = await buildFrom(archive, changes);
    steps[name] = {
      incremental: incremental.site,
      full: full.site,
      reads: incremental.reads,
      expected: expected.sort(),
    };
    previous = archive;
  }
}, 600_000);

afterAll(async () => {
  for (const site of built) site.cleanup();
  await api?.close();
  if (cacheRoot) rmSync(cacheRoot, { recursive: true, force: true });
});

describe("an incremental build from the API", () => {
  it("reads every chart the first time, without `since`", () => {
    expect(first.reads.chartRequests.every((path) => !path.includes("since="))).toBe(true);
    expect(first.reads.chartsRead).toHaveLength(BEFORE.charts.length);
  });

  it.each(STEPS.map(([name]) => name))("after a %s, reads only the charts that changed", (name) => {
    const { reads, expected } = steps[name]!;
    expect(expected.length).toBeGreaterThan(0);
    expect(reads.chartRequests.every((path) => path.includes(`since=`))).toBe(true);
    expect(reads.chartsRead).toEqual(expected);
  });

  it.each(STEPS.map(([name]) => name))("after a %s, writes the same files as a full build", (name) => {
    const { incremental, full } = steps[name]!;
    expect(incremental.files()).toEqual(full.files());
    expect(filesDiffer(full, incremental)).toEqual([]);
  });
});
