import { createExecutionContext, waitOnExecutionContext } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { createApp } from "../../worker/app";
import { GlobalStore } from "../../worker/archive/global";
import { ArchiveStore } from "../../worker/archive/store";
import { addWeeks, weekStart } from "../../worker/charts/iso-week";
import type { Sound } from "../../worker/charts/sound";
import type { DataSource } from "../../worker/config";
import { SHELL_MARKERS } from "../../worker/views/shell";
import { type Harness, harness } from "./harness";
import { jobHarness, mondayAfter, W47_START } from "./job-harness";

/**
 * `/sounds/<clipId>/` through the real app: the archive in D1, the site's files from a fixture
 * (the built site may be missing or stale when tests run), the colo cache where a test asks.
 */

const WEEK = 7 * 86_400_000;
const BANNER =
  '<p class="note" role="note"><strong>Demo data.</strong> These charts come from the built-in demo source, not from TikTok: titles, artists and ranks are made up.</p>';
const NOT_FOUND_PAGE = "<!doctype html><title>Not found · Trending Sounds</title><h1>Not found</h1>";

const shell = (banner: string, stylesheet: string) =>
  `<!doctype html><html lang="en"><head><title>${SHELL_MARKERS.title} · Trending Sounds</title>` +
  `<meta name="description" content="${SHELL_MARKERS.description}"><link rel="stylesheet" href="/_astro/${stylesheet}">` +
  `</head><body><main id="main">${banner}${SHELL_MARKERS.main}</main><footer>Not affiliated with TikTok.</footer></body></html>`;

/** The site's files as a build would make them: the shell (with the banner when built from demo data), the 404 page. */
function fixtureSite(stylesheet = "Base.one.css", builtFrom: DataSource = "demo") {
  const files: Record<string, string> = {
    "/shell/sound/": shell(builtFrom === "demo" ? BANNER : "", stylesheet),
    "/404.html": NOT_FOUND_PAGE,
  };
  return async (_env: Env, path: string) => {
    const body = files[path];
    if (body === undefined) return new Response("no such file", { status: 404 });
    // The asset server names each file's version by an ETag.
    return new Response(body, { headers: { "Content-Type": "text/html", ETag: `"${stylesheet}${path}"` } });
  };
}

function sound(clip: string, rank: number, region: string, title = `Sound ${clip}`): Sound {
  return {
    rank,
    clip_id: clip,
    song_id: clip,
    title,
    author: `Artist ${clip}`,
    link: `https://www.tiktok.com/music/x-${clip}`,
    url_title: "s",
    cover: `https://p16.tiktokcdn.com/${clip}.jpeg`,
    duration: 30,
    country_code: region,
    if_cml: false,
    promoted: false,
    trend: [],
  };
}

/** Stores one chart per region for `week` (the store's own path: the job's and the import's) and its global chart. */
async function storeWeek(source: DataSource, week: string, charts: Record<string, string[]>): Promise<void> {
  const store = new ArchiveStore(env.DB, source);
  for (const [region, clips] of Object.entries(charts)) {
    const entries = clips.map((clip, i) => sound(clip, i + 1, region));
    await store.storeSnapshot({ region, week, fetchedAt: weekStart(week) + 8 * 86_400_000, source, entries });
  }
  await new GlobalStore(env.DB, source).rebuild(week);
}

interface Get {
  headers?: Record<string, string>;
  source?: DataSource;
  site?: ReturnType<typeof fixtureSite>;
  colo?: boolean;
  method?: string;
}

async function get(
  h: Harness,
  path: string,
  { source = "demo", site = fixtureSite(), colo = false, method, headers }: Get = {},
) {
  const app = createApp({ ...h.deps, siteFile: site, coloCache: () => (colo ? caches.default : null) });
  const ctx = createExecutionContext();
  const response = await app.fetch(
    new Request(`https://trending.test${path}`, { method, headers }),
    { ...h.env, DATA_SOURCE: source },
    ctx,
  );
  await waitOnExecutionContext(ctx);
  return response;
}

const queries = (response: Response) => response.headers.get("Server-Timing");
const squash = (html: string) => html.replace(/<[^>]+>/g, "").replace(/\s+/g, " ");

describe("sound pages from the Worker", () => {
  it("serves the page of a sound that left every chart long ago, beside one on the latest chart", async () => {
    const h = await jobHarness({ REGIONS: "DE,FR", DATA_SOURCE: "demo" });
    const OLD = "9000000000000000001";
    await storeWeek("demo", "2025-W10", { DE: [OLD, "9000000000000000002"] });
    for (const w of [1, 0]) expect(await h.run(mondayAfter(W47_START - w * WEEK))).toBeNull();
    const latest = await (await get(h, "/api/charts/DE/latest")).json<{ entries: { clip_id: string }[] }>();

    const old = await get(h, `/sounds/${OLD}/`);
    expect(old.status).toBe(200);
    expect(old.headers.get("Content-Type")).toBe("text/html; charset=utf-8");
    const html = await old.text();
    expect(html).toContain(`<title>Sound ${OLD} — Artist ${OLD} · Trending Sounds</title>`);
    expect(squash(html)).toContain("Not on any region's latest chart; last charted in week 2025-W10.");
    expect(html).toContain(
      `<tr><th scope="row"><a href="/charts/DE/2025-W10/#${OLD}">2025-W10</a></th><td class="n">1</td></tr>`,
    );
    expect(squash(html)).toContain("Peak #1, 1 week on the chart, not on the latest chart.");

    const current = latest.entries[0]?.clip_id ?? "";
    const now = await get(h, `/sounds/${current}/`);
    expect(now.status).toBe(200);
    expect(squash(await now.text())).toContain("On 1 current chart: #1 in Germany.");
  });

  it("answers an unknown id, a malformed one and any other path under /sounds/ with the site's 404 page", async () => {
    const h = await harness({ DATA_SOURCE: "demo" });
    await storeWeek("demo", "2026-W47", { DE: ["1001"] });
    for (const path of ["/sounds/1002/", "/sounds/abc/", "/sounds/12ab", "/sounds/1001/more", "/sounds/"]) {
      const response = await get(h, path);
      expect(response.status, path).toBe(404);
      expect(response.headers.get("Content-Type"), path).toBe("text/html; charset=utf-8");
      expect(await response.text(), path).toBe(NOT_FOUND_PAGE);
    }
  });

  it("redirects the address without its slash to the page", async () => {
    const h = await harness({ DATA_SOURCE: "demo" });
    const response = await get(h, "/sounds/1001?from=feed");
    expect(response.status).toBe(301);
    expect(response.headers.get("Location")).toBe("/sounds/1001/?from=feed");
  });

  it("reads the archive a fixed number of times, however many weeks the sound charted", async () => {
    const h = await harness({ DATA_SOURCE: "demo" });
    const ONCE = "2001";
    const OFTEN = "2002";
    const weeks = Array.from({ length: 20 }, (_, i) => addWeeks("2026-W28", i));
    for (const week of weeks) await storeWeek("demo", week, { DE: [OFTEN], FR: ["2003", OFTEN] });
    await storeWeek("demo", "2026-W48", { DE: [ONCE] });

    const often = await get(h, `/sounds/${OFTEN}/`);
    expect(often.status).toBe(200);
    // Every week in both regions is on the page: the read was not cut short.
    expect((await often.text()).match(/<th scope="row"><a /g)).toHaveLength(40);
    expect(queries(often)).toMatch(/^d1;desc="queries=6 rows_read=\d+"$/);
    const once = await get(h, `/sounds/${ONCE}/`);
    expect(once.status).toBe(200);
    expect(queries(once)).toMatch(/^d1;desc="queries=6 rows_read=\d+"$/);
    const unknown = await get(h, "/sounds/2009/");
    expect(unknown.status).toBe(404);
    expect(queries(unknown)).toMatch(/^d1;desc="queries=6 rows_read=\d+"$/);
    // A malformed id costs nothing.
    expect(queries(await get(h, "/sounds/x/"))).toMatch(/^d1;desc="queries=0 rows_read=\d+"$/);
  });

  it("is kept at the edge until the next snapshot window opens, briefly while snapshots may land, and by browsers like every page", async () => {
    const h = await harness({ DATA_SOURCE: "demo" });
    await storeWeek("demo", "2026-W47", { DE: ["3001"] });
    // Wednesday 2026-11-25 12:00 UTC; the next window opens Monday 2026-11-30 00:00: 4 days 12 hours.
    h.clock.now = Date.UTC(2026, 10, 25, 12);
    expect((await get(h, "/sounds/3001/")).headers.get("Cache-Control")).toBe("public, max-age=300, s-maxage=388800");
    // Monday 2026-11-30 10:00 UTC, inside the window: the next hourly run may change the page.
    h.clock.now = Date.UTC(2026, 10, 30, 10);
    expect((await get(h, "/sounds/3001/")).headers.get("Cache-Control")).toBe("public, max-age=300, s-maxage=300");
  });

  it("answers a repeated page from the colo cache, keyed by data source and by the shell's version", async () => {
    const h = await harness({ DATA_SOURCE: "demo" });
    await storeWeek("demo", "2026-W47", { DE: ["4001"] });
    h.clock.now = Date.UTC(2026, 10, 25, 12);
    const first = await get(h, "/sounds/4001/", { colo: true });
    // The page's six, and the archive's state that keys the copy (read once a minute at most).
    expect(queries(first)).toMatch(/^d1;desc="queries=7 rows_read=\d+"$/);
    const body = await first.text();

    // An hour later: the same page from the cache, kept at the edge an hour less.
    h.clock.now += 3_600_000;
    const again = await get(h, "/sounds/4001/", { colo: true });
    expect(again.status).toBe(200);
    // Only the archive's state, read again after a minute: unchanged, so the same key.
    expect(queries(again)).toMatch(/^d1;desc="queries=1 rows_read=\d+"$/);
    expect(await again.text()).toBe(body);
    expect(again.headers.get("Cache-Control")).toBe("public, max-age=300, s-maxage=385200");

    // The provider's archive has no such sound: the demo page cached for this URL is not its answer.
    const otherSource = await get(h, "/sounds/4001/", { colo: true, source: "keyapi" });
    expect(otherSource.status).toBe(404);

    // A new site build (a new stylesheet): the page is made again in the new shell.
    const rebuilt = await get(h, "/sounds/4001/", { colo: true, site: fixtureSite("Base.two.css") });
    expect(queries(rebuilt)).toMatch(/^d1;desc="queries=6 rows_read=\d+"$/);
    expect(await rebuilt.text()).toContain('href="/_astro/Base.two.css"');
  });

  it("shows the demo banner on demo data and not on the provider's, whichever data the site was built from", async () => {
    const h = await harness({ DATA_SOURCE: "demo" });
    await storeWeek("demo", "2026-W47", { DE: ["5001"] });
    await storeWeek("keyapi", "2026-W47", { DE: ["5001"] });
    for (const builtFrom of ["demo", "keyapi"] as const) {
      const site = fixtureSite("Base.one.css", builtFrom);
      const demo = await get(h, "/sounds/5001/", { source: "demo", site });
      expect(demo.headers.get("X-Data-Source")).toBe("demo");
      expect(await demo.text(), builtFrom).toContain(`<main id="main">${BANNER}<div class="sound-head">`);
      const real = await get(h, "/sounds/5001/", { source: "keyapi", site });
      expect(real.status).toBe(200);
      expect(real.headers.get("X-Data-Source")).toBe("keyapi");
      const html = await real.text();
      expect(html, builtFrom).toContain('<main id="main"><div class="sound-head">');
      expect(html, builtFrom).not.toContain("Demo data.");
    }
  });

  it("answers a browser that has the page with 304, from D1 and from the colo cache alike", async () => {
    const h = await harness({ DATA_SOURCE: "demo" });
    await storeWeek("demo", "2026-W47", { DE: ["7001"] });
    h.clock.now = Date.UTC(2026, 10, 25, 12);
    for (const colo of [false, true]) {
      const first = await get(h, "/sounds/7001/", { colo });
      const etag = first.headers.get("ETag") ?? "";
      expect(etag).toMatch(/^"[0-9a-f]{32}"$/);
      const again = await get(h, "/sounds/7001/", { colo, headers: { "If-None-Match": `W/${etag}` } });
      expect(again.status, `colo ${colo}`).toBe(304);
      expect(again.headers.get("ETag")).toBe(etag);
      expect(again.headers.get("Cache-Control")).toBe("public, max-age=300, s-maxage=388800");
      expect(await again.text()).toBe("");
      const other = await get(h, "/sounds/7001/", { colo, headers: { "If-None-Match": '"other"' } });
      expect(other.status).toBe(200);
    }
  });

  it("answers HEAD with the headers and no body", async () => {
    const h = await harness({ DATA_SOURCE: "demo" });
    await storeWeek("demo", "2026-W47", { DE: ["6001"] });
    const response = await get(h, "/sounds/6001/", { method: "HEAD" });
    expect(response.status).toBe(200);
    expect(response.headers.get("Content-Type")).toBe("text/html; charset=utf-8");
    expect(await response.text()).toBe("");
  });

  it("is among the paths the asset router sends to the Worker first (wrangler.toml run_worker_first)", () => {
    const patterns = JSON.parse(env.TEST_RUN_WORKER_FIRST) as string[];
    expect(patterns).toContain("/sounds/*");
  });
});

describe("a sound page speaks of the newest week only for a sound on the current charts", () => {
  it("says when a sound that left the charts long ago last charted, and nothing of the newest week", async () => {
    const h = await jobHarness({ REGIONS: "DE,FR", DATA_SOURCE: "demo" });
    const OLD = "9000000000000000011";
    await storeWeek("demo", "2025-W10", { DE: [OLD] });
    expect(await h.run(mondayAfter(W47_START))).toBeNull();
    const page = squash(await (await get(h, `/sounds/${OLD}/`)).text());
    expect(page).toContain("last charted in week 2025-W10.");
    expect(page).toContain("On the global chart: peak #1, 1 week, most recently in week 2025-W10.");
    expect(page).not.toContain("2026-W47");
    expect(page).not.toContain("charts in 0 of");
  });
});
