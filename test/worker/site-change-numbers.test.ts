import { createExecutionContext } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { createApp } from "../../worker/app";
import { productionDeps } from "../../worker/app-env";
import { REGION_CHANGES, SITE_PROJECTION } from "../../worker/archive/rows";
import { ArchiveStore } from "../../worker/archive/store";
import { addWeeks, weekStart } from "../../worker/charts/iso-week";
import { testSound } from "../fixtures/sound";

/**
 * Change numbers (migration 0009) as a site build relies on them: every change to what
 * /api/site/charts shows of a chart is answered `since` an earlier read — a snapshot or a derived
 * row corrected in place, a week stored again after the database was restored to an earlier
 * point — and the first page lets the build check what it keeps: per region, the count and the
 * sum of the charts' own numbers. Expected answers are computed here from the charts' content and
 * their `changed` values, never from the code under test.
 */
const app = createApp({ ...productionDeps, coloCache: () => null });
const FIRST = "2026-W01";
/** Milliseconds since the Unix epoch, from the same SQLite clock the triggers read. */
const DB_NOW = "SELECT CAST((julianday('now') - 2440587.5) * 86400000 AS INTEGER) AS now";

interface SiteEntry {
  clip_id: string;
  title: string;
  peak: number;
}
interface SiteChart {
  region: string;
  week: string;
  changed: number;
  entries: SiteEntry[];
}
interface SitePage {
  charts: SiteChart[];
  next: string | null;
  seq: number;
  regions?: Record<string, { weeks: number; changes: number }>;
  projection: number;
}

async function page(query: Record<string, string>): Promise<SitePage> {
  const response = await app.fetch(
    new Request(`https://x.test/api/site/charts?${new URLSearchParams(query)}`),
    env as Env,
    createExecutionContext(),
  );
  expect(response.status, await response.clone().text()).toBe(200);
  return (await response.json()) as SitePage;
}

/** Every page of one read, two charts a page. */
async function read(since?: number): Promise<{ pages: SitePage[]; charts: SiteChart[] }> {
  const pages: SitePage[] = [];
  let cursor: string | null = null;
  do {
    const query: Record<string, string> = { limit: "2" };
    if (since !== undefined) query.since = String(since);
    if (cursor) query.cursor = cursor;
    const next = await page(query);
    pages.push(next);
    cursor = next.next;
  } while (cursor);
  return { pages, charts: pages.flatMap((p) => p.charts) };
}

const keyOf = (chart: { region: string; week: string }) => `${chart.region}/${chart.week}`;

function chartOf(region: string, i: number, clips: string[], source: "keyapi" | "demo" = "keyapi") {
  const week = addWeeks(FIRST, i);
  return {
    region,
    week,
    fetchedAt: weekStart(week) + 8 * 86_400_000,
    source,
    entries: clips.map((clip, r) => testSound(clip, r + 1, region)),
  };
}

const store = (source: "keyapi" | "demo" = "keyapi") => new ArchiveStore(env.DB, source);

async function dbNow(): Promise<number> {
  return (await env.DB.prepare(DB_NOW).first<{ now: number }>())?.now ?? 0;
}

async function changedOf(region: string, i: number): Promise<number> {
  const row = await env.DB.prepare("SELECT changed FROM snapshots WHERE source = 'keyapi' AND region = ? AND week = ?")
    .bind(region, addWeeks(FIRST, i))
    .first<{ changed: number }>();
  return row?.changed ?? -1;
}

/** The per-region summary a build would compute from the charts it keeps. */
function summaryOf(charts: SiteChart[]): Record<string, { weeks: number; changes: number }> {
  const summary: Record<string, { weeks: number; changes: number }> = {};
  for (const chart of charts) {
    const region = summary[chart.region] ?? { weeks: 0, changes: 0 };
    summary[chart.region] = { weeks: region.weeks + 1, changes: region.changes + chart.changed };
  }
  return summary;
}

async function emptyArchive(): Promise<void> {
  await env.DB.batch(
    ["snapshots", "chart_entries", "change_seq", "derive_pending", "region_versions", "published_items"].map((table) =>
      env.DB.prepare(`DELETE FROM ${table}`),
    ),
  );
}

describe("change numbers", () => {
  it("are milliseconds of the database's clock, strictly increasing", async () => {
    await emptyArchive();
    // The clock expression the triggers use, in workerd's SQLite as in D1.
    const before = Date.now();
    const now = await dbNow();
    expect(Math.abs(now - before)).toBeLessThan(60_000);
    for (const i of [0, 1, 2]) await store().storeSnapshot(chartOf("DE", i, ["1", `${10 + i}`]));
    const numbers = [await changedOf("DE", 0), await changedOf("DE", 1), await changedOf("DE", 2)];
    expect(numbers[0]).toBeGreaterThanOrEqual(now);
    expect(numbers[1]).toBeGreaterThan(numbers[0] ?? 0);
    expect(numbers[2]).toBeGreaterThan(numbers[1] ?? 0);
    expect((await read()).pages[0]?.seq).toBe(numbers[2]);
  });

  it("an UPDATE of a snapshot's entries appears in since", async () => {
    await emptyArchive();
    for (const i of [0, 1, 2]) await store().storeSnapshot(chartOf("DE", i, ["1", "2", `${10 + i}`]));
    await store().storeSnapshot(chartOf("FR", 0, ["5", "6"]));
    const before = await read();
    const seq = before.pages[0]?.seq ?? 0;
    const week = addWeeks(FIRST, 1);

    // An operator corrects a title in place.
    const corrected = chartOf("DE", 1, ["1", "2", "11"]).entries.map((e) =>
      e.clip_id === "2" ? { ...e, title: "Song two (corrected)" } : e,
    );
    await env.DB.prepare("UPDATE snapshots SET entries = ? WHERE source = 'keyapi' AND region = 'DE' AND week = ?")
      .bind(JSON.stringify(corrected), week)
      .run();

    const since = await read(seq);
    expect(since.charts.map(keyOf)).toEqual([`DE/${week}`]);
    expect(since.charts[0]?.entries.map((e) => e.title)).toEqual(["Song 1", "Song two (corrected)", "Song 11"]);
    expect(since.charts[0]?.changed).toBeGreaterThan(seq);
    const after = await read();
    const differs = after.charts.filter(
      (chart) =>
        JSON.stringify(chart.entries) !== JSON.stringify(before.charts.find((b) => keyOf(b) === keyOf(chart))?.entries),
    );
    expect(differs.map(keyOf)).toEqual([`DE/${week}`]);

    // Writing the same content again is no change.
    const quiet = after.pages[0]?.seq ?? 0;
    await env.DB.prepare(
      "UPDATE snapshots SET entries = entries, fetched_at = fetched_at WHERE source = 'keyapi'",
    ).run();
    expect((await read(quiet)).charts).toEqual([]);

    // Nor is the trigger's own write of `changed` a change that fires it again: one number, once.
    expect(await changedOf("DE", 1)).toBe(since.charts[0]?.changed);
  });

  it("an UPDATE of a derived column outside a re-derivation appears in since; inside one, the step numbers it", async () => {
    await emptyArchive();
    for (const i of [0, 1, 2, 3]) await store().storeSnapshot(chartOf("DE", i, ["1", "2", `${10 + i}`]));
    const seq = (await read()).pages[0]?.seq ?? 0;
    const week = addWeeks(FIRST, 2);

    await env.DB.prepare(
      "UPDATE chart_entries SET peak = 7 WHERE source = 'keyapi' AND region = 'DE' AND week = ? AND clip_id = '12'",
    )
      .bind(week)
      .run();
    const since = await read(seq);
    expect(since.charts.map(keyOf)).toEqual([`DE/${week}`]);
    expect(since.charts[0]?.entries.find((e) => e.clip_id === "12")?.peak).toBe(7);

    // A week a pending re-derivation still covers (after its mark) is numbered when the step that
    // rewrites it moves the mark past it, not once per row; a week before the mark is numbered now.
    await env.DB.prepare("INSERT INTO derive_pending (source, region, after_week) VALUES ('keyapi', 'DE', ?)")
      .bind(addWeeks(FIRST, 1))
      .run();
    const marked = (await read()).pages[0]?.seq ?? 0;
    for (const i of [1, 3]) {
      await env.DB.prepare("UPDATE chart_entries SET peak = 9 WHERE source = 'keyapi' AND region = 'DE' AND week = ?")
        .bind(addWeeks(FIRST, i))
        .run();
    }
    expect((await read(marked)).charts.map(keyOf)).toEqual([`DE/${addWeeks(FIRST, 1)}`]);
    await env.DB.prepare("DELETE FROM derive_pending WHERE source = 'keyapi' AND region = 'DE'").run();
    expect((await read(marked)).charts.map(keyOf)).toEqual([1, 2, 3].map((i) => `DE/${addWeeks(FIRST, i)}`));
  });

  it("history rewound: a week stored again after a restore is numbered above every number read before it", async () => {
    await emptyArchive();
    await store().storeSnapshot(chartOf("FR", 0, ["5", "6"]));
    for (const i of [1, 2]) await store().storeSnapshot(chartOf("DE", i, ["1", "2", `${10 + i}`]));
    const afterWeek2 = (await read()).pages[0]?.seq ?? 0;
    await store().storeSnapshot(chartOf("DE", 3, ["1", "2", "13"]));
    const old = await read();
    const oldSeq = old.pages[0]?.seq ?? 0;
    const oldSummary = old.pages[0]?.regions;
    expect(oldSummary).toEqual(summaryOf(old.charts));

    // The database as a restore to just after week 2 leaves it: week 3 absent, the counter back.
    const week3 = addWeeks(FIRST, 3);
    await env.DB.batch([
      env.DB.prepare("DELETE FROM snapshots WHERE source = 'keyapi' AND region = 'DE' AND week = ?").bind(week3),
      env.DB.prepare("DELETE FROM chart_entries WHERE source = 'keyapi' AND region = 'DE' AND week = ?").bind(week3),
      env.DB.prepare("DELETE FROM published_items WHERE source = 'keyapi' AND region = 'DE' AND week = ?").bind(week3),
      env.DB.prepare("UPDATE region_versions SET version = version + 1 WHERE source = 'keyapi' AND region = 'DE'"),
      env.DB.prepare("UPDATE change_seq SET seq = ? WHERE source = 'keyapi'").bind(afterWeek2),
    ]);
    // A restore happens after the history it drops: the clock is past every number of it.
    while ((await dbNow()) <= oldSeq) await new Promise((resolve) => setTimeout(resolve, 1));

    // The job stores week 3 again, with other entries, through the normal path.
    expect(await store().storeSnapshot(chartOf("DE", 3, ["2", "13", "14"]))).toBe(true);

    const since = await read(oldSeq);
    expect(since.charts.map(keyOf)).toEqual([`DE/${week3}`]);
    expect(since.charts[0]?.entries.map((e) => e.clip_id)).toEqual(["2", "13", "14"]);
    expect(since.charts[0]?.changed).toBeGreaterThan(oldSeq);
    const now = await read();
    expect(now.pages[0]?.regions?.DE?.weeks).toBe(oldSummary?.DE?.weeks);
    expect(now.pages[0]?.regions?.DE?.changes).not.toBe(oldSummary?.DE?.changes);
    expect(now.pages[0]?.regions?.FR).toEqual(oldSummary?.FR);
  });

  it("the first page carries every region's count and sum of change numbers; later pages don't", async () => {
    await emptyArchive();
    for (const i of [0, 1, 2]) await store().storeSnapshot(chartOf("DE", i, ["1", `${10 + i}`]));
    for (const i of [0, 1]) await store().storeSnapshot(chartOf("FR", i, ["5", `${20 + i}`]));
    await store().storeSnapshot(chartOf("JP", 0, ["7"]));
    // Another source's charts are not the configured source's archive.
    await store("demo").storeSnapshot(chartOf("US", 0, ["9"], "demo"));
    // A correction makes one chart's number differ from its week's store order.
    await env.DB.prepare("UPDATE chart_entries SET peak = 3 WHERE source = 'keyapi' AND region = 'DE' AND week = ?")
      .bind(addWeeks(FIRST, 0))
      .run();

    const full = await read();
    expect(full.pages.length).toBeGreaterThan(1);
    for (const chart of full.charts) expect(Number.isInteger(chart.changed), keyOf(chart)).toBe(true);
    for (const p of full.pages) expect(p.projection).toBe(SITE_PROJECTION.version);
    const expected = summaryOf(full.charts);
    expect(Object.keys(expected).sort()).toEqual(["DE", "FR", "JP"]);
    expect(full.pages[0]?.regions).toEqual(expected);
    for (const p of full.pages.slice(1)) expect(p).not.toHaveProperty("regions");

    // With `since`, the first page still summarises the whole archive, changed or not.
    const seq = full.pages[0]?.seq ?? 0;
    const quiet = await read(seq);
    expect(quiet.charts).toEqual([]);
    expect(quiet.pages[0]?.regions).toEqual(expected);
    expect(quiet.pages[0]?.projection).toBe(SITE_PROJECTION.version);

    // The summary is answered from the index alone, never from the rows with their entries.
    const plan = await env.DB.prepare(`EXPLAIN QUERY PLAN ${REGION_CHANGES}`).bind("keyapi").all<{ detail: string }>();
    expect(plan.results.map((r) => r.detail).join("\n")).toContain("COVERING INDEX snapshots_by_region_change");
  });

  it("describes the new fields in /openapi.json", async () => {
    const response = await app.fetch(new Request("https://x.test/openapi.json"), env as Env, createExecutionContext());
    const schemas = ((await response.json()) as { components: { schemas: Record<string, OpenApiSchema> } }).components
      .schemas;
    const page = schemas.SiteCharts;
    expect(propertiesOf(page, schemas)).toEqual(["charts", "next", "projection", "regions", "seq"]);
    expect(page?.required).toContain("projection");
    expect(page?.required).not.toContain("regions");
    // A site chart is the shared slim chart and its change number; the shared schema is unchanged.
    const chart = propertiesOf(schemas.SiteChart, schemas);
    expect(chart).toEqual([...propertiesOf(schemas.SlimChart, schemas), "changed"].sort());
    expect(propertiesOf(schemas.SlimChart, schemas)).not.toContain("changed");
  });
});

interface OpenApiSchema {
  properties?: Record<string, unknown>;
  required?: string[];
  allOf?: OpenApiSchema[];
  $ref?: string;
}

/** The property names of a schema, through `allOf` and component `$ref`s, sorted. */
function propertiesOf(schema: OpenApiSchema | undefined, schemas: Record<string, OpenApiSchema>): string[] {
  if (!schema) return [];
  const referenced = schema.$ref ? propertiesOf(schemas[schema.$ref.split("/").at(-1) ?? ""], schemas) : [];
  const parts = (schema.allOf ?? []).flatMap((part) => propertiesOf(part, schemas));
  return [...Object.keys(schema.properties ?? {}), ...referenced, ...parts].sort();
}
