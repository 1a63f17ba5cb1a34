import { applyD1Migrations, reset } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { beforeEach, describe, expect, it } from "vitest";
import { PublishedLog } from "../../worker/archive/published";
import { ArchiveStore } from "../../worker/archive/store";
import { addWeeks, weekStart } from "../../worker/charts/iso-week";
import { demoTop100 } from "../fixtures/demo-chart";
import type { Sound } from "../../worker/charts/sound";

const WEEKS = ["2026-W44", "2026-W45", "2026-W46", "2026-W47"];

function demoChart(region: string, week: string): Sound[] {
  return demoTop100(region, weekStart(addWeeks(week, 1)) + 3_600_000);
}

async function store(archive: ArchiveStore, region: string, weeks: string[], source: "demo" | "keyapi" = "demo") {
  for (const week of weeks) {
    const stored = await archive.storeSnapshot({
      region,
      week,
      fetchedAt: weekStart(addWeeks(week, 1)) + 3_600_000,
      source,
      entries: demoChart(region, week),
    });
    expect(stored).toBe(true);
  }
}

beforeEach(async () => {
  await reset();
  await applyD1Migrations(env.DB, env.TEST_MIGRATIONS);
});

describe("the archive store", () => {
  it("derives the same charts whether weeks arrive in order or are backfilled out of order", async () => {
    const archive = new ArchiveStore(env.DB, "demo");
    await store(archive, "DE", WEEKS);
    const inOrder = await Promise.all(WEEKS.map((w) => archive.chart("DE", w)));
    await reset();
    await applyD1Migrations(env.DB, env.TEST_MIGRATIONS);
    await store(archive, "DE", ["2026-W47", "2026-W45", "2026-W44", "2026-W46"]);
    const shuffled = await Promise.all(WEEKS.map((w) => archive.chart("DE", w)));
    expect(shuffled).toEqual(inOrder);
    const movements = new Set(inOrder.slice(1).flatMap((c) => c?.entries.map((e) => e.movement) ?? []));
    expect(movements).toEqual(new Set(["new", "up", "down", "same", "re"]));
    expect(new Set(inOrder[0]?.entries.map((e) => e.movement))).toEqual(new Set(["baseline"]));
  });

  it("recomputes later weeks when an earlier week is added, but never re-dates a published debut", async () => {
    const archive = new ArchiveStore(env.DB, "demo");
    await store(archive, "BR", ["2026-W45", "2026-W46"]);
    const published = await new PublishedLog(env.DB, "demo").debuts("BR", 500);
    expect(published.length).toBeGreaterThan(0);
    expect(new Set(published.map((p) => p.week))).toEqual(new Set(["2026-W46"]));
    await store(archive, "BR", ["2026-W44"]);
    const w45 = await archive.chart("BR", "2026-W45");
    expect(w45?.entries.some((e) => e.movement === "baseline")).toBe(false);
    expect(await new PublishedLog(env.DB, "demo").debuts("BR", 500)).toEqual(published);
  });

  it("stores a region-week once: a second store of the same week writes nothing", async () => {
    const archive = new ArchiveStore(env.DB, "demo");
    await store(archive, "FR", ["2026-W47"]);
    const again = await archive.storeSnapshot({
      region: "FR",
      week: "2026-W47",
      fetchedAt: 1,
      source: "demo",
      entries: demoChart("FR", "2026-W46"),
    });
    expect(again).toBe(false);
    expect((await archive.chart("FR", "2026-W47"))?.fetchedAt).not.toBe(new Date(1).toISOString());
  });

  it("reads records back validated, with upstream field names kept and derived fields added", async () => {
    const archive = new ArchiveStore(env.DB, "demo");
    await store(archive, "JP", ["2026-W46", "2026-W47"]);
    const chart = await archive.chart("JP", "2026-W47");
    expect(chart).toMatchObject({ region: "JP", week: "2026-W47", source: "demo" });
    expect(chart?.entries).toHaveLength(100);
    const entry = chart?.entries[0];
    expect(Object.keys(entry ?? {})).toEqual(
      expect.arrayContaining([
        "clip_id",
        "title",
        "trend",
        "lastWeek",
        "peak",
        "weeksOnChart",
        "firstWeek",
        "movement",
        "change",
      ]),
    );
    await env.DB.prepare(
      "UPDATE snapshots SET entries = '[{\"rank\":\"x\"}]' WHERE region = 'JP' AND week = '2026-W46'",
    ).run();
    await expect(archive.chart("JP", "2026-W46")).rejects.toThrow();
  });
});
