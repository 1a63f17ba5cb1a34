import { createExecutionContext } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { createApp } from "../../worker/app";
import { productionDeps } from "../../worker/app-env";
import { ArchiveStore } from "../../worker/archive/store";
import { addWeeks, weekStart } from "../../worker/charts/iso-week";
import { testSound } from "../fixtures/sound";

/**
 * `/api/site/charts?since=N` (migration 0007): a build that read the archive up to change number
 * N learns exactly which charts changed since — a new week, a backfilled week and the later weeks
 * it derived again, an imported chart — and nothing else, so an incremental build reads only
 * those. Written against the definition: a chart is "changed" when what /api/site/charts shows of
 * it differs from the last read, compared here by content, not by the change numbers themselves.
 */
const ADMIN = "admin-secret-token";
const auth = { Authorization: `Bearer ${ADMIN}` };
const testEnv = { ...env, ADMIN_TOKEN: ADMIN } as Env;
const app = createApp({ ...productionDeps, coloCache: () => null });
const FIRST = "2026-W01";

interface SiteChart {
  region: string;
  week: string;
  entries: { clip_id: string; movement: string; lastWeek: number | null }[];
}
interface SitePage {
  charts: SiteChart[];
  next: string | null;
  seq: number;
}

async function get(path: string): Promise<Response> {
  return app.fetch(new Request(`https://x.test${path}`), testEnv, createExecutionContext());
}

/** Every page of the read, followed to the end: the charts and the first page's change number. */
async function read(since?: number): Promise<{ charts: SiteChart[]; seq: number }> {
  const charts: SiteChart[] = [];
  let seq: number | undefined;
  let cursor: string | null = null;
  do {
    const query = new URLSearchParams({ limit: "2" });
    if (since !== undefined) query.set("since", String(since));
    if (cursor) query.set("cursor", cursor);
    const response = await get(`/api/site/charts?${query}`);
    expect(response.status, await response.clone().text()).toBe(200);
    const page = (await response.json()) as SitePage;
    seq ??= page.seq;
    charts.push(...page.charts);
    cursor = page.next;
  } while (cursor);
  return { charts, seq: seq ?? 0 };
}

const keyOf = (chart: SiteChart) => `${chart.region}/${chart.week}`;

/** The charts whose content differs between two full reads (or that are new). */
function changedBetween(before: SiteChart[], after: SiteChart[]): string[] {
  const old = new Map(before.map((chart) => [keyOf(chart), JSON.stringify(chart)]));
  return after
    .filter((chart) => old.get(keyOf(chart)) !== JSON.stringify(chart))
    .map(keyOf)
    .sort();
}

function chartOf(region: string, i: number, clips: string[]) {
  const week = addWeeks(FIRST, i);
  return {
    region,
    week,
    fetchedAt: weekStart(week) + 8 * 86_400_000,
    source: "keyapi" as const,
    entries: clips.map((clip, r) => testSound(clip, r + 1, region)),
  };
}

const store = () => new ArchiveStore(env.DB, "keyapi");

describe("the site's change cursor", () => {
  it("answers, since a read, exactly the charts whose content changed: a new week, a backfill and its derived weeks, an import", async () => {
    // DE: weeks 0, 2, 3 (week 1 missing for now); FR: weeks 0–3.
    for (const i of [0, 2, 3]) await store().storeSnapshot(chartOf("DE", i, ["1", "2", `${10 + i}`]));
    for (const i of [0, 1, 2, 3]) await store().storeSnapshot(chartOf("FR", i, ["5", `${20 + i}`]));
    const first = await read();
    expect(first.charts.map(keyOf)).toHaveLength(7);

    // Nothing happened: nothing changed.
    expect((await read(first.seq)).charts).toEqual([]);

    // A new week in FR.
    await store().storeSnapshot(chartOf("FR", 4, ["5", "24"]));
    const second = await read(first.seq);
    expect(second.charts.map(keyOf)).toEqual(["FR/2026-W05"]);
    const afterNewWeek = await read();
    expect(second.charts.map(keyOf)).toEqual(changedBetween(first.charts, afterNewWeek.charts));

    // A backfill of DE's week 1: the week itself, and the later weeks whose history it changed.
    await store().storeSnapshot(chartOf("DE", 1, ["2", "1", "11"]));
    const third = await read(second.seq);
    const afterBackfill = await read();
    const expected = changedBetween(afterNewWeek.charts, afterBackfill.charts);
    expect(expected).toContain("DE/2026-W02");
    expect(expected).toContain("DE/2026-W03");
    // Every chart that changed is answered; a chart answered that did not change would only cost a
    // re-render, but none is: the weeks derived again are exactly the later ones.
    expect(third.charts.map(keyOf).sort()).toEqual(expected);

    // An import of an earlier FR week, with its follow-up derivation requests.
    const earlier = chartOf("FR", -1, ["24", "5"]);
    const line = JSON.stringify({ type: "chart", ...earlier, fetchedAt: new Date(earlier.fetchedAt).toISOString() });
    const imported = await app.fetch(
      new Request("https://x.test/api/admin/archive", { method: "POST", headers: auth, body: line }),
      testEnv,
      createExecutionContext(),
    );
    expect(imported.status, await imported.clone().text()).toBe(200);
    for (let round = 0; round < 10; round++) {
      const follow = await app.fetch(
        new Request("https://x.test/api/admin/archive/derive", { method: "POST", headers: auth }),
        testEnv,
        createExecutionContext(),
      );
      if (((await follow.json()) as { pending: number }).pending === 0) break;
    }
    const fourth = await read(third.seq);
    const afterImport = await read();
    const importedChanges = changedBetween(afterBackfill.charts, afterImport.charts);
    expect(importedChanges).toContain(`FR/${addWeeks(FIRST, -1)}`);
    // Every chart whose content changed is answered, and only the imported region's charts are
    // (its later weeks were derived again: some of them may come out the same).
    const answered = fourth.charts.map(keyOf);
    for (const key of importedChanges) expect(answered).toContain(key);
    for (const key of answered) expect(key.startsWith("FR/"), key).toBe(true);
    // The change number only grows.
    expect(fourth.seq).toBeGreaterThan(third.seq);
  });

  it("refuses a malformed `since` with a 400 and no D1 work", async () => {
    for (const since of ["-1", "abc", "1.5", "9".repeat(16)]) {
      const response = await get(`/api/site/charts?since=${since}`);
      expect(response.status, since).toBe(400);
    }
  });
});
