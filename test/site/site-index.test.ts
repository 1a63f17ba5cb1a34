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
    expect(site.debuts("DE")).toEqual(archive.debuts.filter((d) => d.region === "DE"));
    expect(site.globalDebuts).toEqual(archive.globalDebuts);
  });
});
