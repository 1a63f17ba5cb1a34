import { createExecutionContext } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { createApp } from "../../worker/app";
import { productionDeps } from "../../worker/app-env";
import { Rederivation } from "../../worker/archive/rederive";
import { ArchiveStore } from "../../worker/archive/store";
import { addWeeks, weekStart } from "../../worker/charts/iso-week";
import { testSound } from "../fixtures/sound";

/**
 * Importing earlier weeks into a region with a long history (issue 13, item 5): every request
 * stays under the admin budget of D1 queries, whatever the number of later weeks, and the end
 * state is the history a chronological import derives.
 */
const ADMIN = "admin-secret-token";
const auth = { Authorization: `Bearer ${ADMIN}` };
/** The named per-request budget, written out: well under D1's 1,000 queries per invocation. */
const BUDGET = 600;
const NO_COLO = { ...productionDeps, coloCache: () => null };
const testEnv = { ...env, ADMIN_TOKEN: ADMIN } as Env;

const FIRST = "2025-W01";
/** Weeks 0–80 of the history, without week 40 (a gap): 20 earlier weeks, then 60 later ones. */
const WEEKS = Array.from({ length: 81 }, (_, i) => i).filter((i) => i !== 40);
const EARLIER = WEEKS.filter((i) => i < 20);
const LATER = WEEKS.filter((i) => i >= 20);

/**
 * Five sounds a week. Sound 1 is #1 every week; sound 2 is #2 in weeks 0–9 and returns at #2 in
 * week 20 (the first later week); the other places rotate through a pool, so they move up, down,
 * drop out and re-enter.
 */
function clipsOf(i: number): string[] {
  const second = i < 10 || i === 20 ? "2" : String(2_000 + (i % 4));
  return ["1", second, ...[3, 4, 5].map((r) => String(1_000 + ((i * 3 + r) % 11)))];
}

function soundsOf(region: string, clips: string[]) {
  return clips.map((clip, r) => testSound(clip, r + 1, region));
}

function chartLine(region: string, i: number): string {
  const week = addWeeks(FIRST, i);
  const entries = soundsOf(region, clipsOf(i));
  const fetchedAt = new Date(weekStart(week) + 8 * 86_400_000).toISOString();
  return JSON.stringify({ type: "chart", region, week, fetchedAt, source: "keyapi", entries });
}

async function call(path: string, init?: RequestInit): Promise<{ response: Response; queries: number }> {
  const response = await createApp(NO_COLO).fetch(
    new Request(`https://x.test${path}`, init),
    testEnv,
    createExecutionContext(),
  );
  const timing = response.headers.get("Server-Timing") ?? "";
  const queries = Number(/d1;desc="queries=(\d+) /.exec(timing)?.[1]);
  return { response, queries };
}

/** Every request of an import, as the transfer script sends it: 17 charts, then the follow-up. */
async function importCharts(lines: string[]): Promise<number[]> {
  const counts: number[] = [];
  for (let start = 0; start < lines.length; start += 17) {
    const { response, queries } = await call("/api/admin/archive", {
      method: "POST",
      headers: auth,
      body: lines.slice(start, start + 17).join("\n"),
    });
    expect(response.status, await response.clone().text()).toBe(200);
    counts.push(queries);
  }
  for (let round = 0; ; round++) {
    expect(round, "the follow-up derivation finishes").toBeLessThan(20);
    const { response, queries } = await call("/api/admin/archive/derive", { method: "POST", headers: auth });
    expect(response.status, await response.clone().text()).toBe(200);
    counts.push(queries);
    if (((await response.json()) as { pending: number }).pending === 0) break;
  }
  return counts;
}

async function derivedRows(region: string) {
  const { results } = await env.DB.prepare(
    `SELECT week, clip_id, rank, last_week, peak, weeks_on_chart, first_week, movement, change
     FROM chart_entries WHERE source = 'keyapi' AND region = ? ORDER BY week, rank`,
  )
    .bind(region)
    .all();
  return results;
}

async function entryOf(region: string, i: number, clip: string) {
  const { response } = await call(`/api/charts/${region}/${addWeeks(FIRST, i)}`);
  expect(response.status).toBe(200);
  const chart = (await response.json()) as { entries: Record<string, unknown>[] };
  const { rank, lastWeek, peak, weeksOnChart, firstWeek, movement, change } =
    chart.entries.find((e) => e.clip_id === clip) ?? {};
  return { rank, lastWeek, peak, weeksOnChart, firstWeek, movement, change };
}

describe("importing earlier weeks into a long history (bounded per request)", () => {
  it("keeps every request under the budget and ends with the chronological history", async () => {
    // IS: its 60 later weeks first, then the 20 earlier ones. LU: all 80 in order, the plain case.
    const counts = [
      ...(await importCharts(LATER.map((i) => chartLine("IS", i)))),
      ...(await importCharts(EARLIER.map((i) => chartLine("IS", i)))),
      ...(await importCharts(WEEKS.map((i) => chartLine("LU", i)))),
    ];
    console.log(`D1 queries per import request: ${counts.join(", ")}`);
    for (const queries of counts) expect(queries).toBeLessThanOrEqual(BUDGET);

    const backfilled = await derivedRows("IS");
    expect(backfilled).toHaveLength(80 * 5);
    expect(backfilled).toEqual(await derivedRows("LU"));

    // Worked out by hand from clipsOf: the first later week, the week after the gap, the last week.
    expect(await entryOf("IS", 20, "1")).toEqual({
      rank: 1,
      lastWeek: 1,
      peak: 1,
      weeksOnChart: 21,
      firstWeek: "2025-W01",
      movement: "same",
      change: 0,
    });
    expect(await entryOf("IS", 20, "2")).toEqual({
      rank: 2,
      lastWeek: null,
      peak: 2,
      weeksOnChart: 11,
      firstWeek: "2025-W01",
      movement: "re",
      change: null,
    });
    expect(await entryOf("IS", 41, "1")).toEqual({
      rank: 1,
      lastWeek: null,
      peak: 1,
      weeksOnChart: 41,
      firstWeek: "2025-W01",
      movement: "unknown",
      change: null,
    });
    expect(await entryOf("IS", 80, "1")).toMatchObject({ weeksOnChart: 80, lastWeek: 1, movement: "same" });
  });
});

describe("the import's batch size", () => {
  it("refuses more charts in one request than fit the budget in the worst case, writing nothing", async () => {
    const lines = Array.from({ length: 18 }, (_, i) => chartLine("BG", i));
    const { response } = await call("/api/admin/archive", { method: "POST", headers: auth, body: lines.join("\n") });
    expect(response.status).toBe(400);
    expect(((await response.json()) as { message: string }).message).toMatch(/at most 17 charts per request/);
    const stored = await env.DB.prepare("SELECT COUNT(*) AS n FROM snapshots WHERE region = 'BG'").first<{
      n: number;
    }>();
    expect(stored?.n).toBe(0);
  });
});

describe("later weeks derived again after an import", () => {
  it("answers 401 without the admin token", async () => {
    const { response } = await call("/api/admin/archive/derive", { method: "POST" });
    expect(response.status).toBe(401);
  });

  it("writes nothing when a step races with a write of its region, and the next step finishes", async () => {
    const store = new ArchiveStore(env.DB, "keyapi");
    const put = (s: ArchiveStore, week: string, clips: string[], deferLater = false) =>
      s.storeSnapshot(
        { region: "EE", week, fetchedAt: weekStart(week), source: "keyapi", entries: soundsOf("EE", clips) },
        { publish: false, deferLater },
      );
    for (const [week, clips] of [
      ["2026-W10", ["1", "2"]],
      ["2026-W11", ["2", "1"]],
      ["2026-W12", ["1"]],
    ] as const)
      expect(await put(store, week, [...clips])).toBe(true);
    expect(await put(store, "2026-W09", ["1"], true)).toBe(true);

    const fields = async (week: string, clip: string) =>
      env.DB.prepare(
        `SELECT last_week, weeks_on_chart, first_week, movement FROM chart_entries
         WHERE source = 'keyapi' AND region = 'EE' AND week = ? AND clip_id = ?`,
      )
        .bind(week, clip)
        .first();
    // Between the step's read and its write, the job appends W13 to the same region.
    let batches = 0;
    const racing = new Proxy(env.DB, {
      get(target, property) {
        if (property === "batch")
          return async (statements: D1PreparedStatement[]) => {
            if (++batches === 2) expect(await put(store, "2026-W13", ["2"])).toBe(true);
            return target.batch(statements);
          };
        const value = Reflect.get(target, property, target);
        return typeof value === "function" ? value.bind(target) : value;
      },
    });
    expect(await new Rederivation(racing).step("keyapi", "EE")).toBe("conflict");
    // Still the history from before the import: W10 was the region's first week then.
    expect(await fields("2026-W10", "1")).toEqual({
      last_week: null,
      weeks_on_chart: 1,
      first_week: "2026-W10",
      movement: "baseline",
    });

    expect(await new Rederivation(env.DB).step("keyapi", "EE")).toEqual({ weeks: 4, done: true });
    expect(await fields("2026-W10", "1")).toEqual({
      last_week: 1,
      weeks_on_chart: 2,
      first_week: "2026-W09",
      movement: "same",
    });
    expect(await fields("2026-W10", "2")).toEqual({
      last_week: null,
      weeks_on_chart: 1,
      first_week: "2026-W10",
      movement: "new",
    });
    expect(await fields("2026-W13", "2")).toEqual({
      last_week: null,
      weeks_on_chart: 3,
      first_week: "2026-W10",
      movement: "re",
    });
    expect(await new Rederivation(env.DB).pendingCount()).toBe(0);
  });
});
