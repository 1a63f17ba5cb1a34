import { createExecutionContext, waitOnExecutionContext } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { beforeAll, describe, expect, it } from "vitest";
import { createApp } from "../../worker/app";
import { productionDeps } from "../../worker/app-env";
import { ArchiveStore } from "../../worker/archive/store";
import { weekStart } from "../../worker/charts/iso-week";
import type { DataSource } from "../../worker/config";
import { SHELL_MARKERS } from "../../worker/views/shell";
import { testSound } from "../fixtures/sound";
import { type FixtureSound, SOUNDS, SPELLINGS, sound, storeWeek } from "./search-fixture";

/**
 * `/search?q=` and `/api/search?q=` through the real app (issue 17): hand-written sounds with
 * known result orders, hostile queries, paging, a pasted clip id, the colo cache. The site's files
 * come from a fixture, as in the sound pages' tests.
 */
const { cancion, cancionLive, verano, habibi, kalinka, yoru, tokyo, markup, love, lovely, storyLove } = SOUNDS;
const NOT_FOUND_PAGE = "<!doctype html><title>Not found · Trending Sounds</title><h1>Not found</h1>";
const SHELL =
  `<!doctype html><html lang="en"><head><title>${SHELL_MARKERS.title} · Trending Sounds</title>` +
  `<meta name="description" content="${SHELL_MARKERS.description}"></head>` +
  `<body><main id="main">${SHELL_MARKERS.main}</main></body></html>`;

async function site(_env: Env, path: string): Promise<Response> {
  const files: Record<string, string> = { "/shell/search/": SHELL, "/404.html": NOT_FOUND_PAGE };
  const body = files[path];
  if (body === undefined) return new Response("no such file", { status: 404 });
  return new Response(body, { headers: { "Content-Type": "text/html", ETag: `"v1${path}"` } });
}

async function get(path: string, { source = "keyapi", colo = false }: { source?: DataSource; colo?: boolean } = {}) {
  const app = createApp({ ...productionDeps, siteFile: site, coloCache: () => (colo ? caches.default : null) });
  const ctx = createExecutionContext();
  const response = await app.fetch(new Request(`https://trending.test${path}`), { ...env, DATA_SOURCE: source }, ctx);
  await waitOnExecutionContext(ctx);
  return response;
}

const q = (query: string, extra = "") => `/search?q=${encodeURIComponent(query)}${extra}`;
const api = (query: string, extra = "") => `/api/search?q=${encodeURIComponent(query)}${extra}`;
const queries = (response: Response) =>
  Number(/d1;desc="queries=(\d+) /.exec(response.headers.get("Server-Timing") ?? "")?.[1]);

async function titlesFor(query: string): Promise<string[]> {
  const response = await get(api(query));
  expect(response.status, query).toBe(200);
  const body = (await response.json()) as { results: { title: string }[] };
  return body.results.map((r) => r.title);
}

beforeAll(async () => {
  await storeWeek("keyapi", "2026-W10", {
    DE: [love, cancion, yoru, habibi],
    FR: [cancion, verano, lovely],
    US: [storyLove, love],
  });
  await storeWeek("keyapi", "2026-W11", { DE: [cancion, tokyo, kalinka, cancionLive], JP: [yoru, tokyo, markup] });
  await storeWeek("keyapi", "2026-W11", { PL: Object.values(SPELLINGS) });
  // A hundred sounds of another source, for paging.
  const store = new ArchiveStore(env.DB, "demo");
  const entries = Array.from({ length: 100 }, (_, i) => testSound(String(8_000_000 + i), i + 1, "GB"));
  await store.storeSnapshot({
    region: "GB",
    week: "2026-W11",
    fetchedAt: weekStart("2026-W11"),
    source: "demo",
    entries,
  });
});

describe("search results", () => {
  it("finds titles without their accents and case, best match first, then the most widely charted", async () => {
    expect(await titlesFor("cancion")).toEqual([cancion.title, cancionLive.title, verano.title]);
    expect(await titlesFor("CANCIÓN DEL VERANO")).toEqual([cancion.title, cancionLive.title]);
    expect(await titlesFor("Love")).toEqual([love.title, storyLove.title, lovely.title]);
    expect(await titlesFor("love story")).toEqual([love.title, storyLove.title]);
    expect(await titlesFor("núñez")).toEqual([cancion.title]);
  });

  it("finds right-to-left, Cyrillic and CJK titles, CJK ones by any part", async () => {
    expect(await titlesFor("حبيبي")).toEqual([habibi.title]);
    expect(await titlesFor("حبيبي يا نور العين")).toEqual([habibi.title]);
    expect(await titlesFor("КАЛИНКА")).toEqual([kalinka.title]);
    expect(await titlesFor("夜")).toEqual([yoru.title, tokyo.title]);
    expect(await titlesFor("東京")).toEqual([tokyo.title]);
    expect(await titlesFor("駆け")).toEqual([yoru.title]);
    expect(await titlesFor("夜に駆ける")).toEqual([yoru.title]);

    const page = await get(q("حبيبي"));
    expect(page.status).toBe(200);
    const html = await page.text();
    expect(html).toContain(`<a href="/sounds/${habibi.clip}/"><bdi>${habibi.title}</bdi></a>`);
    expect(html).toContain(`<td><bdi>${habibi.author}</bdi></td>`);
  });

  it("shows each result's title, author, best rank, regions and weeks, linked to its page", async () => {
    const response = await get(q("cancion"));
    expect(response.status).toBe(200);
    expect(response.headers.get("Content-Type")).toBe("text/html; charset=utf-8");
    expect(response.headers.get("Cache-Control")).toMatch(/^public, max-age=\d+, s-maxage=\d+$/);
    expect(queries(response)).toBeLessThanOrEqual(3);
    const html = await response.text();
    expect(html).toContain("<title>Search: cancion · Trending Sounds</title>");
    expect(html).toContain('<input id="q" name="q" type="search" value="cancion" maxlength="200">');
    expect(html).toContain("3 sounds match.");
    expect(html).toContain(
      `<tr><th scope="row"><a href="/sounds/${cancion.clip}/"><bdi>${cancion.title}</bdi></a></th><td><bdi>${cancion.author}</bdi></td><td class="n">#1</td>` +
        `<td>2: <abbr title="Germany">DE</abbr>, <abbr title="France">FR</abbr></td><td>2026-W10</td><td>2026-W11</td></tr>`,
    );
    const json = (await (await get(api("cancion"))).json()) as { results: unknown[] };
    expect(json.results[0]).toEqual({
      clip_id: cancion.clip,
      title: cancion.title,
      author: cancion.author,
      bestRank: 1,
      regions: ["DE", "FR"],
      firstWeek: "2026-W10",
      lastWeek: "2026-W11",
      url: `/sounds/${cancion.clip}/`,
    });
  });

  it("pages results 50 at a time", async () => {
    const first = await get(q("song", ""), { source: "demo" });
    const html = await first.text();
    expect(html).toContain("100 sounds match. Showing 1–50.");
    expect(html.match(/<tr><th scope="row">/g)).toHaveLength(50);
    expect(html).toContain('<a href="/search?q=song&amp;page=2" rel="next">Next 50</a>');
    const second = (await (await get(api("song", "&page=2"), { source: "demo" })).json()) as { results: unknown[] };
    expect(second.results).toHaveLength(50);
    const past = await get(q("song", "&page=3"), { source: "demo" });
    expect(past.status).toBe(200);
    expect(await past.text()).toContain("No results on page 3.");
    for (const page of ["0", "21", "abc", "1.5", "-1", ""]) {
      expect((await get(q("song", `&page=${page}`))).status, page).toBe(400);
      expect((await get(api("song", `&page=${page}`))).status, page).toBe(400);
    }
  });

  it("goes straight to a sound's page for its clip id or TikTok link, and searches an unknown id as words", async () => {
    const byId = await get(q(` ${yoru.clip} `));
    expect(byId.status).toBe(302);
    expect(byId.headers.get("Location")).toBe(`/sounds/${yoru.clip}/`);
    const byLink = await get(q(`https://www.tiktok.com/music/yoru-ni-kakeru-${yoru.clip}?lang=ja`));
    expect(byLink.headers.get("Location")).toBe(`/sounds/${yoru.clip}/`);
    const unknown = await get(q("7199999999999999999"));
    expect(unknown.status).toBe(200);
    expect(await unknown.text()).toContain("No sound matches");
    const json = (await (await get(api(yoru.clip))).json()) as { results: { clip_id: string }[] };
    expect(json.results.map((r) => r.clip_id)).toEqual([yoru.clip]);
  });

  it("keeps a result page in the colo cache, keyed by the normalised query and the source", async () => {
    const first = await get(q("verano azul"), { colo: true });
    expect(first.status).toBe(200);
    expect(queries(first)).toBeGreaterThan(0);
    const again = await get(q("  verano   azul "), { colo: true });
    expect(queries(again)).toBe(0);
    expect(await again.text()).toBe(await first.text());
    const demo = await get(q("verano azul"), { colo: true, source: "demo" });
    expect(queries(demo)).toBeGreaterThan(0);
    expect(await demo.text()).toContain("No sound matches");
  });

  it("invites a query on the empty page, and the JSON form asks for one", async () => {
    for (const path of ["/search", "/search?q=", "/search?q=%20%20"]) {
      const response = await get(path);
      expect(response.status, path).toBe(200);
      const html = await response.text();
      expect(html).toContain("<h1>Search the archive</h1>");
      expect(html).toContain(
        '<form class="search" role="search" aria-label="Search the archive" action="/search" method="get">',
      );
    }
    expect((await get("/api/search?q=")).status).toBe(400);
    expect((await get("/api/search")).status).toBe(400);
    expect((await get("/search/?q=love")).headers.get("Location")).toBe("/search?q=love");
  });

  it("is described in /openapi.json", async () => {
    const spec = (await (await get("/openapi.json")).json()) as { paths: Record<string, unknown> };
    expect(Object.keys(spec.paths)).toContain("/api/search");
  });
});

describe("what people type", () => {
  // Each pair: the folded spelling people type, and the title's or author's own spelling.
  const CASES: [string, string, FixtureSound][] = [
    ["dont start now", "Don't Start Now", SPELLINGS.dontStart],
    ["acdc", "AC/DC", SPELLINGS.acdc],
    ["ac dc", "AC-DC", SPELLINGS.acdc],
    ["pnk", "P!nk", SPELLINGS.pink],
    ["milosc", "Miłość", SPELLINGS.milosc],
    ["slawomir", "Sławomir", SPELLINGS.milosc],
    ["kirmizi", "Kırmızı", SPELLINGS.kirmizi],
    ["strasse", "Straße", SPELLINGS.strasse],
    ["bjork", "Bjørk", SPELLINGS.bjork],
    ["รัก", "ฉันรักเธอ", SPELLINGS.thai],
    ["يكي بود", "یکی بود", SPELLINGS.persian],
    ["كامران", "کامران", SPELLINGS.persian],
    ["فرقه", "فرقة", SPELLINGS.digits],
    ["2024", "٢٠٢٤", SPELLINGS.digits],
    ["1403", "۱۴۰۳", SPELLINGS.digits],
  ];

  it.each(CASES)("%s finds it, and so does %s", async (typed, own, expected) => {
    expect(await titlesFor(typed)).toEqual([expected.title]);
    expect(await titlesFor(own)).toEqual([expected.title]);
  });

  it("ranks an exact title first, however many sounds match and however long ago it charted", async () => {
    // The oldest sounds of the source, charted once, low: a whole title "Love", a title starting with it.
    await storeWeek("demo", "2024-W01", {
      IS: [
        { clip: "7300000000000000001", title: "Lovesick Blues", author: "Old Timer" },
        { clip: "7300000000000000002", title: "Love", author: "First Band" },
      ],
    });
    // 1,100 newer sounds with the word, each charted higher and more recently.
    const regions = ["AT", "BE", "CH", "CZ", "DK", "ES", "FI", "HU", "IE", "NO", "SE"];
    for (const [r, region] of regions.entries()) {
      const entries = Array.from({ length: 100 }, (_, i) => {
        const n = r * 100 + i;
        return sound(
          { clip: `74000000000000${String(n).padStart(5, "0")}`, title: `Ballad of Love ${n}`, author: `Filler ${n}` },
          i + 1,
          region,
        );
      });
      await new ArchiveStore(env.DB, "demo").storeSnapshot({
        region,
        week: "2026-W11",
        fetchedAt: weekStart("2026-W11"),
        source: "demo",
        entries,
      });
    }
    const response = await get(api("love"), { source: "demo" });
    expect(queries(response)).toBeLessThanOrEqual(3);
    const body = (await response.json()) as { total: number; truncated: boolean; results: { title: string }[] };
    expect(body.results.slice(0, 2).map((r) => r.title)).toEqual(["Love", "Lovesick Blues"]);
    expect(body).toMatchObject({ total: 1_000, truncated: true });
    expect((await (await get(q("love"), { source: "demo" })).text()).indexOf("<bdi>Love</bdi>")).toBeGreaterThan(0);
  });
});

describe("hostile queries", () => {
  const HOSTILE = [
    '"love',
    'love"*',
    "*",
    "love*",
    "NEAR(love story, 2)",
    "love NEAR story",
    "love OR 1=1",
    "love AND NOT story",
    "- love",
    "^love",
    "{titles}: love",
    "titles:love",
    "source:demo",
    "'; DROP TABLE chart_entries; --",
    '") OR 1=1 --',
    "%_%",
    "<script>alert(1)</script>",
    '"><img src=x onerror=alert(1)>',
    "()",
    "💥",
    "\u202Eevil",
  ];

  it("answers 200 with inert, escaped text, never an SQL error", async () => {
    const before = await entryCount();
    for (const query of HOSTILE) {
      const page = await get(q(query));
      expect(page.status, query).toBe(200);
      const html = await page.text();
      expect(html, query).not.toMatch(/<script|<img|onerror=alert\(1\)>/);
      const json = await get(api(query));
      expect(json.status, query).toBe(200);
      expect(((await json.json()) as { query: string }).query, query).toBe(query.trim());
    }
    const markupPage = await (await get(q("script"))).text();
    expect(markupPage).toContain(
      "<bdi>&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &quot;Quotes&quot;</bdi>",
    );
    expect(markupPage).toContain("<td><bdi>O&#39;Brien &lt;b&gt;</bdi></td>");
    const shown = await (await get(q("<script>alert(1)</script>"))).text();
    expect(shown).toContain("<h1>Search: <bdi>&lt;script&gt;alert(1)&lt;/script&gt;</bdi></h1>");
    expect(await titlesFor('love"*')).toEqual([love.title, storyLove.title, lovely.title]);
    // The archive is untouched.
    expect(await entryCount()).toBe(before);
  });

  it("refuses a 10,000-character query, control characters and too many words with a clear 400", async () => {
    const cases = [
      ["x".repeat(10_000), "at most 200 characters"],
      [`${"love ".repeat(41)}`.trim(), "at most 200 characters"],
      ["a b c d e f g h i j k", "at most 10 words"],
      ["愛".repeat(200), "at most 40 words, each Chinese or Japanese character counted as one"],
      ["love\u0000story", "control characters"],
      ["love\u0007", "control characters"],
      ["love\u009b", "control characters"],
    ] as const;
    for (const [query, message] of cases) {
      const page = await get(q(query));
      expect(page.status, query.slice(0, 20)).toBe(400);
      const html = await page.text();
      expect(html).toContain(`That search could not be run: the query`);
      expect(html).toContain(message);
      expect(html.length).toBeLessThan(3_000);
      expect(html).not.toContain("\u0000");
      const json = await get(api(query));
      expect(json.status).toBe(400);
      expect(((await json.json()) as { message: string }).message).toContain(message);
    }
  });
});

async function entryCount(): Promise<number> {
  const row = await env.DB.prepare("SELECT COUNT(*) AS n FROM chart_entries").first<{ n: number }>();
  return row?.n ?? 0;
}
