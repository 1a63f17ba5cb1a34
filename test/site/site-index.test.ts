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

  it("gives a page only to sounds on a latest chart, and the API link to any other", () => {
    const current = new Set(site.latestCharts.flatMap((c) => c.entries.map((e) => e.clip_id)));
    expect(new Set(site.currentSounds.map((s) => s.clipId))).toEqual(current);
    const old = archive.charts.flatMap((c) => c.entries).find((e) => !current.has(e.clip_id));
    expect(old).toBeDefined();
    expect(site.soundLink(old!.clip_id)).toBe(`/api/sounds/${old!.clip_id}`);
    const [first] = current;
    expect(site.soundLink(first!)).toBe(`/sounds/${first}/`);
  });

  it("traces a current sound's rank week by week in every region, gaps included", () => {
    const fr = site.latestCharts.find((c) => c.region === "FR")!;
    const longest = [...fr.entries].sort((a, b) => b.weeksOnChart - a.weeksOnChart)[0]!;
    const history = site.sound(longest.clip_id)!.history.find((h) => h.region === "FR")!;
    expect(history.current).toBe(longest.rank);
    expect(history.series.at(-1)).toEqual({ week: "2026-W47", rank: longest.rank, gap: false });
    const gap = history.series.find((p) => p.week === "2026-W46");
    if (gap) expect(gap).toEqual({ week: "2026-W46", rank: null, gap: true });
    expect(history.weeksCharted).toBe(history.series.filter((p) => p.rank !== null).length);
    expect(history.peak).toBe(Math.min(...history.series.flatMap((p) => (p.rank === null ? [] : [p.rank]))));
  });

  it("shows a new sound's week against the region's earlier weeks, never before the region's first", () => {
    const de = site.latestCharts.find((c) => c.region === "DE")!;
    const debut = de.entries.find((e) => e.movement === "new")!;
    const history = site.sound(debut.clip_id)!.history.find((h) => h.region === "DE")!;
    expect(history.series.map((p) => p.week)).toEqual(["2026-W44", "2026-W45", "2026-W46", "2026-W47"]);
    expect(history.series.map((p) => p.rank)).toEqual([null, null, null, debut.rank]);
  });

  it("keeps the logs in their published order", () => {
    expect(site.debuts("DE")).toEqual(archive.debuts.filter((d) => d.region === "DE"));
    expect(site.globalDebuts).toEqual(archive.globalDebuts);
  });
});
