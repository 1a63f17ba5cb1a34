import { describe, expect, it } from "vitest";
import { type RegionalEntry, spreadingOf } from "../../worker/charts/global";

const entry = (region: string, clip_id: string, rank: number): RegionalEntry => ({
  region,
  clip_id,
  rank,
  title: `Sound ${clip_id}`,
  author: "",
  cover: "",
});

describe("spreadingOf compares only the regions charted in both weeks", () => {
  it("does not count a region back after a missed week as entered by every sound on it", () => {
    const previous = [entry("DE", "1", 1), entry("FR", "2", 1)];
    // GB had no chart last week: its sounds are not "spreading" into it.
    const current = [entry("DE", "1", 1), entry("FR", "1", 2), entry("GB", "1", 1), entry("GB", "3", 2)];
    expect(spreadingOf(current, previous)).toEqual([
      { clip_id: "1", title: "Sound 1", author: "", cover: "", regions: 2, previousRegions: 1, entered: ["FR"] },
    ]);
  });

  it("lists nothing when last week has no chart at all", () => {
    expect(spreadingOf([entry("DE", "1", 1)], [])).toEqual([]);
  });
});
