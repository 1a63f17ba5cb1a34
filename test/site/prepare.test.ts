import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { ArchiveError, prepareArchive } from "../../site/src/lib/archive/prepare";
import type { SiteArchive } from "../../worker/schemas/site-archive";

const fixture: SiteArchive = JSON.parse(readFileSync("site/fixtures/archive.json", "utf8"));

function clone(): SiteArchive {
  return structuredClone(fixture);
}

describe("prepareArchive", () => {
  it("accepts the committed fixture as it is, apart from XML-forbidden characters", () => {
    const prepared = prepareArchive(fixture);
    expect(prepared.charts).toHaveLength(fixture.charts.length);
    expect(prepared.regions.map((r) => [r.code, r.weeks, r.gaps])).toEqual(
      fixture.regions.map((r) => [r.code, r.weeks, r.gaps]),
    );
  });

  it("removes C0 controls, noncharacters and lone surrogates from every string", () => {
    const prepared = JSON.stringify(prepareArchive(fixture));
    expect(JSON.stringify(fixture)).toMatch(/\\u0000|\\u0007|\\ud800/);
    expect(prepared).not.toMatch(/\\u000[0-8bcef]|\\u001[0-9a-f]|\\ud[89a-f][0-9a-f]{2}|\uFFFE|\uFFFF/i);
    expect(prepared).toContain("مرحبا بالعالم 🎵🔥 bellnullescend");
  });

  it("leaves its input as it was", () => {
    const before = JSON.stringify(fixture);
    prepareArchive(fixture);
    expect(JSON.stringify(fixture)).toBe(before);
  });

  it("ignores charts of another source and drops their weeks", () => {
    const archive = clone();
    const foreign = structuredClone(archive.charts[0]!);
    archive.charts.push({ ...foreign, week: "2026-W48", source: "keyapi" });
    archive.regions[0]!.weeks.push("2026-W48");
    const warnings: string[] = [];
    const prepared = prepareArchive(archive, (message) => warnings.push(message));
    expect(prepared.charts.some((c) => c.week === "2026-W48")).toBe(false);
    expect(prepared.regions[0]!.weeks).not.toContain("2026-W48");
    expect(warnings.join("\n")).toMatch(/ignored 1 chart/);
    expect(warnings.join("\n")).toMatch(/no chart for listed week\(s\) 2026-W48/);
  });

  it("keeps a region's own chart when a foreign one claims the same week", () => {
    const archive = clone();
    const own = archive.charts[0]!;
    archive.charts.push({ ...structuredClone(own), source: "keyapi", entries: [] });
    const prepared = prepareArchive(archive);
    expect(prepared.charts.filter((c) => c.region === own.region && c.week === own.week)).toEqual([own]);
  });

  it.each([
    [
      "an unknown region",
      (a: SiteArchive) => {
        a.regions[0]!.code = "XX";
      },
    ],
    [
      "a lower-case region",
      (a: SiteArchive) => {
        a.charts[0]!.region = "de";
      },
    ],
    [
      "a non-canonical week",
      (a: SiteArchive) => {
        a.charts[0]!.week = "2026-w47";
      },
    ],
    [
      "a clip id that is not digits",
      (a: SiteArchive) => {
        a.charts[0]!.entries[0]!.clip_id = "1/../x";
      },
    ],
    ["a clip listed twice", (a: SiteArchive) => void a.charts[0]!.entries.push(a.charts[0]!.entries[0]!)],
    ["two charts for one week", (a: SiteArchive) => void a.charts.push(structuredClone(a.charts[0]!))],
    [
      "a debut with a bad date",
      (a: SiteArchive) => {
        a.debuts[0]!.firstSeen = "yesterday";
      },
    ],
    [
      "a global debut without regions",
      (a: SiteArchive) => {
        a.globalDebuts[0]!.regions = [];
      },
    ],
    [
      "a chart of an unlisted region",
      (a: SiteArchive) => {
        a.charts[0]!.region = "US";
      },
    ],
  ])("refuses %s", (_, corrupt) => {
    const archive = clone();
    corrupt(archive);
    expect(() => prepareArchive(archive)).toThrow(ArchiveError);
  });

  it("refuses what is not a SiteArchive", () => {
    expect(() => prepareArchive({ version: 2 })).toThrow(/not a SiteArchive/);
  });

  it("orders the logs newest first, keeping the log's own order among equals", () => {
    const archive = clone();
    archive.debuts.reverse();
    const prepared = prepareArchive(archive);
    const times = prepared.debuts.map((d) => Date.parse(d.firstSeen));
    expect(times).toEqual([...times].sort((a, b) => b - a));
  });
});
