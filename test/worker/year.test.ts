import { createExecutionContext } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { beforeAll, describe, expect, it } from "vitest";
import { createApp } from "../../worker/app";
import { productionDeps } from "../../worker/app-env";
import { GlobalStore } from "../../worker/archive/global";
import { ArchiveStore } from "../../worker/archive/store";
import { weekStart } from "../../worker/charts/iso-week";
import type { Chart } from "../../worker/charts/schema";
import type { Sound } from "../../worker/charts/sound";
import { type RankedWeek, yearOfWeeks } from "../../worker/charts/year";
import type { GlobalChart } from "../../worker/schemas/global-chart";
import type { YearChart } from "../../worker/schemas/year-chart";

/** The production wiring without the colo cache: each request reads what the archive holds now. */
const NO_COLO = { ...productionDeps, coloCache: () => null };
const REGIONS = ["DE", "FR", "GB"];
// Two ISO years; DE missed 2026-W02 (a gap, backfilled by the last test).
const WEEKS = ["2025-W50", "2025-W51", "2025-W52", "2026-W01", "2026-W02", "2026-W03", "2026-W04"];
const MISSED = { region: "DE", week: "2026-W02" };
/** More sounds than a chart holds, so a year has more than 100 and ranks with ties. */
const POOL = 160;

/** A deterministic shuffle of the pool per region and week: its first 100 are the chart. */
function chartOf(region: string, week: string): string[] {
  let seed = [...`${region}${week}`].reduce((h, ch) => (h * 31 + ch.charCodeAt(0)) >>> 0, 7);
  const next = () => {
    seed = (seed * 1_103_515_245 + 12_345) >>> 0;
    return seed / 2 ** 32;
  };
  // A slow drift of favourites over the weeks, so sounds run several weeks and ties happen.
  const offset = WEEKS.indexOf(week) * 9;
  const weights = Array.from({ length: POOL }, (_, i) => ({
    clip: String(7_000 + ((i + offset) % POOL)),
    score: i + next() * 60,
  }));
  return weights
    .sort((a, b) => a.score - b.score)
    .slice(0, 100)
    .map((w) => w.clip);
}

function sound(clip: string, rank: number, region: string, week: string): Sound {
  return {
    rank,
    clip_id: clip,
    song_id: clip,
    title: `Sound ${clip} ${region} ${week}`,
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

async function store(region: string, week: string): Promise<void> {
  const entries = chartOf(region, week).map((clip, i) => sound(clip, i + 1, region, week));
  const fetchedAt = weekStart(week) + 8 * 86_400_000;
  await new ArchiveStore(env.DB, "keyapi").storeSnapshot({ region, week, fetchedAt, source: "keyapi", entries });
}

async function fetchPath(path: string): Promise<Response> {
  const testEnv = { ...env, DATA_SOURCE: "keyapi", KEYAPI_KEY: "k", REGIONS: REGIONS.join(",") } as Env;
  return createApp(NO_COLO).fetch(new Request(`https://x.test${path}`), testEnv, createExecutionContext());
}

async function get<T>(path: string): Promise<T> {
  const response = await fetchPath(path);
  expect(response.status, path).toBe(200);
  return (await response.json()) as T;
}

/** What the site ranks a year from: the weekly charts, as the API serves them. */
async function regionalWeeks(region: string): Promise<RankedWeek[]> {
  const { weeks } = await get<{ weeks: { week: string }[] }>(`/api/charts/${region}`);
  return Promise.all(
    weeks.map(async ({ week }) => ({ week, entries: (await get<Chart>(`/api/charts/${region}/${week}`)).entries })),
  );
}

async function globalWeeks(): Promise<RankedWeek[]> {
  const { weeks } = await get<{ weeks: { week: string }[] }>("/api/global");
  return Promise.all(
    weeks.map(async ({ week }) => ({ week, entries: (await get<GlobalChart>(`/api/global/${week}`)).entries })),
  );
}

/** The year's entries as TypeScript ranks them, in the API's shape. */
function rankedInTypeScript(year: number, weeks: RankedWeek[]) {
  return yearOfWeeks(year, weeks).map((e) => ({ ...e, link: `https://www.tiktok.com/music/x-${e.clip_id}` }));
}

beforeAll(async () => {
  for (const week of WEEKS) {
    for (const region of REGIONS) if (!(region === MISSED.region && week === MISSED.week)) await store(region, week);
    await new GlobalStore(env.DB, "keyapi").rebuild(week);
  }
  await env.DB.prepare("INSERT INTO gaps (source, region, week, recorded_at) VALUES ('keyapi', ?, ?, 0)")
    .bind(MISSED.region, MISSED.week)
    .run();
});

describe("year-end charts in the API", () => {
  it("ranks a region's year from the weekly charts the API serves, as the site does, ties and all", async () => {
    for (const region of REGIONS) {
      const weeks = await regionalWeeks(region);
      for (const year of [2025, 2026]) {
        const api = await get<YearChart>(`/api/charts/${region}/year/${year}`);
        expect(api.entries, `${region} ${year}`).toHaveLength(100);
        expect(api.entries, `${region} ${year}`).toEqual(rankedInTypeScript(year, weeks));
      }
    }
    // The data has ties on points, broken by weeks charted, then best rank.
    const de = await get<YearChart>("/api/charts/DE/year/2026");
    const tied = de.entries.filter((e, i) => de.entries[i + 1]?.points === e.points);
    expect(tied.length).toBeGreaterThan(0);
  });

  it("ranks the global chart's year from the global weeks the API serves, debuts included, as the site does", async () => {
    const weeks = await globalWeeks();
    for (const year of [2025, 2026]) {
      const api = await get<YearChart>(`/api/global/year/${year}`);
      expect(api.entries, String(year)).toEqual(rankedInTypeScript(year, weeks));
      expect(api.entries.some((e) => e.debut)).toBe(true);
    }
  });

  it("says a year in progress is so far, lists its gaps, and caches a completed year like a past week", async () => {
    const current = await fetchPath("/api/charts/DE/year/2026");
    expect(current.headers.get("Cache-Control")).toBe("public, max-age=300");
    expect(await current.json()).toMatchObject({
      region: "DE",
      year: 2026,
      source: "keyapi",
      soFar: true,
      throughWeek: "2026-W04",
      weeks: ["2026-W01", "2026-W03", "2026-W04"],
      gaps: ["2026-W02"],
    });
    const past = await fetchPath("/api/global/year/2025");
    expect(past.headers.get("Cache-Control")).toBe("public, max-age=300, s-maxage=86400");
    expect(await past.json()).toMatchObject({
      region: "global",
      soFar: false,
      throughWeek: "2025-W52",
      weeks: ["2025-W50", "2025-W51", "2025-W52"],
      gaps: [],
    });
  });

  it("does the same bounded D1 work for every year and shows it in Server-Timing", async () => {
    for (const path of ["/api/charts/DE/year/2025", "/api/charts/fr/year/2026", "/api/charts/DE/year/2026.csv"]) {
      expect((await fetchPath(path)).headers.get("Server-Timing"), path).toMatch(/^d1;desc="queries=4 rows_read=\d+"$/);
    }
    for (const path of ["/api/global/year/2025", "/api/global/year/2026.csv"]) {
      expect((await fetchPath(path)).headers.get("Server-Timing"), path).toMatch(/^d1;desc="queries=3 rows_read=\d+"$/);
    }
  });

  it("serves CSV, and 404 or 400 for a year without charts or a malformed one (not a weekly route)", async () => {
    const csv = await fetchPath("/api/charts/DE/year/2026.csv");
    expect(csv.headers.get("Content-Type")).toBe("text/csv; charset=utf-8; header=present");
    expect(csv.headers.get("Content-Disposition")).toContain("trending-sounds-DE-2026.csv");
    const lines = (await csv.text()).trimEnd().split("\r\n");
    const top = (await get<YearChart>("/api/charts/DE/year/2026")).entries[0]!;
    expect(lines[0]).toBe(
      "rank,points,weeks,peak,peak_week,first_week,first_rank,debut,clip_id,title,author,link,cover",
    );
    expect(lines[1]).toBe(
      [
        1,
        top.points,
        top.weeks,
        top.peak,
        top.peakWeek,
        top.firstWeek,
        top.firstRank,
        top.debut,
        top.clip_id,
        top.title,
        top.author,
        top.link,
        top.cover,
      ].join(","),
    );
    expect(lines).toHaveLength(101);
    expect((await fetchPath("/api/global/year/2026.csv")).status).toBe(200);
    expect((await fetchPath("/api/charts/DE/year/2024")).status).toBe(404);
    expect((await fetchPath("/api/global/year/2027.csv")).status).toBe(404);
    expect((await fetchPath("/api/charts/DE/year/26")).status).toBe(400);
    expect((await fetchPath("/api/charts/XX/year/2026")).status).toBe(404);
  });

  it("documents the four routes in /openapi.json", async () => {
    const doc = await get<{ paths: Record<string, unknown> }>("/openapi.json");
    expect(Object.keys(doc.paths)).toEqual(
      expect.arrayContaining([
        "/api/charts/{region}/year/{year}",
        "/api/charts/{region}/year/{year}.csv",
        "/api/global/year/{year}",
        "/api/global/year/{year}.csv",
      ]),
    );
  });

  it("changes that year's ranking and no other year's when a week is backfilled", async () => {
    const paths = [
      "/api/charts/DE/year/2025",
      "/api/charts/DE/year/2026",
      "/api/global/year/2025",
      "/api/global/year/2026",
    ];
    const before = await Promise.all(paths.map((path) => get<YearChart>(path)));
    await store(MISSED.region, MISSED.week);
    await new GlobalStore(env.DB, "keyapi").rebuild(MISSED.week);
    const after = await Promise.all(paths.map((path) => get<YearChart>(path)));
    expect(after[0]).toEqual(before[0]);
    expect(after[2]).toEqual(before[2]);
    expect(after[1]!.entries).not.toEqual(before[1]!.entries);
    expect(after[1]).toMatchObject({ weeks: ["2026-W01", "2026-W02", "2026-W03", "2026-W04"], gaps: [] });
    expect(after[3]!.entries).not.toEqual(before[3]!.entries);
    // Still the TypeScript ranking of the weeks as they are now.
    expect(after[1]!.entries).toEqual(rankedInTypeScript(2026, await regionalWeeks("DE")));
  });
});
