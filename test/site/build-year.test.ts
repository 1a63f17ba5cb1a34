/**
 * Year-end chart pages (docs/weekly-archive.md "Year-end charts"), built from an archive that crosses a year:
 * the table ranks as the Worker's code does (the API's rule), a year in progress says "so far",
 * gaps are listed, and a new week re-renders only the current year's pages — a completed year's
 * are restored from the previous build, byte for byte the same as a full build's.
 */
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildGlobalIndex } from "../../site/src/lib/global-index";
import { type RankedWeek, yearOfWeeks } from "../../worker/charts/year";
import type { SiteArchive } from "../../worker/schemas/site-archive";
import { type BuiltSite, buildSite } from "./build-site";
import { makeSiteArchive } from "./fixture/site-fixture";
import { attr, byTag, kids, text } from "./html";

const ORIGIN = "https://sounds.example";

function archiveOf(de: string[], fr: string[], readAt: string): SiteArchive {
  return makeSiteArchive({
    regions: [
      { code: "DE", weeks: de },
      { code: "FR", weeks: fr },
    ],
    keep: () => 100,
    readAt,
  });
}

// FR missed 2025-W51: a gap, counted as nothing and listed.
const BEFORE = archiveOf(
  ["2025-W51", "2025-W52", "2026-W01"],
  ["2025-W50", "2025-W52", "2026-W01"],
  "2026-01-05T06:00:00.000Z",
);
const NEW_WEEK = archiveOf(
  ["2025-W51", "2025-W52", "2026-W01", "2026-W02"],
  ["2025-W50", "2025-W52", "2026-W01", "2026-W02"],
  "2026-01-12T06:00:00.000Z",
);

let cacheRoot: string;
let before: BuiltSite;
let incremental: BuiltSite;
let full: BuiltSite;

beforeAll(async () => {
  cacheRoot = mkdtempSync(join(tmpdir(), "site-year-"));
  const cacheDir = join(cacheRoot, "cache");
  before = await buildSite(BEFORE, ORIGIN, { cacheDir });
  incremental = await buildSite(NEW_WEEK, ORIGIN, { cacheDir });
  full = await buildSite(NEW_WEEK, ORIGIN);
}, 600_000);

afterAll(() => {
  for (const site of [before, incremental, full]) site?.cleanup();
  if (cacheRoot) rmSync(cacheRoot, { recursive: true, force: true });
});

/** Each row of a year page as [clip id, rank, weeks, peak, points, peak week, first week]. */
function yearRows(site: BuiltSite, path: string): (string | number)[][] {
  const table = byTag(site.html(path), "table").find((t) => attr(t, "class") === "chart year")!;
  return byTag(byTag(table, "tbody")[0]!, "tr").map((row) => {
    const [rank, weeks, , peak, points, firstWeek, peakWeek] = kids(row).map((cell) => text(cell).trim());
    return [attr(row, "id")!, Number(rank), Number(weeks), Number(peak), Number(points), peakWeek!, firstWeek!];
  });
}

function expectedRows(year: number, weeks: RankedWeek[]): (string | number)[][] {
  return yearOfWeeks(year, weeks).map((e) => [
    e.clip_id,
    e.rank,
    e.weeks,
    e.peak,
    e.points,
    e.peakWeek,
    e.debut ? `${e.firstWeek} (debut)` : e.firstWeek,
  ]);
}

const regionWeeks = (archive: SiteArchive, region: string): RankedWeek[] =>
  archive.charts.filter((chart) => chart.region === region);

function globalWeeks(archive: SiteArchive): RankedWeek[] {
  const index = buildGlobalIndex(
    archive.charts,
    archive.regions.map((region) => region.code),
  );
  return index.weeks.flatMap(({ week }) => index.week(week) ?? []);
}

describe("year-end chart pages", () => {
  it("rank a region's year and the global year as the Worker's code does, top 100", () => {
    for (const [region, year] of [
      ["DE", 2025],
      ["FR", 2025],
      ["DE", 2026],
    ] as const) {
      const rows = yearRows(full, `/charts/${region}/year/${year}/index.html`);
      expect(rows, `${region} ${year}`).toEqual(expectedRows(year, regionWeeks(NEW_WEEK, region)));
      expect(rows.length).toBe(100);
    }
    expect(yearRows(full, "/charts/global/year/2025/index.html")).toEqual(expectedRows(2025, globalWeeks(NEW_WEEK)));
    expect(yearRows(full, "/charts/global/year/2026/index.html")).toEqual(expectedRows(2026, globalWeeks(NEW_WEEK)));
  });

  it("say 'so far' only on the year in progress, list the gaps, and name the year's #1", () => {
    const current = full.read("/charts/DE/year/2026/index.html");
    expect(current).toContain("top 100 of 2026 so far");
    expect(current).toContain("counted up to week 2026-W02");
    const past = full.read("/charts/FR/year/2025/index.html");
    expect(past).not.toContain("so far");
    expect(past).toContain("ISO year 2025, complete.");
    expect(past).toContain("No chart for 2025-W51");
    const top = yearOfWeeks(2025, regionWeeks(NEW_WEEK, "FR"))[0]!;
    const summary = byTag(full.html("/charts/FR/year/2025/index.html"), "ul").find(
      (u) => attr(u, "class") === "summary",
    )!;
    expect(text(byTag(summary, "li")[0]!)).toContain(`Sound of the year: ${top.title}`);
    expect(attr(byTag(summary, "a")[0]!, "href")).toBe(`#${top.clip_id}`);
  });

  it("are linked from each region's weeks list, the global weeks list and the home page", () => {
    const links = (path: string) => byTag(full.html(path), "a").map((a) => attr(a, "href"));
    expect(links("/charts/FR/weeks/index.html")).toEqual(
      expect.arrayContaining(["/charts/FR/year/2025/", "/charts/FR/year/2026/"]),
    );
    expect(links("/charts/global/weeks/index.html")).toEqual(
      expect.arrayContaining(["/charts/global/year/2025/", "/charts/global/year/2026/"]),
    );
    expect(links("/index.html")).toEqual(
      expect.arrayContaining(["/charts/global/year/2025/", "/charts/global/year/2026/"]),
    );
  });

  it("change with a new week only in the current year: a completed year's pages are restored as they were", () => {
    const years = (site: BuiltSite) => site.files().filter((path) => path.includes("/year/"));
    const changed = years(incremental).filter(
      (path) =>
        !before.exists(path) || !readFileSync(join(before.dir, path)).equals(readFileSync(join(incremental.dir, path))),
    );
    expect(changed).toEqual([
      "/charts/DE/year/2026/index.html",
      "/charts/FR/year/2026/index.html",
      "/charts/global/year/2026/index.html",
    ]);
    expect(incremental.restored).toEqual(
      expect.arrayContaining([
        "/charts/DE/year/2025/index.html",
        "/charts/FR/year/2025/index.html",
        "/charts/global/year/2025/index.html",
      ]),
    );
    expect(incremental.restored).not.toContain("/charts/DE/year/2026/index.html");
  });

  it("are written by an incremental build byte for byte as by a full one", () => {
    expect(incremental.files()).toEqual(full.files());
    for (const path of full.files().filter((p) => p.includes("/year/"))) {
      expect(readFileSync(join(incremental.dir, path)).equals(readFileSync(join(full.dir, path))), path).toBe(true);
    }
  });
});
