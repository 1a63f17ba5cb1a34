import { createExecutionContext } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { createApp } from "../../worker/app";
import { productionDeps } from "../../worker/app-env";
import { PublishedLog } from "../../worker/archive/published";
import { ArchiveStore } from "../../worker/archive/store";
import { W47_START, count, jobHarness, mondayAfter } from "./job-harness";

/** The production wiring without the colo cache: each test reads what the archive holds now. */
const NO_COLO = { ...productionDeps, coloCache: () => null };

const WEEK = 7 * 86_400_000;

async function api<T>(testEnv: Env, path: string): Promise<T> {
  const response = await createApp(NO_COLO).fetch(
    new Request(`https://x.test${path}`),
    testEnv,
    createExecutionContext(),
  );
  expect(response.status, path).toBe(200);
  return (await response.json()) as T;
}

/** An archive seeded from the demo source (as `npm start` does), then switched to a real key. */
async function seededThenSwitched() {
  const h = await jobHarness({ REGIONS: "US,DE", DATA_SOURCE: "demo" });
  for (const back of [2, 1, 0]) expect(await h.run(mondayAfter(W47_START - back * WEEK))).toBeNull();
  expect(await count("SELECT COUNT(*) AS n FROM published_items WHERE source = 'demo'")).toBeGreaterThan(0);
  h.env.DATA_SOURCE = "keyapi";
  return h;
}

describe("one visible source: demo data never shows up as real data", () => {
  it("takes the real snapshot of a week already stored from demo", async () => {
    const h = await seededThenSwitched();
    // The demo weeks were already stored in this week's window; the keyapi run is not fooled by them.
    expect(await h.run(mondayAfter(W47_START) + 3_600_000)).toBeNull();
    expect(await h.upstream.count()).toBe(10);
    expect(await count("SELECT COUNT(*) AS n FROM snapshots WHERE source = 'keyapi' AND week = '2026-W47'")).toBe(2);
    expect(await count("SELECT COUNT(*) AS n FROM snapshots WHERE source = 'demo'")).toBe(6);
  });

  it("derives real history from real weeks only: the first real week is a baseline that announces nothing", async () => {
    const h = await seededThenSwitched();
    expect(await h.run(mondayAfter(W47_START))).toBeNull();
    const real = new ArchiveStore(env.DB, "keyapi");
    const chart = await real.chart("US", "2026-W47");
    expect(new Set(chart?.entries.map((e) => e.movement))).toEqual(new Set(["baseline"]));
    expect(chart?.entries.every((e) => e.weeksOnChart === 1 && e.lastWeek === null)).toBe(true);
    expect(await new PublishedLog(env.DB, "keyapi").debuts(null, 500)).toEqual([]);
    expect(await new PublishedLog(env.DB, "keyapi").globalDebuts(500)).toEqual([]);

    // The next real week announces only what is new against the real week before it.
    expect(await h.run(mondayAfter(W47_START + WEEK))).toBeNull();
    const next = await real.chart("US", "2026-W48");
    const debuts = await new PublishedLog(env.DB, "keyapi").debuts("US", 500);
    expect(debuts.map((d) => d.clip_id).sort()).toEqual(
      next?.entries
        .filter((e) => e.movement === "new")
        .map((e) => e.clip_id)
        .sort(),
    );
    expect(debuts.every((d) => d.source === "keyapi" && d.week === "2026-W48")).toBe(true);
  });

  it("shows only the configured source in the API, and exports every source", async () => {
    const h = await seededThenSwitched();
    expect(await h.run(mondayAfter(W47_START))).toBeNull();
    const regions = await api<{ regions: { code: string; weeks: number }[] }>(h.env, "/api/regions");
    expect(regions.regions.find((r) => r.code === "US")?.weeks).toBe(1);
    const weeks = await api<{ weeks: { week: string; source: string }[] }>(h.env, "/api/charts/US");
    expect(weeks.weeks).toEqual([expect.objectContaining({ week: "2026-W47", source: "keyapi" })]);
    expect(await api(h.env, "/api/debuts")).toEqual({ region: null, items: [] });
    expect(await api(h.env, "/api/debuts/global")).toEqual({ items: [] });
    expect(await api<{ source: string }>(h.env, "/api/status")).toMatchObject({ source: "keyapi" });
    const site = await api<{ charts: { source: string }[] }>(h.env, "/api/site/charts");
    expect(site.charts.map((c) => c.source)).toEqual(["keyapi", "keyapi"]);
    const demoChart = await new ArchiveStore(env.DB, "demo").chart("US", "2026-W46");
    const sound = await api<{ regions: { weeks: { week: string }[] }[] }>(
      h.env,
      `/api/sounds/${demoChart?.entries[0]?.clip_id}`,
    );
    expect(sound.regions.flatMap((r) => r.weeks.map((w) => w.week))).not.toContain("2026-W46");

    const exported = await createApp(NO_COLO).fetch(
      new Request("https://x.test/api/export?limit=100"),
      h.env,
      createExecutionContext(),
    );
    const lines = new TextDecoder()
      .decode(await exported.arrayBuffer())
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l) as { source: string });
    expect(lines.filter((l) => l.source === "demo")).toHaveLength(6);
    expect(lines.filter((l) => l.source === "keyapi")).toHaveLength(2);
  });

  it("keeps its job records per source: the first real week calls the build hook that demo already called", async () => {
    const hook = "https://hooks.test/build";
    const h = await jobHarness({ REGIONS: "US,DE", DATA_SOURCE: "demo", SITE_BUILD_HOOK: hook });
    expect(await h.run(mondayAfter(W47_START))).toBeNull();
    expect(h.hookCalls.filter((c) => c.url === hook)).toHaveLength(1);

    h.env.DATA_SOURCE = "keyapi";
    const status = () => api<{ lastRun: { summary: { source: string } } | null }>(h.env, "/api/status");
    // No real run yet: the demo run does not stand in for it.
    expect((await status()).lastRun).toBeNull();
    expect(await h.run(mondayAfter(W47_START) + 3_600_000)).toBeNull();
    expect(await count("SELECT COUNT(*) AS n FROM snapshots WHERE source = 'keyapi' AND week = '2026-W47'")).toBe(2);
    // The real week is complete: its own hook claim, so the site is rebuilt with real data.
    expect(h.hookCalls.filter((c) => c.url === hook)).toHaveLength(2);
    expect((await status()).lastRun?.summary.source).toBe("keyapi");
  });
});
