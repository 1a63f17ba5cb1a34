import { createExecutionContext } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { beforeAll, describe, expect, it } from "vitest";
import { createApp } from "../../worker/app";
import { productionDeps } from "../../worker/app-env";
import { GlobalStore } from "../../worker/archive/global";
import { ArchiveStore } from "../../worker/archive/store";
import { weekStart } from "../../worker/charts/iso-week";
import type { Sound } from "../../worker/charts/sound";
import type { GlobalChart, Spreading } from "../../worker/schemas/global-chart";
import { BACKFILL_W09, CHARTS, ID, W10_TOP, nameOf } from "../fixtures/global-example";

/** The production wiring without the colo cache: each test reads what the archive holds now. */
const NO_COLO = { ...productionDeps, coloCache: () => null };

// The hand-written charts and their worked-out global chart: test/fixtures/global-example.ts.
function sound(clip: string, rank: number, region: string): Sound {
  return {
    rank,
    clip_id: clip,
    song_id: clip,
    title: `Sound ${clip}`,
    author: `Artist ${clip}`,
    link: `https://www.tiktok.com/music/x-${clip}`,
    url_title: "s",
    cover: `https://p16.tiktokcdn.com/${clip}-${region}.jpeg`,
    duration: 30,
    country_code: region,
    if_cml: false,
    promoted: false,
    trend: [],
  };
}

async function storeWeek(week: string, charts: Record<string, string[]>): Promise<void> {
  const store = new ArchiveStore(env.DB, "keyapi");
  for (const [region, clips] of Object.entries(charts)) {
    const entries = clips.map((clip, i) => sound(clip, i + 1, region));
    await store.storeSnapshot({ region, week, fetchedAt: weekStart(week) + 8 * 86_400_000, source: "keyapi", entries });
  }
  await new GlobalStore(env.DB, "keyapi").rebuild(week);
}

async function get<T>(path: string): Promise<T> {
  const testEnv = { ...env, DATA_SOURCE: "keyapi", KEYAPI_KEY: "k", REGIONS: "DE,FR,GB,JP" } as Env;
  const response = await createApp(NO_COLO).fetch(
    new Request(`https://x.test${path}`),
    testEnv,
    createExecutionContext(),
  );
  expect(response.status, path).toBe(200);
  return (await response.json()) as T;
}

beforeAll(async () => {
  for (const [week, charts] of Object.entries(CHARTS)) await storeWeek(week, charts);
});

describe("the global chart, against a ranking worked out by hand", () => {
  it("ranks by points, then regions, then best rank, then clip id", async () => {
    const chart = await get<GlobalChart>("/api/global/2026-W10");
    expect(chart.entries).toHaveLength(98);
    expect(chart.entries.slice(0, 11).map((e) => [nameOf(e.clip_id), e.points, e.regions, e.bestRank])).toEqual(
      W10_TOP,
    );
    expect(chart.entries[0]?.numberOne).toEqual(["DE", "FR", "GB"]);
    expect(chart.entries[1]?.numberOne).toEqual([]);
    // Title, author and cover as the best-ranked region lists them (ties: region code order).
    expect(chart.entries[0]?.cover).toBe(`https://p16.tiktokcdn.com/${ID.X}-DE.jpeg`);
    expect(chart.entries.find((e) => e.clip_id === ID.C)?.cover).toBe(`https://p16.tiktokcdn.com/${ID.C}-FR.jpeg`);
    // The first global week: nothing to compare with.
    expect(new Set(chart.entries.map((e) => e.movement))).toEqual(new Set(["baseline"]));
    expect(chart).toMatchObject({ regionsCharted: 3, missingRegions: ["JP"] });
  });

  it("derives last week, peak, weeks on chart and movement from the global weeks", async () => {
    const chart = await get<GlobalChart>("/api/global/latest");
    expect(chart.week).toBe("2026-W11");
    expect(
      chart.entries.map((e) => [nameOf(e.clip_id), e.rank, e.lastWeek, e.peak, e.weeksOnChart, e.movement, e.change]),
    ).toEqual([
      ["X", 1, 1, 1, 2, "same", 0],
      ["F", 2, 11, 2, 2, "up", 9],
      ["G", 3, null, 3, 1, "new", null],
      ["E", 4, 10, 4, 2, "up", 6],
      ["A", 5, 2, 2, 2, "down", -3],
      ["B", 6, 3, 3, 2, "down", -3],
      ["H", 7, null, 7, 1, "new", null],
    ]);
  });

  it("lists the sounds spreading to the most new regions", async () => {
    const spreading = await get<Spreading>("/api/global/2026-W11/spreading");
    expect(spreading.previousWeek).toBe("2026-W10");
    expect(spreading.items.map((s) => [nameOf(s.clip_id), s.regions, s.previousRegions, s.entered])).toEqual([
      ["F", 3, 1, ["DE", "GB"]],
      ["G", 2, 0, ["FR", "GB"]],
      ["H", 1, 0, ["DE"]],
    ]);
  });

  it("serves CSV and lists its weeks", async () => {
    const weeks = await get<{ weeks: { week: string; regions: number }[] }>("/api/global");
    expect(weeks.weeks).toEqual([
      { week: "2026-W11", regions: 3 },
      { week: "2026-W10", regions: 3 },
    ]);
    const testEnv = { ...env, DATA_SOURCE: "keyapi", KEYAPI_KEY: "k" } as Env;
    const csv = await createApp(NO_COLO).fetch(
      new Request("https://x.test/api/global/2026-W11.csv"),
      testEnv,
      createExecutionContext(),
    );
    expect(csv.headers.get("Content-Type")).toMatch(/^text\/csv/);
    const lines = (await csv.text()).trimEnd().split("\r\n");
    expect(lines[0]).toMatch(/^rank,last_week,peak,weeks_on_chart,movement,change/);
    expect(lines[1]).toMatch(/^1,1,1,2,same,0,2026-W10,901,/);
  });

  it("changes the later global weeks' history when an earlier week is backfilled", async () => {
    // G was on the charts in 2026-W09 after all.
    await storeWeek("2026-W09", BACKFILL_W09["2026-W09"]!);
    const w11 = await get<GlobalChart>("/api/global/2026-W11");
    expect(w11.entries.find((e) => e.clip_id === ID.G)).toMatchObject({
      movement: "re",
      weeksOnChart: 2,
      firstWeek: "2026-W09",
      lastWeek: null,
    });
    const w10 = await get<GlobalChart>("/api/global/2026-W10");
    expect(w10.entries[0]).toMatchObject({ clip_id: ID.X, movement: "up", lastWeek: 2, weeksOnChart: 2 });
  });

  it("stores nothing and leaves the week due when a chart lands between the rebuild's read and its write", async () => {
    // Another source, so the charts above are untouched.
    const week = "2026-W10";
    const demo = new ArchiveStore(env.DB, "demo");
    const chart = (region: string, clips: string[]) => ({
      region,
      week,
      fetchedAt: weekStart(week) + 8 * 86_400_000,
      source: "demo" as const,
      entries: clips.map((clip, i) => sound(clip, i + 1, region)),
    });
    await demo.storeSnapshot(chart("DE", [ID.A, ID.B]));
    let landed = false;
    const racing = new Proxy(env.DB, {
      get(target, property) {
        if (property === "batch")
          return async (statements: D1PreparedStatement[]) => {
            if (!landed) {
              landed = true;
              await demo.storeSnapshot(chart("FR", [ID.C, ID.A]));
            }
            return target.batch(statements);
          };
        const value = Reflect.get(target, property, target);
        return typeof value === "function" ? value.bind(target) : value;
      },
    });
    const ranked = async () =>
      (
        await env.DB.prepare("SELECT clip_id FROM global_ranks WHERE source = 'demo' AND week = ? ORDER BY rank")
          .bind(week)
          .all<{ clip_id: string }>()
      ).results.map((r) => nameOf(r.clip_id));
    const global = new GlobalStore(env.DB, "demo");
    await new GlobalStore(racing, "demo").rebuild(week);
    expect(landed).toBe(true);
    expect(await ranked()).toEqual([]);
    expect(await global.dueWeeks()).toEqual([week]);
    await global.rebuild(week);
    // A = 100 + 99, C = 100, B = 99.
    expect(await ranked()).toEqual(["A", "C", "B"]);
    expect(await global.dueWeeks()).toEqual([]);
  });
});
