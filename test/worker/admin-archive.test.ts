import { createExecutionContext } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { createApp } from "../../worker/app";
import { productionDeps } from "../../worker/app-env";
import { REGIONS } from "../../worker/charts/regions";
import { countingD1 } from "../../worker/archive/query-counter";
import { W47_START, count, jobHarness, mondayAfter } from "./job-harness";

const ADMIN = "admin-secret-token";
const WEEK = 7 * 86_400_000;
const auth = { Authorization: `Bearer ${ADMIN}` };

async function call(testEnv: Env, path: string, init?: RequestInit): Promise<Response> {
  return createApp(productionDeps).fetch(new Request(`https://x.test${path}`, init), testEnv, createExecutionContext());
}

/** Follows the dump's cursor to the end; every page's D1 queries are recorded. */
async function dumpAll(testEnv: Env, query = ""): Promise<{ text: string; pages: number; queries: number[] }> {
  const counter = countingD1(testEnv.DB);
  const counted = { ...testEnv, DB: counter.db } as Env;
  let cursor: string | null = null;
  let text = "";
  const queries: number[] = [];
  do {
    counter.reset();
    const params = new URLSearchParams(query);
    if (cursor) params.set("cursor", cursor);
    const response = await call(counted, `/api/admin/archive?${params}`, { headers: auth });
    expect(response.status).toBe(200);
    text += await response.text();
    queries.push(counter.queries());
    cursor = response.headers.get("X-Next-Cursor");
  } while (cursor);
  return { text, pages: queries.length, queries };
}

async function restore(testEnv: Env, body: string): Promise<Response> {
  return call(testEnv, "/api/admin/archive", { method: "POST", body, headers: auth });
}

async function restoreOk(testEnv: Env, lines: string[]) {
  const response = await restore(testEnv, lines.join("\n"));
  expect(response.status, await response.clone().text()).toBe(200);
  return (await response.json()) as { charts: { stored: number; skipped: number }; logRows: number };
}

const TABLES = ["snapshots", "chart_entries", "published_items", "published_global", "gaps", "region_versions"];

async function emptyArchive(): Promise<void> {
  for (const table of TABLES) await env.DB.prepare(`DELETE FROM ${table}`).run();
}

/** Three weeks of US and DE from the demo source, plus a gap: the archive the dump tests start from. */
async function seeded() {
  const h = await jobHarness({ REGIONS: "US,DE", DATA_SOURCE: "demo", ADMIN_TOKEN: ADMIN });
  for (const w of [0, 1, 2]) expect(await h.run(mondayAfter(W47_START - (2 - w) * WEEK))).toBeNull();
  await env.DB.prepare(
    "INSERT INTO gaps (source, region, week, recorded_at) VALUES ('demo', 'FR', '2026-W45', 123)",
  ).run();
  return h;
}

describe("full dump and restore (npm run export / import)", () => {
  it("round-trips losslessly a page at a time, and importing twice changes nothing", async () => {
    const h = await seeded();
    const before = await dumpAll(h.env, "limit=2&logLimit=50");
    const lines = before.text.trim().split("\n");
    const types = lines.map((l) => JSON.parse(l).type as string);
    expect(types.filter((t) => t === "chart")).toHaveLength(6);
    expect(types.filter((t) => t === "published").length).toBeGreaterThan(50);
    expect(types.filter((t) => t === "global").length).toBeGreaterThan(10);
    expect(types.filter((t) => t === "gap")).toHaveLength(1);
    // Stages in order: the log first, so that an import never announces anything anew.
    expect(types).toEqual([...types].sort((a, b) => order(a) - order(b)));
    expect(before.pages).toBeGreaterThan(6);
    expect(Math.max(...before.queries)).toBeLessThanOrEqual(2);

    await emptyArchive();
    const log = lines.filter((l) => !l.includes('"type":"chart"'));
    const charts = lines.filter((l) => l.includes('"type":"chart"'));
    expect((await restoreOk(h.env, log)).logRows).toBe(log.length);
    expect((await restoreOk(h.env, charts)).charts).toEqual({ stored: 6, skipped: 0 });
    expect((await dumpAll(h.env)).text).toBe(before.text);

    expect(await restoreOk(h.env, lines.slice(0, 40))).toMatchObject({ logRows: 0 });
    expect(await restoreOk(h.env, charts)).toEqual({ charts: { stored: 0, skipped: 6 }, logRows: 0 });
    expect((await dumpAll(h.env)).text).toBe(before.text);
  });

  it("imports a 6,000-item published log in bounded batches", async () => {
    const h = await jobHarness({ ADMIN_TOKEN: ADMIN });
    const items = Array.from({ length: 6_000 }, (_, i) => ({
      type: "published",
      source: "keyapi",
      region: REGIONS[i % REGIONS.length],
      clip_id: String(7_300_000_000_000_000_000n + BigInt(i)),
      week: "2026-W47",
      first_seen: 1_763_860_000_000 + i,
      title: `Sound ${i} — ünïcödé ${"♪".repeat(i % 7)}`,
      author: `Artist ${i}`,
      cover: `https://p16-sign.tiktokcdn.com/cover-${i}.jpeg`,
      rank: (i % 100) + 1,
    }));
    const counter = countingD1(h.env.DB);
    const counted = { ...h.env, DB: counter.db } as Env;
    let added = 0;
    for (let start = 0; start < items.length; start += 2_000) {
      counter.reset();
      const batch = items.slice(start, start + 2_000).map((item) => JSON.stringify(item));
      added += (await restoreOk(counted, batch)).logRows;
      expect(counter.queries()).toBeLessThanOrEqual(3);
    }
    expect(added).toBe(6_000);
    expect(await count("SELECT COUNT(*) AS n FROM published_items")).toBe(6_000);
    const tooMany = await restore(
      counted,
      items
        .slice(0, 2_001)
        .map((i) => JSON.stringify(i))
        .join("\n"),
    );
    expect(tooMany.status).toBe(400);
  });

  it("restores a global item's points, and reads a dump from before them without restoring its old items", async () => {
    const h = await jobHarness({ ADMIN_TOKEN: ADMIN });
    const item = {
      type: "global",
      source: "keyapi",
      clip_id: "7300000000000000001",
      week: "2026-W47",
      first_seen: 1_763_860_000_000,
      title: "Song",
      author: "Artist",
      cover: "https://p16-sign.tiktokcdn.com/cover.jpeg",
      rank: 4,
      regions: ["DE", "FR"],
    };
    const old = { ...item, clip_id: "7300000000000000002" };
    const lines = [{ ...item, points: 163 }, old].map((line) => JSON.stringify(line));
    expect(await restoreOk(h.env, lines)).toMatchObject({ logRows: 1 });
    const rows = await env.DB.prepare("SELECT clip_id, rank, points, regions FROM published_global").all();
    expect(rows.results).toEqual([{ clip_id: item.clip_id, rank: 4, points: 163, regions: '["DE","FR"]' }]);
  });

  it("answers 401 without the admin token", async () => {
    const h = await jobHarness({ ADMIN_TOKEN: ADMIN });
    const denied = await call(h.env, "/api/admin/archive");
    expect(denied.status).toBe(401);
    expect(((await denied.json()) as { code: number }).code).toBe(401);
  });

  it("rejects a cursor it did not hand out", async () => {
    const h = await jobHarness({ ADMIN_TOKEN: ADMIN });
    expect((await call(h.env, "/api/admin/archive?cursor=bm9wZQ", { headers: auth })).status).toBe(400);
    expect((await call(h.env, "/api/admin/archive?cursor=%25%25", { headers: auth })).status).toBe(400);
  });
});

describe("restore validates like the job, and writes nothing when a line is bad", () => {
  const broken: [string, (chart: Record<string, unknown>) => unknown][] = [
    ["a lower-case region", (c) => ({ ...c, region: "de" })],
    ["a region outside the 71", (c) => ({ ...c, region: "XX" })],
    ["a non-canonical week", (c) => ({ ...c, week: "2026-w47" })],
    ["a week that does not exist", (c) => ({ ...c, week: "2025-W53" })],
    ["a fetchedAt that is no time", (c) => ({ ...c, fetchedAt: "yesterday" })],
    ["an unknown source", (c) => ({ ...c, source: "scraper" })],
    [
      "a sound listed twice",
      (c) => {
        const entries = c.entries as Record<string, unknown>[];
        return { ...c, entries: [...entries.slice(0, 99), { ...entries[0], rank: 100 }] };
      },
    ],
    [
      "entries of another region",
      (c) => ({ ...c, entries: (c.entries as Record<string, unknown>[]).map((e) => ({ ...e, country_code: "FR" })) }),
    ],
    ["ranks out of order", (c) => ({ ...c, entries: [...(c.entries as unknown[])].reverse() })],
    ["an entry that is not a sound", (c) => ({ ...c, entries: [{ rank: 1 }] })],
  ];

  for (const [what, breakIt] of broken) {
    it(`answers 400 naming the line for ${what}`, async () => {
      const h = await seeded();
      const lines = (await dumpAll(h.env)).text.trim().split("\n");
      const charts = lines.filter((l) => l.includes('"type":"chart"'));
      await emptyArchive();
      const bad = JSON.stringify(breakIt(JSON.parse(charts[1]!)));
      const response = await restore(h.env, [charts[0], bad, charts[2]].join("\n"));
      expect(response.status).toBe(400);
      expect(((await response.json()) as { message: string }).message).toMatch(/^invalid input: line 2: /);
      for (const table of TABLES) expect(await count(`SELECT COUNT(*) AS n FROM ${table}`), table).toBe(0);
    });
  }

  it("answers 400 naming the line for a chart over D1's 2 MB per value, before anything is written", async () => {
    const h = await seeded();
    const lines = (await dumpAll(h.env)).text.trim().split("\n");
    const log = lines.find((l) => l.includes('"type":"published"'))!;
    const charts = lines.filter((l) => l.includes('"type":"chart"'));
    await emptyArchive();
    // 700,000 UTF-16 units, but 2.1 million UTF-8 bytes: too large for one D1 value.
    const big = JSON.parse(charts[1]!);
    for (const entry of big.entries) entry.title = "€".repeat(7_000);
    const response = await restore(h.env, [log, charts[0], JSON.stringify(big)].join("\n"));
    expect(response.status).toBe(400);
    expect(((await response.json()) as { message: string }).message).toMatch(/^invalid input: line 3: .*2 MB/);
    for (const table of TABLES) expect(await count(`SELECT COUNT(*) AS n FROM ${table}`), table).toBe(0);
  });

  it("answers 400 for log lines with a bad region, week or time, naming the line", async () => {
    const h = await jobHarness({ ADMIN_TOKEN: ADMIN });
    const item = {
      type: "published",
      source: "keyapi",
      region: "DE",
      clip_id: "7300000000000000001",
      week: "2026-W47",
      first_seen: 1_763_860_000_000,
      title: "t",
      author: "a",
      cover: "c",
      rank: 3,
    };
    for (const bad of [{ region: "XX" }, { week: "2026-W99" }, { first_seen: Number.NaN }, { clip_id: "12a" }]) {
      const response = await restore(h.env, [JSON.stringify(item), JSON.stringify({ ...item, ...bad })].join("\n"));
      expect(response.status).toBe(400);
      expect(((await response.json()) as { message: string }).message).toMatch(/line 2/);
    }
    expect(await count("SELECT COUNT(*) AS n FROM published_items")).toBe(0);
  });

  it("strips XML-forbidden characters from text, as ingestion does", async () => {
    const h = await seeded();
    const lines = (await dumpAll(h.env)).text.trim().split("\n");
    const chart = JSON.parse(lines.find((l) => l.includes('"type":"chart"'))!);
    await emptyArchive();
    chart.entries[0].title = "Bad\u0000 title\u0007 \uFFFF here";
    expect((await restoreOk(h.env, [JSON.stringify(chart)])).charts.stored).toBe(1);
    const stored = await env.DB.prepare("SELECT title FROM chart_entries WHERE rank = 1").first<{ title: string }>();
    expect(stored?.title).toBe("Bad title  here");
  });
});

describe("the R2 backup", () => {
  it("writes each completed week to the bound bucket as JSON lines, per source", async () => {
    const h = await jobHarness({ REGIONS: "US,DE", DATA_SOURCE: "demo" });
    expect(await h.run(mondayAfter(W47_START))).toBeNull();
    const object = await env.ARCHIVE_BUCKET?.get("weeks/demo/2026-W47.jsonl");
    const charts =
      (await object?.text())
        ?.trim()
        .split("\n")
        .map((l) => JSON.parse(l)) ?? [];
    expect(charts.map((c) => c.region)).toEqual(["DE", "US"]);
    expect(charts[0].entries).toHaveLength(100);
  });
});

function order(type: string): number {
  return ["published", "global", "gap", "chart"].indexOf(type);
}
