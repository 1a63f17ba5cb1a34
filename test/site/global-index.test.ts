import { describe, expect, it } from "vitest";
import { buildGlobalIndex } from "../../site/src/lib/global-index";
import { W10_TOP } from "../fixtures/global-example";
import { BACKFILL_W09, CHARTS, type Charts, globalArchive, ID, nameOf } from "./fixture/global-fixture";

function indexOf(charts: Charts) {
  const archive = globalArchive(charts);
  return buildGlobalIndex(
    archive.charts,
    archive.regions.map((r) => r.code),
  );
}

const rows = (index: ReturnType<typeof indexOf>, week: string) =>
  index
    .week(week)!
    .entries.map((e) => [nameOf(e.clip_id), e.rank, e.lastWeek, e.peak, e.weeksOnChart, e.movement, e.change]);

describe("buildGlobalIndex", () => {
  const index = indexOf(CHARTS);

  it("ranks a week by points, then regions, then best rank, then clip id", () => {
    const w10 = index.week("2026-W10")!;
    expect(w10.entries).toHaveLength(98);
    expect(w10.entries.slice(0, 11).map((e) => [nameOf(e.clip_id), e.points, e.regions, e.bestRank])).toEqual(W10_TOP);
    expect(w10.entries[0]).toMatchObject({
      numberOne: ["DE", "FR", "GB"],
      title: "Sound 901",
      cover: "https://p16.tiktokcdn.com/901-DE.jpeg",
      link: "https://www.tiktok.com/music/x-901",
    });
    expect(new Set(w10.entries.map((e) => e.movement))).toEqual(new Set(["baseline"]));
    expect(w10).toMatchObject({ charted: ["DE", "FR", "GB"], missing: ["JP"], baseline: true, spreading: null });
  });

  it("derives last week, peak, weeks on chart and movement over the global weeks", () => {
    expect(rows(index, "2026-W11")).toEqual([
      ["X", 1, 1, 1, 2, "same", 0],
      ["F", 2, 11, 2, 2, "up", 9],
      ["G", 3, null, 3, 1, "new", null],
      ["E", 4, 10, 4, 2, "up", 6],
      ["A", 5, 2, 2, 2, "down", -3],
      ["B", 6, 3, 3, 2, "down", -3],
      ["H", 7, null, 7, 1, "new", null],
    ]);
    expect(index.latest?.week).toBe("2026-W11");
  });

  it("lists the sounds spreading to the most new regions", () => {
    expect(
      index.week("2026-W11")!.spreading!.map((s) => [nameOf(s.clip_id), s.regions, s.previousRegions, s.entered]),
    ).toEqual([
      ["F", 3, 1, ["DE", "GB"]],
      ["G", 2, 0, ["FR", "GB"]],
      ["H", 1, 0, ["DE"]],
    ]);
  });

  it("recomputes later weeks when an earlier week is backfilled", () => {
    const backfilled = indexOf({ ...CHARTS, ...BACKFILL_W09 });
    expect(rows(backfilled, "2026-W09")).toEqual([
      ["G", 1, null, 1, 1, "baseline", null],
      ["X", 2, null, 2, 1, "baseline", null],
    ]);
    expect(rows(backfilled, "2026-W10")[0]).toEqual(["X", 1, 2, 1, 2, "up", 1]);
    expect(rows(backfilled, "2026-W11")[2]).toEqual(["G", 3, null, 1, 2, "re", null]);
    expect(backfilled.week("2026-W10")!.baseline).toBe(false);
  });

  it("treats a week without a chart anywhere as a gap: movement unknown, no spreading list", () => {
    const withGap = indexOf({ ...CHARTS, "2026-W13": { DE: [ID.X, "999"] } });
    expect(withGap.gaps).toEqual(["2026-W12"]);
    expect(withGap.neighbours("2026-W13")).toEqual({ previous: "2026-W11", next: undefined });
    expect(withGap.week("2026-W13")).toMatchObject({
      followsGap: true,
      spreading: null,
      returned: [],
      missing: ["FR", "GB", "JP"],
    });
    expect(rows(withGap, "2026-W13")).toEqual([
      ["X", 1, null, 1, 3, "unknown", null],
      ["999", 2, null, 2, 1, "new", null],
    ]);
  });

  it("says where a sound charts in the latest week, beyond the global top 100", () => {
    expect(index.latestReach(ID.F)).toEqual({ regions: ["DE", "FR", "GB"], rank: 2 });
    expect(index.latestReach(ID.C)).toEqual({ regions: [], rank: null });
  });

  it("names the regions back after a missed week, whose sounds all count as entering them", () => {
    const returned = indexOf({
      ...CHARTS,
      "2026-W12": { DE: [ID.X], FR: [ID.X] },
      "2026-W13": { DE: [ID.X], GB: [ID.X] },
    });
    expect(returned.week("2026-W13")).toMatchObject({ returned: ["GB"], missing: ["FR", "JP"] });
  });
});
