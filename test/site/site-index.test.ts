import { describe, expect, it } from "vitest";
import { prepareArchive } from "../../site/src/lib/archive/prepare";
import { indexArchive } from "../../site/src/lib/indexed-chart";
import { buildSiteIndex } from "../../site/src/lib/site-index";
import { FIXTURE_LATEST, siteFixture } from "./fixture/site-fixture";

const archive = prepareArchive(siteFixture());
const site = buildSiteIndex(indexArchive(archive));

describe("buildSiteIndex", () => {
  it("lists regions by name and knows each one's latest week", () => {
    expect(site.regions.map((r) => r.code)).toEqual(["FR", "DE", "JP", "GB"]);
    expect(site.regionsWithCharts.map((r) => r.code)).toEqual(["FR", "DE", "GB"]);
    expect(site.latestWeek("DE")).toBe(FIXTURE_LATEST);
    expect(site.latestWeek("JP")).toBeUndefined();
    expect(site.latestCharts.map((c) => `${c.region} ${c.week}`)).toEqual([
      "FR 2026-W47",
      "DE 2026-W47",
      "GB 2026-W47",
    ]);
  });

  it("links neighbouring archived weeks across a gap and flags the week after it", () => {
    expect(site.neighbours("FR", "2026-W47")).toEqual({ previous: "2026-W45", next: undefined });
    expect(site.neighbours("FR", "2026-W45")).toEqual({ previous: "2026-W44", next: "2026-W47" });
    expect(site.neighbours("DE", "2026-W44")).toEqual({ previous: undefined, next: "2026-W45" });
    expect(site.followsGap("FR", "2026-W47")).toBe(true);
    expect(site.followsGap("FR", "2026-W45")).toBe(false);
    expect(site.isBaseline("GB", "2026-W44")).toBe(true);
  });

  it("keeps the logs in their published order", () => {
    const item = (region: string, clipId: string, week: string, firstSeen: string) => ({
      region,
      clipId,
      week,
      firstSeen,
      title: `Sound ${clipId}`,
      author: "",
      cover: "",
      rank: 1,
      link: "",
    });
    // Newest first, as the Worker publishes them; one region's items interleaved with another's.
    const debuts = [
      item("DE", "3", "2026-W47", "2026-11-23T00:18:00.000Z"),
      item("FR", "9", "2026-W47", "2026-11-23T00:17:00.000Z"),
      item("DE", "2", "2026-W46", "2026-11-16T00:18:00.000Z"),
      item("DE", "1", "2026-W45", "2026-11-09T00:18:00.000Z"),
    ];
    const globalDebuts = [
      { ...item("DE", "3", "2026-W47", "2026-11-23T00:18:00.000Z"), points: 190, regions: ["DE", "FR"] },
      { ...item("DE", "2", "2026-W46", "2026-11-16T00:18:00.000Z"), points: 100, regions: ["DE"] },
    ];
    const logs = buildSiteIndex(indexArchive(prepareArchive({ ...siteFixture(), debuts, globalDebuts })));
    expect(logs.debuts("DE").map((d) => `${d.clipId} ${d.week}`)).toEqual(["3 2026-W47", "2 2026-W46", "1 2026-W45"]);
    expect(logs.debuts("FR").map((d) => `${d.clipId} ${d.week}`)).toEqual(["9 2026-W47"]);
    expect(logs.debuts("JP")).toEqual([]);
    expect(logs.globalDebuts.map((d) => `${d.clipId} ${d.week} ${d.regions.join(",")}`)).toEqual([
      "3 2026-W47 DE,FR",
      "2 2026-W46 DE",
    ]);
  });
});
