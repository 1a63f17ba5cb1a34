/**
 * Builds the committed fixture twice, under two origins, and checks what surrounds the pages:
 * the feeds (as strict XML and as feed readers parse them), determinism across builds, and the
 * _headers and _redirects rules as the Workers asset server applies them.
 */
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type BuiltSite, buildSite, fileOf } from "./build-site";
import { archive, chartPath, raw, site, strip } from "./built-fixture";
import { HOSTILE } from "./fixture/site-fixture";
import { byId } from "./html";
import { serveAssets } from "./serve-assets";
import { child, children, feedparser, parseXml, textOf, xmllint } from "./xml";

const ORIGIN_A = "https://sounds.example";
const ORIGIN_B = "http://127.0.0.1:8787";

let a: BuiltSite;
let b: BuiltSite;

beforeAll(async () => {
  // One after the other: builds share the site's .astro/ directory of generated types.
  a = await buildSite(raw, ORIGIN_A);
  b = await buildSite(raw, ORIGIN_B);
});

afterAll(() => {
  a?.cleanup();
  b?.cleanup();
});

describe("feeds", () => {
  const feeds = () => a.files().filter((f) => f.endsWith("rss.xml"));

  it("builds the all-regions feed and one per region, well-formed for xmllint and feedparser", () => {
    expect(feeds().sort()).toEqual(["/rss.xml", ...archive.regions.map((r) => `/charts/${r.code}/rss.xml`)].sort());
    xmllint(feeds().map((f) => join(a.dir, f)));
    for (const parsed of feedparser(feeds().map((f) => join(a.dir, f)))) {
      expect(parsed.bozo_exception).toBeNull();
      expect(parsed.bozo).toBe(0);
      expect(parsed.version).toBe("rss20");
    }
  });

  it("carries the published log's last two weeks: guids, first-seen dates and anchored links, newest first", () => {
    for (const path of feeds()) {
      const region = /^\/charts\/([A-Z]{2})\//.exec(path)?.[1];
      const log = region
        ? site.debuts(region).map((d) => ({
            ...d,
            page: `/charts/${d.region}/${d.week}/`,
            guid: `urn:trending-sounds:debut:${d.region}:${d.clipId}:${d.week}`,
          }))
        : site.globalDebuts.map((d) => ({
            ...d,
            page: `/charts/global/${d.week}/`,
            guid: `urn:trending-sounds:debut:global:${d.clipId}:${d.week}`,
          }));
      const lastTwo = [...new Set(log.map((d) => d.week))].sort().slice(-2);
      const expectedItems = log.filter((d) => lastTwo.includes(d.week));
      const channel = child(parseXml(a.read(path)), "channel")!;
      expect(textOf(channel, "title"), path).toBeTruthy();
      expect(textOf(channel, "link"), path).toBe(region ? `${ORIGIN_A}/charts/${region}/` : `${ORIGIN_A}/`);
      expect(textOf(channel, "description"), path).toBeTruthy();
      expect(textOf(channel, "ttl"), path).toBe("1440");
      expect(child(channel, "atom:link")!.attributes.href, path).toBe(`${ORIGIN_A}${path}`);
      const items = children(channel, "item");
      expect(items.length, path).toBe(expectedItems.length);
      items.forEach((item, i) => {
        const expected = expectedItems[i]!;
        expect(child(item, "guid")!.text).toBe(expected.guid);
        expect(child(item, "guid")!.attributes.isPermaLink).toBe("false");
        expect(new Date(textOf(item, "pubDate")!).toISOString()).toBe(expected.firstSeen);
        const link = textOf(item, "link")!;
        expect(link).toBe(`${ORIGIN_A}${expected.page}#${expected.clipId}`);
        const target = link.slice(ORIGIN_A.length).split("#");
        expect(byId(a.html(fileOf(target[0]!)), target[1]!), link).toBeDefined();
      });
      const guids = items.map((item) => child(item, "guid")!.text);
      expect(new Set(guids).size).toBe(guids.length);
    }
    expect(children(child(parseXml(a.read("/charts/JP/rss.xml")), "channel")!, "item")).toEqual([]);
  });

  it("keeps hostile titles intact and well-formed", () => {
    const titles = children(child(parseXml(a.read("/charts/DE/rss.xml")), "channel")!, "item").map(
      (item) => textOf(item, "title")!,
    );
    for (const hostile of HOSTILE) {
      expect(titles.some((t) => t.includes(`"${strip(hostile.title)}" — ${strip(hostile.author)}`))).toBe(true);
    }
  });

  it("is byte-identical across builds apart from the origin, so guids and dates never change", () => {
    for (const path of feeds()) expect(b.read(path).replaceAll(ORIGIN_B, ORIGIN_A), path).toBe(a.read(path));
    for (const path of ["/index.html", chartPath("DE", "2026-W47"), "/charts/DE/index.html"]) {
      expect(b.read(path).replaceAll(ORIGIN_B, ORIGIN_A), path).toBe(a.read(path));
    }
  });
});

describe("served by the Workers asset server", () => {
  let server: Awaited<ReturnType<typeof serveAssets>>;
  beforeAll(async () => {
    server = await serveAssets(a.dir);
  });
  afterAll(() => server?.stop());

  const head = (path: string) => fetch(`${server.url}${path}`, { method: "HEAD", redirect: "manual" });

  it("redirects a lower-case region to the upper-case page", async () => {
    for (const [from, to] of [
      ["/charts/de/2026-W47/", "/charts/DE/2026-W47/"],
      ["/charts/de/", "/charts/DE/"],
      ["/charts/de", "/charts/DE/"],
      ["/charts/fr/rss.xml", "/charts/FR/rss.xml"],
    ]) {
      const response = await head(from!);
      expect([response.status, response.headers.get("location")], from).toEqual([301, to]);
    }
    expect((await head("/charts/DE/2026-W47/")).status).toBe(200);
  });

  it("sends feeds as RSS, pages with a short cache and a no-script policy, CSS immutable", async () => {
    for (const path of ["/rss.xml", "/charts/DE/rss.xml", "/charts/JP/rss.xml"]) {
      expect((await head(path)).headers.get("content-type"), path).toBe("application/rss+xml; charset=utf-8");
    }
    const page = await head("/charts/DE/2026-W47/");
    expect(page.headers.get("cache-control")).toBe("public, max-age=300, must-revalidate");
    expect(page.headers.get("content-security-policy")).toMatch(/default-src 'none'; style-src 'self'/);
    const css = a.files().find((f) => f.endsWith(".css"))!;
    expect((await head(css)).headers.get("cache-control")).toBe("public, max-age=31536000, immutable");
    const missing = await head("/charts/DE/2020-W01/");
    expect(missing.status).toBe(404);
  });
});

describe("the built files around the pages", () => {
  it("redirects lower-case region paths to upper-case ones", () => {
    const rules = a
      .read("/_redirects")
      .split("\n")
      .filter((l) => l && !l.startsWith("#"));
    expect(rules).toContain("/charts/de /charts/DE/ 301");
    expect(rules).toContain("/charts/de/* /charts/DE/:splat 301");
    expect(rules).toHaveLength(142);
  });

  it("sends pages a short cache, fingerprinted CSS a long immutable one, and feeds as RSS", () => {
    const headers = a.read("/_headers");
    expect(headers).toMatch(/^\/\*\n {2}Cache-Control: public, max-age=300, must-revalidate$/m);
    expect(headers).toMatch(
      /^\/_astro\/\*\n {2}! Cache-Control\n {2}Cache-Control: public, max-age=31536000, immutable$/m,
    );
    expect(headers).toMatch(/^\/rss\.xml\n {2}Content-Type: application\/rss\+xml; charset=utf-8$/m);
    expect(headers).toMatch(/^\/charts\/:region\/rss\.xml\n {2}Content-Type: application\/rss\+xml; charset=utf-8$/m);
    expect(headers).toMatch(/img-src 'self' https:\/\/\*\.tiktokcdn\.com https:\/\/\*\.tiktokcdn-us\.com/);
  });
});
