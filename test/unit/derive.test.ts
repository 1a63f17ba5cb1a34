import { describe, expect, it } from "vitest";
import {
  type Derived,
  type DerivedHistory,
  debutsOf,
  deriveAppended,
  deriveContinued,
  deriveHistory,
  type RankedSnapshot,
  type Track,
} from "../../worker/charts/derive";
import { addWeeks, previousWeek } from "../../worker/charts/iso-week";

/** A snapshot whose clips are ranked 1, 2, 3… in the order given. */
function snap(week: string, ...clips: string[]): RankedSnapshot {
  return { week, entries: clips.map((clip_id, i) => ({ clip_id, rank: i + 1 })) };
}

function at(history: DerivedHistory, week: string, clip: string): Derived {
  const derived = history.get(week)?.get(clip);
  if (!derived) throw new Error(`${clip} not on ${week}`);
  return derived;
}

/** Order-sensitive plain form: Map equality alone would ignore order. */
function plain(history: DerivedHistory) {
  return [...history].map(([week, entries]) => [week, [...entries]]);
}

describe("deriveHistory", () => {
  it("returns nothing for no snapshots", () => {
    expect(deriveHistory([]).size).toBe(0);
  });

  it("marks every entry of the first archived week baseline, with no debuts", () => {
    const history = deriveHistory([snap("2026-W10", "A", "B")]);
    expect(at(history, "2026-W10", "B")).toEqual({
      lastWeek: null,
      peak: 2,
      weeksOnChart: 1,
      firstWeek: "2026-W10",
      movement: "baseline",
      change: null,
    });
    expect(debutsOf(history.get("2026-W10") ?? new Map())).toEqual([]);
  });

  it("derives up, down, same, new and re against the week before", () => {
    const history = deriveHistory([
      snap("2026-W10", "A", "B", "C", "D"),
      snap("2026-W11", "B", "A", "C", "E"),
      snap("2026-W12", "D", "E", "A"),
    ]);
    const w11 = (clip: string) => at(history, "2026-W11", clip);
    expect(w11("B")).toMatchObject({ movement: "up", lastWeek: 2, change: 1, peak: 1 });
    expect(w11("A")).toMatchObject({ movement: "down", lastWeek: 1, change: -1, peak: 1 });
    expect(w11("C")).toMatchObject({ movement: "same", lastWeek: 3, change: 0, weeksOnChart: 2 });
    expect(w11("E")).toEqual({
      lastWeek: null,
      peak: 4,
      weeksOnChart: 1,
      firstWeek: "2026-W11",
      movement: "new",
      change: null,
    });
    expect(at(history, "2026-W12", "D")).toEqual({
      lastWeek: null,
      peak: 1,
      weeksOnChart: 2,
      firstWeek: "2026-W10",
      movement: "re",
      change: null,
    });
    expect(at(history, "2026-W12", "E")).toMatchObject({ movement: "up", lastWeek: 4, change: 2 });
    expect(at(history, "2026-W12", "A")).toMatchObject({ movement: "down", change: -1, peak: 1 });
    expect(debutsOf(history.get("2026-W11") ?? new Map())).toEqual(["E"]);
  });

  it("says unknown after a gap, but new for a sound never seen before", () => {
    const history = deriveHistory([
      snap("2026-W10", "A", "B"),
      snap("2026-W12", "B", "A", "C"),
      snap("2026-W13", "A", "B", "C"),
    ]);
    expect(history.has("2026-W11")).toBe(false);
    expect(at(history, "2026-W12", "B")).toEqual({
      lastWeek: null,
      peak: 1,
      weeksOnChart: 2,
      firstWeek: "2026-W10",
      movement: "unknown",
      change: null,
    });
    expect(at(history, "2026-W12", "A")).toMatchObject({ movement: "unknown", change: null });
    expect(at(history, "2026-W12", "C")).toMatchObject({ movement: "new", firstWeek: "2026-W12" });
    expect(debutsOf(history.get("2026-W12") ?? new Map())).toEqual(["C"]);
    expect(at(history, "2026-W13", "A")).toMatchObject({ movement: "up", lastWeek: 2, change: 1 });
    expect(at(history, "2026-W13", "C")).toMatchObject({ movement: "same", weeksOnChart: 2 });
  });

  it("counts re-entries after a gap into peak and weeks on chart, Billboard-style", () => {
    const history = deriveHistory([
      snap("2026-W10", "A", "B"),
      snap("2026-W11", "A"),
      snap("2026-W13", "A"),
      snap("2026-W14", "B", "A"),
    ]);
    expect(at(history, "2026-W13", "A")).toMatchObject({ movement: "unknown", weeksOnChart: 3 });
    expect(at(history, "2026-W14", "B")).toEqual({
      lastWeek: null,
      peak: 1,
      weeksOnChart: 2,
      firstWeek: "2026-W10",
      movement: "re",
      change: null,
    });
    expect(at(history, "2026-W14", "A")).toEqual({
      lastWeek: 1,
      peak: 1,
      weeksOnChart: 4,
      firstWeek: "2026-W10",
      movement: "down",
      change: -1,
    });
  });

  it("compares week 1 of 2027 with week 53 of 2026", () => {
    const history = deriveHistory([snap("2026-W52", "A", "B"), snap("2026-W53", "B", "A"), snap("2027-W01", "A", "B")]);
    expect(at(history, "2027-W01", "A")).toMatchObject({ movement: "up", lastWeek: 2 });
    const gapAt53 = deriveHistory([snap("2026-W52", "A"), snap("2027-W01", "A")]);
    expect(at(gapAt53, "2027-W01", "A").movement).toBe("unknown");
  });

  it("gives the same result whatever order snapshots and entries arrive in", () => {
    const inOrder = [
      snap("2026-W52", "A", "B", "C"),
      snap("2026-W53", "C", "A", "D"),
      snap("2027-W02", "D", "B", "E"),
      snap("2027-W03", "B", "A", "D"),
    ];
    const shuffled = [inOrder[2], inOrder[0], inOrder[3], inOrder[1]].map((s) => ({
      week: s?.week ?? "",
      entries: [...(s?.entries ?? [])].reverse(),
    }));
    const expected = deriveHistory(inOrder);
    expect(plain(deriveHistory(shuffled))).toStrictEqual(plain(expected));
    expect([...expected.keys()]).toEqual(["2026-W52", "2026-W53", "2027-W02", "2027-W03"]);
    expect([...(expected.get("2026-W53")?.keys() ?? [])]).toEqual(["C", "A", "D"]);
  });

  it("recomputes later weeks when an earlier week is backfilled", () => {
    const w11 = snap("2026-W11", "A", "B");
    const w12 = snap("2026-W12", "B", "C");
    const before = deriveHistory([w11, w12]);
    expect(at(before, "2026-W11", "A").movement).toBe("baseline");
    expect(at(before, "2026-W12", "C")).toMatchObject({ movement: "new", firstWeek: "2026-W12" });

    const after = deriveHistory([w12, w11, snap("2026-W10", "C", "A")]);
    expect(at(after, "2026-W10", "C").movement).toBe("baseline");
    expect(at(after, "2026-W11", "A")).toMatchObject({ movement: "up", lastWeek: 2, change: 1 });
    expect(at(after, "2026-W11", "B")).toMatchObject({ movement: "new" });
    expect(debutsOf(after.get("2026-W11") ?? new Map())).toEqual(["B"]);
    expect(at(after, "2026-W12", "C")).toEqual({
      lastWeek: null,
      peak: 1,
      weeksOnChart: 2,
      firstWeek: "2026-W10",
      movement: "re",
      change: null,
    });
    expect(at(after, "2026-W12", "B")).toMatchObject({ movement: "up", weeksOnChart: 2 });
  });

  it("keeps the best rank of a clip listed twice in one week", () => {
    const history = deriveHistory([
      { week: "2026-W10", entries: [{ clip_id: "A", rank: 5 }] },
      {
        week: "2026-W11",
        entries: [
          { clip_id: "A", rank: 7 },
          { clip_id: "A", rank: 3 },
        ],
      },
    ]);
    expect(history.get("2026-W11")?.size).toBe(1);
    expect(at(history, "2026-W11", "A")).toMatchObject({ movement: "up", change: 2, peak: 3 });
  });

  it("refuses a malformed or repeated week", () => {
    expect(() => deriveHistory([snap("2026-w10", "A")])).toThrow(RangeError);
    expect(() => deriveHistory([snap("2027-W53", "A")])).toThrow(RangeError);
    expect(() => deriveHistory([snap("2026-W10", "A"), snap("2026-W10", "B")])).toThrow(RangeError);
  });
});

describe("debutsOf", () => {
  it("lists the new sounds in chart order", () => {
    const history = deriveHistory([
      snap("2026-W10", "A"),
      snap("2026-W11", "X", "A", "Y", "Z"),
      snap("2026-W12", "Z", "A"),
    ]);
    expect(debutsOf(history.get("2026-W11") ?? new Map())).toEqual(["X", "Y", "Z"]);
    expect(debutsOf(history.get("2026-W12") ?? new Map())).toEqual([]);
  });
});

describe("deriveAppended: a week stored after all others, from the week before and each sound's track", () => {
  /** A small deterministic generator (mulberry32): the same histories on every run. */
  function random(seed: number): () => number {
    let a = seed;
    return () => {
      a = (a + 0x6d2b79f5) | 0;
      let t = Math.imul(a ^ (a >>> 15), 1 | a);
      t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
      return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
    };
  }

  it("gives the same answers as deriving the whole history, on 200 random histories with gaps", () => {
    for (let seed = 1; seed <= 200; seed++) {
      const next = random(seed);
      const weeks: RankedSnapshot[] = [];
      let week = "2026-W01";
      for (let i = 0; i < 8; i++) {
        week = addWeeks(week, next() < 0.2 ? 2 : 1); // now and then a gap
        const pool = Array.from({ length: 12 }, (_, k) => `c${k}`).filter(() => next() < 0.6);
        weeks.push({ week, entries: pool.map((clip_id, r) => ({ clip_id, rank: r + 1 })) });
      }
      for (let n = 1; n <= weeks.length; n++) {
        const prefix = weeks.slice(0, n);
        const last = prefix[n - 1]!;
        const whole = deriveHistory(prefix).get(last.week);
        const earlier = deriveHistory(prefix.slice(0, -1));
        const before = earlier.get(previousWeek(last.week));
        const previous =
          n === 1 ? null : before ? new Map(prefix[n - 2]!.entries.map((e) => [e.clip_id, e.rank])) : "gap";
        const tracks = new Map<string, Track>();
        for (const [, derived] of earlier)
          for (const [clip, d] of derived)
            tracks.set(clip, { peak: d.peak, weeksOnChart: d.weeksOnChart, firstWeek: d.firstWeek });
        expect(deriveAppended(last.week, last.entries, previous, tracks), `seed ${seed}, week ${n}`).toEqual(whole);
      }
    }
  });
});

describe("deriveContinued: later weeks derived again a slice at a time", () => {
  it("derives the weeks after a stored one from its ranks and each sound's track (worked by hand)", () => {
    // Stored so far: W10 A,B; W11 B,C. Then W12 C,A and, after a gap, W14 A.
    const tracks = new Map<string, Track>([
      ["A", { peak: 1, weeksOnChart: 1, firstWeek: "2026-W10" }],
      ["B", { peak: 1, weeksOnChart: 2, firstWeek: "2026-W10" }],
      ["C", { peak: 2, weeksOnChart: 1, firstWeek: "2026-W11" }],
    ]);
    const history = deriveContinued({ last: snap("2026-W11", "B", "C"), tracks }, [
      snap("2026-W14", "A"),
      snap("2026-W12", "C", "A"),
    ]);
    expect(plain(history)).toEqual([
      [
        "2026-W12",
        [
          ["C", { lastWeek: 2, peak: 1, weeksOnChart: 2, firstWeek: "2026-W11", movement: "up", change: 1 }],
          ["A", { lastWeek: null, peak: 1, weeksOnChart: 2, firstWeek: "2026-W10", movement: "re", change: null }],
        ],
      ],
      [
        "2026-W14",
        [["A", { lastWeek: null, peak: 1, weeksOnChart: 3, firstWeek: "2026-W10", movement: "unknown", change: null }]],
      ],
    ]);
  });

  it("says gap when the stored week before is not the week before, and baseline with nothing before", () => {
    const afterGap = deriveContinued({ last: snap("2026-W10", "A"), tracks: new Map() }, [snap("2026-W12", "A")]);
    expect(at(afterGap, "2026-W12", "A").movement).toBe("new");
    const first = deriveContinued({ last: null, tracks: new Map() }, [snap("2026-W12", "A")]);
    expect(at(first, "2026-W12", "A").movement).toBe("baseline");
  });
});
