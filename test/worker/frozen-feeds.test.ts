import { env } from "cloudflare:workers";
import { getRssString } from "@astrojs/rss";
import { describe, expect, it } from "vitest";
import { globalFeed, regionFeed } from "../../site/src/lib/feed";
import { regionName } from "../../worker/charts/regions";
import type { DebutItem, GlobalDebutItem } from "../../worker/schemas/site-archive";
import { CLOSING_RUN, W47_START, count, jobHarness, mondayAfter } from "./job-harness";

/**
 * Published feed items are frozen (issue 15, item 3): once the job has published a week, a region
 * stored later in the same week, a backfilled earlier week, an import that carries other text for
 * the same items and the weeks after leave every item's XML as it was, byte for byte.
 */
const WEEK = 7 * 86_400_000;
const HOUR = 3_600_000;
const ADMIN = "admin-secret-token";
const ORIGIN = "https://sounds.example";
const names = (code: string) => regionName(code as "DE");

type Harness = Awaited<ReturnType<typeof jobHarness>>;

async function json<T>(h: Harness, path: string, init?: RequestInit): Promise<T> {
  const response = await h.requestAndSettle(path, init);
  expect(response.status, `${path}: ${await response.clone().text()}`).toBe(200);
  return (await response.json()) as T;
}

/** Each item's `<item>` element, by guid, as the site's feeds write it (one feed per item: no two-week cut). */
async function itemXml(h: Harness): Promise<Map<string, string>> {
  const [global, regional] = await Promise.all([
    json<{ items: GlobalDebutItem[] }>(h, "/api/debuts/global?limit=500"),
    json<{ items: DebutItem[] }>(h, "/api/debuts?limit=500"),
  ]);
  const feeds = [
    ...global.items.map((item) => globalFeed([item], names, ORIGIN)),
    ...regional.items.map((item) => regionFeed(item.region, [item], names, ORIGIN)),
  ];
  const out = new Map<string, string>();
  for (const feed of feeds) {
    const xml = /<item>[\s\S]*<\/item>/.exec(await getRssString(feed))?.[0] ?? "";
    const guid = /<guid isPermaLink="false">([^<]*)<\/guid>/.exec(xml)?.[1] ?? "";
    expect(xml).toMatch(/<title>.+<\/title><link>.+<\/link>.*<description>.+<\/description><pubDate>.+<\/pubDate>/);
    out.set(guid, xml);
  }
  return out;
}

async function adminPost(h: Harness, path: string, body?: string) {
  return json<Record<string, unknown>>(h, path, {
    method: "POST",
    headers: { Authorization: `Bearer ${ADMIN}` },
    body,
  });
}

/** The whole admin dump, following its cursor. */
async function dumpLines(h: Harness): Promise<Record<string, unknown>[]> {
  const lines: Record<string, unknown>[] = [];
  for (let cursor: string | null = ""; cursor !== null; ) {
    const query: string = cursor === "" ? "" : `?cursor=${encodeURIComponent(cursor)}`;
    const response = await h.requestAndSettle(`/api/admin/archive${query}`, {
      headers: { Authorization: `Bearer ${ADMIN}` },
    });
    expect(response.status).toBe(200);
    const body = new TextDecoder().decode(await response.arrayBuffer());
    for (const line of body.split("\n")) if (line !== "") lines.push(JSON.parse(line));
    cursor = response.headers.get("X-Next-Cursor");
  }
  return lines;
}

describe("published items are frozen", () => {
  it("keeps every item's XML byte for byte through a late region, a backfill, an import and later weeks", async () => {
    const h = await jobHarness({ REGIONS: "US,DE", DATA_SOURCE: "demo", ADMIN_TOKEN: ADMIN });
    // W46 is the baseline; W47 is complete once US and DE are stored, and the run publishes it.
    expect(await h.run(mondayAfter(W47_START - WEEK))).toBeNull();
    expect(await count("SELECT COUNT(*) AS n FROM published_global")).toBe(0);
    expect(await h.run(mondayAfter(W47_START))).toBeNull();
    const before = await itemXml(h);
    const globalGuids = [...before.keys()].filter((guid) => guid.includes(":global:"));
    expect(globalGuids.length).toBeGreaterThan(0);
    expect(before.size).toBeGreaterThan(globalGuids.length);

    // A region stored later in the same week: the week completes again and is published again.
    h.env.REGIONS = "US,DE,FR";
    expect(await h.run(mondayAfter(W47_START) + HOUR)).toBeNull();
    expect(await count("SELECT COUNT(*) AS n FROM snapshots WHERE week = '2026-W47'")).toBe(3);

    // A backfill of an earlier week (US W45, with W46's sounds) and an import carrying other text
    // for every published item, through the admin import and its follow-up derivation.
    const lines = await dumpLines(h);
    const us46 = lines.find((l) => l.type === "chart" && l.region === "US" && l.week === "2026-W46");
    expect(us46).toBeDefined();
    const backfill = { ...us46, week: "2026-W45", fetchedAt: new Date(W47_START - WEEK).toISOString() };
    const rewritten = lines
      .filter((l) => l.type === "global" || l.type === "published")
      .map((l) => ({ ...l, title: "Rewritten", author: "Someone else", rank: 1, first_seen: 0 }));
    expect(rewritten.length).toBeGreaterThan(before.size); // the late region added items of its own
    const imported = await adminPost(
      h,
      "/api/admin/archive",
      [backfill, ...rewritten].map((l) => JSON.stringify(l)).join("\n"),
    );
    expect(imported).toMatchObject({ charts: { stored: 1 }, logRows: 0 });
    for (let round = 0; ; round++) {
      expect(round).toBeLessThan(10);
      if ((await adminPost(h, "/api/admin/archive/derive")).pending === 0) break;
    }

    // The window closes, and the next week is stored and published.
    expect(await h.run(CLOSING_RUN)).toBeNull();
    expect(await h.run(mondayAfter(W47_START + WEEK))).toBeNull();

    const after = await itemXml(h);
    for (const [guid, xml] of before) expect(after.get(guid), guid).toBe(xml);
    expect(after.size).toBeGreaterThan(before.size);
  });
});

describe("migration 0006 on an existing archive", () => {
  it("recomputes the all-regions log from the global rankings as the job publishes it, leaving the latest week to the job", async () => {
    const h = await jobHarness({ REGIONS: "US,DE", DATA_SOURCE: "demo" });
    for (const back of [2, 1, 0]) expect(await h.run(mondayAfter(W47_START - back * WEEK))).toBeNull();
    const LOG =
      "SELECT source, clip_id, week, first_seen, title, author, cover, rank, points, regions FROM published_global ORDER BY clip_id";
    const published = (await env.DB.prepare(LOG).all()).results;
    expect(new Set(published.map((row) => row.week))).toEqual(new Set(["2026-W46", "2026-W47"]));

    const migration = env.TEST_MIGRATIONS.find((m) => m.name.startsWith("0006_"));
    expect(migration).toBeDefined();
    await env.DB.batch(migration!.queries.map((query) => env.DB.prepare(query)));
    expect((await env.DB.prepare(LOG).all()).results).toEqual(published.filter((row) => row.week === "2026-W46"));
  });
});
