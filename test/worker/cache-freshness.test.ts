import { createExecutionContext, waitOnExecutionContext } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { createApp } from "../../worker/app";
import { GlobalStore } from "../../worker/archive/global";
import { ArchiveStore } from "../../worker/archive/store";
import { weekStart } from "../../worker/charts/iso-week";
import { backfillStep } from "../../worker/search/backfill";
import { SHELL_MARKERS } from "../../worker/views/shell";
import { testSound } from "../fixtures/sound";
import { type Harness, harness } from "./harness";
import { SOUNDS, storeWeek } from "./search-fixture";

/**
 * docs/http.md "Caches: no cached answer outlives what it describes": search results, sound pages
 * and `/api` answers kept in the colo cache show a change to the archive or the search index
 * within five minutes, browsers included. The clock is the test's (deps.now), never a sleep.
 */
const FIVE_MINUTES = 5 * 60_000;
// Wednesday 2026-11-25 12:00 UTC: outside any snapshot window, so pages are kept at the edge for days.
const WEDNESDAY = Date.UTC(2026, 10, 25, 12);
const SHELL =
  `<!doctype html><html lang="en"><head><title>${SHELL_MARKERS.title} · Trending Sounds</title>` +
  `<meta name="description" content="${SHELL_MARKERS.description}"></head>` +
  `<body><main id="main">${SHELL_MARKERS.main}</main></body></html>`;

async function siteFile(_env: Env, path: string): Promise<Response> {
  if (!["/shell/search/", "/shell/sound/", "/404.html"].includes(path)) return new Response(null, { status: 404 });
  return new Response(SHELL, { headers: { "Content-Type": "text/html", ETag: `"v1${path}"` } });
}

/** One request through this isolate's app (its memory of the archive's state), the colo cache on. */
async function get(h: Harness, path: string): Promise<Response> {
  const app = createApp({ ...h.deps, siteFile, coloCache: () => caches.default });
  const ctx = createExecutionContext();
  const response = await app.fetch(new Request(`https://fresh.test${path}`), h.env, ctx);
  await waitOnExecutionContext(ctx);
  return response;
}

const queries = (response: Response) =>
  Number(/d1;desc="queries=(\d+) /.exec(response.headers.get("Server-Timing") ?? "")?.[1]);
const maxAge = (response: Response) =>
  Number(/(?:^|[\s,])max-age=(\d+)/.exec(response.headers.get("Cache-Control") ?? "")?.[1]);

interface SearchBody {
  total: number;
  indexing: boolean;
  results: { clip_id: string }[];
}

describe("search answers and the index being built", () => {
  it("has the full results five minutes after the backfill finishes, for the same query", async () => {
    const h = await harness({ DATA_SOURCE: "keyapi" }, { colo: true });
    h.clock.now = WEDNESDAY;
    const { love, lovely, storyLove, cancion } = SOUNDS;
    await storeWeek("keyapi", "2026-W46", { DE: [love, lovely, storyLove, cancion] });
    // The archive as migration 0008 finds it: charted sounds, an empty index, the backfill pending.
    await env.DB.batch([
      env.DB.prepare("DELETE FROM search_sounds WHERE source = 'keyapi'"),
      env.DB.prepare("INSERT OR REPLACE INTO search_backfill (source, after_clip, done) VALUES ('keyapi', '', 0)"),
    ]);
    await backfillStep(env.DB, "keyapi", 1);

    const during = await get(h, "/api/search?q=love");
    const partial = await during.json<SearchBody>();
    expect(partial.indexing).toBe(true);
    expect(partial.total).toBeLessThan(3);
    const page = await get(h, "/search?q=love");
    expect(page.status).toBe(200);
    expect(await page.text()).toContain("still being built");

    while (!(await backfillStep(env.DB, "keyapi", 2)).done) {}
    h.clock.now += FIVE_MINUTES;
    const after = await (await get(h, "/api/search?q=love")).json<SearchBody>();
    expect(after.indexing).toBe(false);
    expect(after.results.map((r) => r.clip_id).sort()).toEqual([love.clip, lovely.clip, storyLove.clip].sort());
    expect(await (await get(h, "/search?q=love")).text()).not.toContain("still being built");
  });

  it("keeps an answer of the finished index, and shows a newly stored sound within five minutes", async () => {
    const h = await harness({ DATA_SOURCE: "keyapi" }, { colo: true });
    h.clock.now = WEDNESDAY;
    const { love, lovely, storyLove } = SOUNDS;
    await storeWeek("keyapi", "2026-W46", { DE: [love, lovely] });
    const first = await (await get(h, "/api/search?q=love")).json<SearchBody>();
    expect(first.total).toBe(2);
    const again = await get(h, "/api/search?q=love");
    expect(queries(again)).toBe(0);

    await storeWeek("keyapi", "2026-W47", { FR: [storyLove] });
    h.clock.now += 30_000;
    const kept = await get(h, "/api/search?q=love");
    // Still this isolate's copy for under a minute, so browsers keep it only what is left of five.
    expect(queries(kept)).toBe(0);
    expect(maxAge(kept)).toBe(270);
    h.clock.now += FIVE_MINUTES - 30_000;
    expect((await (await get(h, "/api/search?q=love")).json<SearchBody>()).total).toBe(3);
  });
});

describe("sound pages and /api answers after an archive write", () => {
  const CLIP = "4100000000000000001";
  /** Stores a region's chart and, as the job does, the week's global ranking. */
  const storeChart = async (week: string, region = "DE") => {
    await new ArchiveStore(env.DB, "keyapi").storeSnapshot({
      region,
      week,
      fetchedAt: weekStart(week) + 8 * 86_400_000,
      source: "keyapi",
      entries: [testSound(CLIP, 1, region), testSound("4100000000000000002", 2, region)],
    });
    await new GlobalStore(env.DB, "keyapi").rebuild(week);
  };

  it("changes a cached sound page within five minutes of a new snapshot of its sound", async () => {
    const h = await harness({ DATA_SOURCE: "keyapi" }, { colo: true });
    h.clock.now = WEDNESDAY;
    await storeChart("2026-W46");
    const first = await get(h, `/sounds/${CLIP}/`);
    expect(first.status).toBe(200);
    expect(await first.text()).not.toContain("2026-W47");
    const cached = await get(h, `/sounds/${CLIP}/`);
    expect(queries(cached)).toBe(0);

    await storeChart("2026-W47", "FR");
    h.clock.now += FIVE_MINUTES;
    const changed = await get(h, `/sounds/${CLIP}/`);
    expect(await changed.text()).toContain("2026-W47");
    // Browsers keep it five minutes at most, counted from when the archive's state was read.
    expect(maxAge(changed)).toBeLessThanOrEqual(300);
  });

  it("changes a cached /api answer within five minutes of a new snapshot", async () => {
    const h = await harness({ DATA_SOURCE: "keyapi" }, { colo: true });
    h.clock.now = WEDNESDAY;
    await storeChart("2026-W46");
    const path = "/api/charts/DE/latest";
    expect(await (await get(h, path)).json()).toMatchObject({ week: "2026-W46" });
    expect(queries(await get(h, path))).toBe(0);

    await storeChart("2026-W47");
    h.clock.now += 60_000;
    expect(await (await get(h, path)).json()).toMatchObject({ week: "2026-W47" });
  });
});
