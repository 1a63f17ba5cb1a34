import { describe, expect, it } from "vitest";
import {
  type RankedWeek,
  globalYearGaps,
  weeksOfYear,
  yearComplete,
  yearOfWeeks,
  yearSpan,
  yearSummary,
} from "../../worker/charts/year";

/**
 * One region's weeks, written by hand (2026-W02 is a gap: no chart, no points; 2025-W52 belongs
 * to another ISO year). A week gives 101 − rank:
 *
 *   2025-W52  A1                                   (not 2026)
 *   2026-W01  A1 B2 C3 D4 G35
 *   2026-W03  B1 E2 A3 D4 C5 G35
 *   2026-W04  H1 F2 G35
 *
 *   B  99 + 100       = 199  2 weeks  peak 1 (W03)
 *   G  66 + 66 + 66   = 198  3 weeks  peak 35         ┐ tie on points: more weeks first
 *   A  100 + 98       = 198  2 weeks  peak 1 (W01)    ┘
 *   C  98 + 96        = 194  2 weeks  peak 3          ┐ tie on points and weeks: better peak first
 *   D  97 + 97        = 194  2 weeks  peak 4 (W01)    ┘
 *   H  100            = 100  1 week   peak 1
 *   F  99             =  99  1 week   peak 2          ┐ tie on everything: clip id as text,
 *   E  99             =  99  1 week   peak 2          ┘ "100" before "20"
 */
const ID = { A: "11", B: "12", C: "13", D: "14", E: "20", F: "100", G: "17", H: "18" } as const;
type Name = keyof typeof ID;
const nameOf = (clip: string) => (Object.keys(ID) as Name[]).find((n) => ID[n] === clip);

function week(name: string, placed: [Name, number, string][]): RankedWeek {
  return {
    week: name,
    entries: placed.map(([sound, rank, movement]) => ({
      clip_id: ID[sound],
      rank,
      title: `${sound} in ${name}`,
      author: `Artist ${sound}`,
      cover: "",
      movement,
    })),
  };
}

const WEEKS: RankedWeek[] = [
  week("2026-W04", [
    ["H", 1, "re"],
    ["F", 2, "new"],
    ["G", 35, "same"],
  ]),
  week("2025-W52", [["A", 1, "same"]]),
  week("2026-W01", [
    ["A", 1, "re"],
    ["B", 2, "re"],
    ["C", 3, "up"],
    ["D", 4, "new"],
    ["G", 35, "new"],
  ]),
  week("2026-W03", [
    ["B", 1, "unknown"],
    ["E", 2, "new"],
    ["A", 3, "unknown"],
    ["D", 4, "unknown"],
    ["C", 5, "unknown"],
    ["G", 35, "unknown"],
  ]),
];

describe("a year's ranking, worked out by hand", () => {
  it("ranks by points, then weeks charted, then best rank, then clip id as text", () => {
    const year = yearOfWeeks(2026, WEEKS);
    expect(year.map((e) => [e.rank, nameOf(e.clip_id), e.points, e.weeks, e.peak, e.peakWeek, e.firstWeek])).toEqual([
      [1, "B", 199, 2, 1, "2026-W03", "2026-W01"],
      [2, "G", 198, 3, 35, "2026-W01", "2026-W01"],
      [3, "A", 198, 2, 1, "2026-W01", "2026-W01"],
      [4, "C", 194, 2, 3, "2026-W01", "2026-W01"],
      [5, "D", 194, 2, 4, "2026-W01", "2026-W01"],
      [6, "H", 100, 1, 1, "2026-W04", "2026-W04"],
      [7, "F", 99, 1, 2, "2026-W04", "2026-W04"],
      [8, "E", 99, 1, 2, "2026-W03", "2026-W03"],
    ]);
  });

  it("takes a sound's title from the week it peaked and marks the sounds that debuted this year", () => {
    const year = yearOfWeeks(2026, WEEKS);
    expect(year[0]).toMatchObject({ title: "B in 2026-W03", author: "Artist B", firstRank: 2, debut: false });
    expect(year.filter((e) => e.debut).map((e) => [nameOf(e.clip_id), e.firstRank])).toEqual([
      ["G", 35],
      ["D", 4],
      ["F", 2],
      ["E", 2],
    ]);
  });

  it("counts only the year's own weeks, and only the top `size`", () => {
    expect(yearOfWeeks(2025, WEEKS).map((e) => [nameOf(e.clip_id), e.points])).toEqual([["A", 100]]);
    expect(yearOfWeeks(2026, WEEKS, 3).map((e) => nameOf(e.clip_id))).toEqual(["B", "G", "A"]);
    expect(yearOfWeeks(2024, WEEKS)).toEqual([]);
  });

  it("summarises the year: its #1, the longest-running and the biggest debut (ties: the better year rank)", () => {
    const summary = yearSummary(yearOfWeeks(2026, WEEKS));
    expect([summary.numberOne, summary.longestRunning, summary.biggestDebut].map((e) => nameOf(e!.clip_id))).toEqual([
      "B",
      "G",
      "F",
    ]);
    expect(yearSummary([])).toEqual({ numberOne: null, longestRunning: null, biggestDebut: null });
  });
});

describe("a year's span", () => {
  it("has 52 or 53 ISO weeks", () => {
    expect(weeksOfYear(2026)).toHaveLength(53);
    expect(weeksOfYear(2025)).toHaveLength(52);
    expect(weeksOfYear(2026).at(-1)).toBe("2026-W53");
  });

  it("is 'so far' up to the archive's newest week while the year is in progress, complete after", () => {
    expect(yearSpan(2026, "2026-W48", false)).toEqual({ throughWeek: "2026-W48", soFar: true });
    expect(yearSpan(2026, "2026-W53", false)).toEqual({ throughWeek: "2026-W53", soFar: true });
    expect(yearSpan(2026, "2026-W53", true)).toEqual({ throughWeek: "2026-W53", soFar: false });
    expect(yearSpan(2025, "2026-W48", true)).toEqual({ throughWeek: "2025-W52", soFar: false });
  });

  it("is complete once every configured region has its last week, or that week's window has closed", () => {
    // 2026-W53's window: Monday 2027-01-04 00:00 to Wednesday 2027-01-06 00:00 UTC.
    const monday = Date.UTC(2027, 0, 4, 6);
    expect(yearComplete(2026, { settledRegions: 1, configuredRegions: 3 }, monday)).toBe(false);
    expect(yearComplete(2026, { settledRegions: 3, configuredRegions: 3 }, monday)).toBe(true);
    expect(yearComplete(2026, { settledRegions: 1, configuredRegions: 3 }, Date.UTC(2027, 0, 6))).toBe(true);
  });

  it("lists the global chart's gaps: weeks of the year in the archived span with no chart anywhere", () => {
    const charted = ["2025-W51", "2026-W01", "2026-W03", "2026-W04"];
    expect(globalYearGaps(2026, charted, "2025-W51", "2026-W05")).toEqual(["2026-W02", "2026-W05"]);
    expect(globalYearGaps(2026, ["2026-W03"], "2026-W03", "2026-W03")).toEqual([]);
  });
});
