/**
 * Incremental builds (docs/site.md "A new week costs the same in year ten as in week two"): each
 * build starts from the previous one's cache, and must write exactly what a full build of the same
 * archive writes (the oracle), while a new week changes only the pages that show it.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { SiteArchive } from "../../worker/schemas/site-archive";
import { type BuiltSite, buildSite, filesDiffer } from "./build-site";
import { BACKFILLED, BEFORE, DROPPED, IMPORTED, NEW_WEEK } from "./fixture/growing-archive";

const ORIGIN = "https://sounds.example";

const built: BuiltSite[] = [];
let cacheRoot: string;
/** The chain of incremental builds shares this cache and output folder, as `npm start` and CI keep theirs. */
let cacheDir: string;
let outDir: string;

async function build(archive: SiteArchive, options: { incremental: boolean }): Promise<BuiltSite> {
  const site = await buildSite(archive, ORIGIN, options.incremental ? { cacheDir, outDir } : {});
  built.push(site);
  return site;
}

let first: BuiltSite;
const steps: Record<string, { incremental: BuiltSite; full: BuiltSite }> = {};

beforeAll(async () => {
  cacheRoot = mkdtempSync(join(tmpdir(), "site-incremental-"));
  cacheDir = join(cacheRoot, "cache");
  outDir = join(cacheRoot, "dist");
  first = await build(BEFORE, { incremental: true });
  for (const [name, archive] of [
    ["new week", NEW_WEEK],
    ["backfill", BACKFILLED],
    ["import", IMPORTED],
    ["region dropped", DROPPED],
  ] as const) {
    const incremental = await build(archive, { incremental: true });
    const full = await build(archive, { incremental: false });
    steps[name] = { incremental, full };
  }
}, 600_000);

afterAll(() => {
  for (const site of built) site.cleanup();
  if (cacheRoot) rmSync(cacheRoot, { recursive: true, force: true });
});

describe("an incremental build", () => {
  it.each(["new week", "backfill", "import", "region dropped"])(
    "writes the same files, byte for byte, as a full build after a %s",
    (name) => {
      const { incremental, full } = steps[name]!;
      expect(incremental.files()).toEqual(full.files());
      expect(filesDiffer(full, incremental)).toEqual([]);
    },
  );

  it("starts from nothing as a full build and restores no page", () => {
    expect(first.restored).toEqual([]);
    expect(first.files()).toContain("/charts/DE/2026-W40/index.html");
  });

  it("restores the pages a new week does not change instead of rendering them", () => {
    const { incremental } = steps["new week"]!;
    expect(incremental.restored).toEqual(
      expect.arrayContaining([
        "/charts/DE/2026-W40/index.html",
        "/charts/DE/2026-W42/index.html",
        "/charts/FR/2026-W40/index.html",
        "/charts/GB/2026-W41/index.html",
        "/charts/global/2026-W40/index.html",
        "/charts/global/2026-W42/index.html",
        "/charts/JP/index.html",
        "/charts/JP/weeks/index.html",
        "/charts/JP/rss.xml",
      ]),
    );
    expect(incremental.restored).not.toContain("/charts/DE/2026-W43/index.html");
    expect(incremental.restored).not.toContain("/charts/DE/2026-W44/index.html");
  });

  it("re-renders an old week's page when an import changes its chart", () => {
    const { incremental } = steps.import!;
    expect(incremental.restored).not.toContain("/charts/DE/2026-W41/index.html");
    expect(incremental.read("/charts/DE/2026-W41/index.html")).toContain("Corrected title");
    expect(incremental.restored).toContain("/charts/DE/2026-W40/index.html");
  });

  it("leaves no page of a region that is gone", () => {
    const { incremental } = steps["region dropped"]!;
    expect(incremental.files().filter((path) => path.startsWith("/charts/GB/"))).toEqual([]);
    expect(incremental.files()).toContain("/charts/DE/2026-W44/index.html");
  });
});

describe("a new week", () => {
  it("changes only its own pages, the week before's, the latest pages, lists, the current year's pages, home, about and feeds", () => {
    // Written out from the fixture (growing-archive.ts): W44 joins DE, FR and GB; JP has no chart.
    const expected = [
      "/about/index.html",
      "/charts/DE/2026-W43/index.html",
      "/charts/DE/2026-W44/index.html",
      "/charts/DE/index.html",
      "/charts/DE/rss.xml",
      "/charts/DE/weeks/index.html",
      "/charts/DE/year/2026/index.html",
      "/charts/FR/2026-W43/index.html",
      "/charts/FR/2026-W44/index.html",
      "/charts/FR/index.html",
      "/charts/FR/rss.xml",
      "/charts/FR/weeks/index.html",
      "/charts/FR/year/2026/index.html",
      "/charts/GB/2026-W43/index.html",
      "/charts/GB/2026-W44/index.html",
      "/charts/GB/index.html",
      "/charts/GB/rss.xml",
      "/charts/GB/weeks/index.html",
      "/charts/GB/year/2026/index.html",
      "/charts/global/2026-W43/index.html",
      "/charts/global/2026-W44/index.html",
      "/charts/global/index.html",
      "/charts/global/weeks/index.html",
      // The current year's year-end pages: every new week moves them (no other year is archived here;
      // build-year.test.ts shows a past year's pages staying as they were).
      "/charts/global/year/2026/index.html",
      "/index.html",
      "/rss.xml",
      // What the site was built from: its newest week, the archive's change number, its chart pages.
      "/site-build.json",
      // The pages' sitemap gains the week's pages; the sitemap index stays as it was.
      "/sitemap-0.xml",
    ];
    expect(filesDiffer(first, steps["new week"]!.incremental)).toEqual(expected);
  });

  it("leaves a past week's page without build-wide text: no newest snapshot, sounds linked to /sounds/", () => {
    const page = steps["new week"]!.full.read("/charts/DE/2026-W40/index.html");
    expect(page).not.toContain("Newest snapshot");
    expect(page).not.toContain('href="/api/sounds/');
    expect(page.match(/href="\/sounds\/\d+\/"/g)).toHaveLength(100);
  });
});
