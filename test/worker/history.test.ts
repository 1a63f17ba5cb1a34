import { createExecutionContext } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { beforeAll, describe, expect, it } from "vitest";
import { createApp } from "../../worker/app";
import { productionDeps } from "../../worker/app-env";
import { GlobalStore } from "../../worker/archive/global";
import { ArchiveStore } from "../../worker/archive/store";
import { weekStart } from "../../worker/charts/iso-week";
import type { Sound } from "../../worker/charts/sound";
import { testSound } from "../fixtures/sound";

/** The production wiring without the colo cache: each test reads what the archive holds now. */
const NO_COLO = { ...productionDeps, coloCache: () => null };

/**
 * A small history written by hand, with its chart and its feed items worked out by hand: the
 * expected values below come from reading the snapshots, never from the code under test.
 *
 *   IS     W40    W41    W42    W43    W44           LU     W40    W41    W44
 *   #1     A      B      (gap)  D      D             #1     X      D      E
 *   #2     B      A             C      A             #2            X
 *   #3     C      D             E      C
 */
const SNAPSHOTS: [string, string, string[]][] = [
  ["IS", "2026-W40", ["A", "B", "C"]],
  ["IS", "2026-W41", ["B", "A", "D"]],
  ["IS", "2026-W43", ["D", "C", "E"]],
  ["IS", "2026-W44", ["D", "A", "C"]],
  ["LU", "2026-W40", ["X"]],
  ["LU", "2026-W41", ["D", "X"]],
  ["LU", "2026-W44", ["E"]],
];
const CLIP: Record<string, string> = { A: "101", B: "102", C: "103", D: "104", E: "105", X: "199" };

function sound(letter: string, rank: number, region: string): Sound {
  return testSound(CLIP[letter]!, rank, region, letter);
}

const fetchedAt = (week: string) => weekStart(week) + 8 * 86_400_000;

async function store(region: string, week: string, letters: string[]) {
  const entries = letters.map((letter, i) => sound(letter, i + 1, region));
  await new ArchiveStore(env.DB, "keyapi").storeSnapshot({
    region,
    week,
    fetchedAt: fetchedAt(week),
    source: "keyapi",
    entries,
  });
}

async function get<T>(path: string): Promise<T> {
  const response = await createApp(NO_COLO).fetch(
    new Request(`https://x.test${path}`),
    { ...env, DATA_SOURCE: "keyapi", KEYAPI_KEY: "k" } as Env,
    createExecutionContext(),
  );
  expect(response.status, path).toBe(200);
  return (await response.json()) as T;
}

type Row = { clip_id: string; rank: number } & Record<string, unknown>;
const derived = (chart: { entries: Row[] }) =>
  chart.entries.map(({ clip_id, rank, lastWeek, peak, weeksOnChart, firstWeek, movement, change }) => ({
    clip: Object.keys(CLIP).find((k) => CLIP[k] === clip_id),
    rank,
    lastWeek,
    peak,
    weeksOnChart,
    firstWeek,
    movement,
    change,
  }));

/** What the job does once a week is complete: its global ranking, then its global debuts. */
async function completeWeek(week: string) {
  const global = new GlobalStore(env.DB, "keyapi");
  await global.rebuild(week);
  await global.publishDebuts(week);
}

beforeAll(async () => {
  // Week by week, as the job stores them (a week stored before every other is a baseline).
  const byWeek = [...SNAPSHOTS].sort(([ra, wa], [rb, wb]) => (wa === wb ? ra.localeCompare(rb) : wa.localeCompare(wb)));
  for (const [region, week, letters] of byWeek) await store(region, week, letters);
  for (const week of new Set(byWeek.map(([, week]) => week))) await completeWeek(week);
});

describe("chart history, against values worked out by hand", () => {
  it("marks a region's first archived week as baseline, announcing nothing", async () => {
    expect(derived(await get("/api/charts/IS/2026-W40"))).toEqual([
      {
        clip: "A",
        rank: 1,
        lastWeek: null,
        peak: 1,
        weeksOnChart: 1,
        firstWeek: "2026-W40",
        movement: "baseline",
        change: null,
      },
      {
        clip: "B",
        rank: 2,
        lastWeek: null,
        peak: 2,
        weeksOnChart: 1,
        firstWeek: "2026-W40",
        movement: "baseline",
        change: null,
      },
      {
        clip: "C",
        rank: 3,
        lastWeek: null,
        peak: 3,
        weeksOnChart: 1,
        firstWeek: "2026-W40",
        movement: "baseline",
        change: null,
      },
    ]);
  });

  it("moves up, down and debuts against the week before", async () => {
    expect(derived(await get("/api/charts/IS/2026-W41"))).toEqual([
      { clip: "B", rank: 1, lastWeek: 2, peak: 1, weeksOnChart: 2, firstWeek: "2026-W40", movement: "up", change: 1 },
      {
        clip: "A",
        rank: 2,
        lastWeek: 1,
        peak: 1,
        weeksOnChart: 2,
        firstWeek: "2026-W40",
        movement: "down",
        change: -1,
      },
      {
        clip: "D",
        rank: 3,
        lastWeek: null,
        peak: 3,
        weeksOnChart: 1,
        firstWeek: "2026-W41",
        movement: "new",
        change: null,
      },
    ]);
  });

  it("says unknown after a gap, but new for a sound never seen before", async () => {
    expect(derived(await get("/api/charts/IS/2026-W43"))).toEqual([
      {
        clip: "D",
        rank: 1,
        lastWeek: null,
        peak: 1,
        weeksOnChart: 2,
        firstWeek: "2026-W41",
        movement: "unknown",
        change: null,
      },
      {
        clip: "C",
        rank: 2,
        lastWeek: null,
        peak: 2,
        weeksOnChart: 2,
        firstWeek: "2026-W40",
        movement: "unknown",
        change: null,
      },
      {
        clip: "E",
        rank: 3,
        lastWeek: null,
        peak: 3,
        weeksOnChart: 1,
        firstWeek: "2026-W43",
        movement: "new",
        change: null,
      },
    ]);
  });

  it("counts weeks on chart in total and marks re-entries", async () => {
    expect(derived(await get("/api/charts/IS/2026-W44"))).toEqual([
      { clip: "D", rank: 1, lastWeek: 1, peak: 1, weeksOnChart: 3, firstWeek: "2026-W41", movement: "same", change: 0 },
      {
        clip: "A",
        rank: 2,
        lastWeek: null,
        peak: 1,
        weeksOnChart: 3,
        firstWeek: "2026-W40",
        movement: "re",
        change: null,
      },
      {
        clip: "C",
        rank: 3,
        lastWeek: 2,
        peak: 2,
        weeksOnChart: 3,
        firstWeek: "2026-W40",
        movement: "down",
        change: -1,
      },
    ]);
  });
});

describe("the published logs, against items worked out by hand", () => {
  type Debut = { region: string; clipId: string; week: string; firstSeen: string; rank: number };
  type GlobalDebut = {
    clipId: string;
    week: string;
    regions: string[];
    rank: number;
    points: number;
    firstSeen: string;
  };

  it("announces one item per region's debut, newest first", async () => {
    const { items } = await get<{ items: Debut[] }>("/api/debuts");
    expect(items.map(({ region, clipId, week, rank }) => [region, clipId, week, rank])).toEqual([
      ["LU", CLIP.E, "2026-W44", 1],
      ["IS", CLIP.E, "2026-W43", 3],
      ["IS", CLIP.D, "2026-W41", 3], // the same week and time: by region
      ["LU", CLIP.D, "2026-W41", 1],
    ]);
    expect(items[0]?.firstSeen).toBe(new Date(fetchedAt("2026-W44")).toISOString());
  });

  /*
   * The global chart by hand (points = Σ 101 − rank):
   *   W40 (baseline)  A 100 (IS #1), X 100 (LU #1), B 99, C 98
   *   W41             D 98 + 100 = 198 (IS #3, LU #1): new; B 100, A 99, X 99
   *   W43 (IS only)   D 100, C 99 (global in W40), E 98: new
   *   W44             D 100, E 100 (LU #1; tie by clip id), A 99, C 98: nothing new
   */
  it("announces a sound once, in its first week in the global top 100, with its global rank, points and regions", async () => {
    const { items } = await get<{ items: GlobalDebut[] }>("/api/debuts/global");
    expect(
      items.map(({ clipId, week, regions, rank, points, firstSeen }) => [
        clipId,
        week,
        regions,
        rank,
        points,
        firstSeen,
      ]),
    ).toEqual([
      [CLIP.E, "2026-W43", ["IS"], 3, 98, new Date(fetchedAt("2026-W43")).toISOString()],
      [CLIP.D, "2026-W41", ["IS", "LU"], 1, 198, new Date(fetchedAt("2026-W41")).toISOString()],
    ]);
  });

  it("publishes a week twice with the same items, and never from the baseline week", async () => {
    const before = await get("/api/debuts/global");
    for (const week of ["2026-W40", "2026-W41", "2026-W43", "2026-W44"])
      expect(await new GlobalStore(env.DB, "keyapi").publishDebuts(week)).toBe(0);
    expect(await get("/api/debuts/global")).toEqual(before);
  });

  it("keeps every item as it was when an earlier week is backfilled", async () => {
    const before = [await get("/api/debuts"), await get("/api/debuts/global")];
    // D was on IS's chart in W39 after all: its W41 appearance is no longer a debut, regionally
    // or globally (W39 is now the global baseline).
    await store("IS", "2026-W39", ["D", "A"]);
    // The rankings are rebuilt (as the job does for due weeks); a week completed again publishes
    // nothing over its items.
    for (const week of ["2026-W39", "2026-W40", "2026-W41"]) await new GlobalStore(env.DB, "keyapi").rebuild(week);
    await completeWeek("2026-W41");
    expect((await get<{ entries: Row[] }>("/api/charts/IS/2026-W41")).entries[2]).toMatchObject({
      clip_id: CLIP.D,
      movement: "re",
      weeksOnChart: 2,
    });
    expect([await get("/api/debuts"), await get("/api/debuts/global")]).toEqual(before);
  });
});
