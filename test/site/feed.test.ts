import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { getRssString } from "@astrojs/rss";
import { afterAll, describe, expect, it } from "vitest";
import {
  debutGuid,
  FEED_ITEM_LIMIT,
  FEED_TTL_MINUTES,
  globalDebutGuid,
  globalFeed,
  regionFeed,
} from "../../site/src/lib/feed";
import { regionName } from "../../worker/charts/regions";
import type { DebutItem, GlobalDebutItem } from "../../worker/charts/site-archive";
import { HOSTILE } from "./fixture/site-fixture";
import { child, children, feedparser, parseXml, textOf, xmllint } from "./xml";

const ORIGIN = "https://sounds.example";
const names = (code: string) => regionName(code as "DE");

function debut(i: number, patch: Partial<DebutItem> = {}): DebutItem {
  return {
    region: "DE",
    clipId: String(7_000_000_000_000_000_000n + BigInt(i)),
    week: "2026-W47",
    firstSeen: new Date(Date.UTC(2026, 10, 23, 0, 17) - i * 60_000).toISOString(),
    title: `Song ${i}`,
    author: `Artist ${i}`,
    cover: "https://p16-sg.tiktokcdn.com/aweme/720x720/x.jpeg",
    rank: i + 1,
    link: `https://www.tiktok.com/music/x-${i}`,
    ...patch,
  };
}

const hostileDebuts = HOSTILE.map((h, i) => debut(i, h));
const globalItem = (i: number, regions: string[], patch: Partial<GlobalDebutItem> = {}): GlobalDebutItem => {
  const { region: _, ...rest } = debut(i);
  return { ...rest, regions, ...patch };
};

const dir = mkdtempSync(join(tmpdir(), "feed-test-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function feedFile(name: string, xml: string): Promise<string> {
  const path = join(dir, name);
  writeFileSync(path, xml);
  return path;
}

describe("regionFeed", () => {
  it("writes RSS 2.0 with the channel's required elements, atom:link self and ttl", async () => {
    const rss = parseXml(await getRssString(regionFeed("DE", [debut(0)], names, ORIGIN)));
    expect(rss.name).toBe("rss");
    expect(rss.attributes.version).toBe("2.0");
    const channel = child(rss, "channel")!;
    expect(textOf(channel, "title")).toBe("Trending Sounds: new in Germany");
    expect(textOf(channel, "link")).toBe(`${ORIGIN}/`);
    expect(textOf(channel, "description")).toMatch(/Germany/);
    expect(textOf(channel, "ttl")).toBe(String(FEED_TTL_MINUTES));
    const self = child(channel, "atom:link")!;
    expect(self.attributes).toEqual({ href: `${ORIGIN}/charts/DE/rss.xml`, rel: "self", type: "application/rss+xml" });
  });

  it("writes one item per debut with a permanent guid, first-seen date and an anchored link", async () => {
    const item = debut(3, { rank: 12, title: "Title", author: "Author" });
    const channel = child(parseXml(await getRssString(regionFeed("DE", [item], names, ORIGIN))), "channel")!;
    const [xml] = children(channel, "item");
    expect(textOf(xml!, "title")).toBe('NEW #12 in Germany: "Title" — Author');
    expect(textOf(xml!, "link")).toBe(`${ORIGIN}/charts/DE/2026-W47/#${item.clipId}`);
    const guid = child(xml!, "guid")!;
    expect(guid.text).toBe(`urn:trending-sounds:debut:DE:${item.clipId}:2026-W47`);
    expect(guid.attributes.isPermaLink).toBe("false");
    expect(new Date(textOf(xml!, "pubDate")!).toISOString()).toBe(item.firstSeen);
    expect(child(xml!, "media:thumbnail")?.attributes.url).toBe(item.cover);
    const description = textOf(xml!, "description")!;
    expect(description).toContain("New at #12 in Germany in week 2026-W47 (16–22 Nov 2026)");
    expect(description).toContain(`<a href="https://www.tiktok.com/music/x-3">Listen on TikTok</a>`);
    expect(description).toContain(`<img src="${item.cover}" alt=""`);
  });

  it("keeps only the region's items, newest first as logged, at most FEED_ITEM_LIMIT", async () => {
    const log = [...Array.from({ length: FEED_ITEM_LIMIT + 5 }, (_, i) => debut(i)), debut(99, { region: "FR" })];
    const items = children(
      child(parseXml(await getRssString(regionFeed("DE", log, names, ORIGIN))), "channel")!,
      "item",
    );
    expect(items).toHaveLength(FEED_ITEM_LIMIT);
    expect(items.map((i) => child(i, "guid")!.text)).toEqual(
      log.slice(0, FEED_ITEM_LIMIT).map((d) => debutGuid("DE", d.clipId, d.week)),
    );
  });

  it("is a valid feed with no items", async () => {
    const xml = await getRssString(regionFeed("JP", [], names, ORIGIN));
    expect(children(child(parseXml(xml), "channel")!, "item")).toEqual([]);
    const [parsed] = feedparser([await feedFile("empty.xml", xml)]);
    expect(parsed).toMatchObject({ bozo: 0, version: "rss20", entries: [] });
  });

  it("stays well-formed with hostile titles, authors, links and covers, and carries the text intact", async () => {
    const xml = await getRssString(regionFeed("DE", hostileDebuts, names, ORIGIN));
    const path = await feedFile("hostile.xml", xml);
    xmllint([path]);
    const items = children(child(parseXml(xml), "channel")!, "item");
    expect(textOf(items[0]!, "title")).toBe(`NEW #1 in Germany: "${HOSTILE[0]!.title}" — ${HOSTILE[0]!.author}`);
    // XML-forbidden characters are gone; right-to-left controls and emoji stay.
    expect(textOf(items[1]!, "title")).toContain("\u202Eevil\u202C مرحبا بالعالم 🎵🔥 bellnullescend");
    expect(xml).not.toMatch(/[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]/);
    // No link or image but TikTok's own https hosts, in any item.
    for (const item of items) {
      const description = textOf(item, "description")!;
      expect(description).not.toMatch(/javascript:|evil\.example|http:\/\/p16/);
      expect(child(item, "media:thumbnail")?.attributes.url ?? "https://p16-sg.tiktokcdn.com/").toMatch(
        /^https:\/\/p16-sg\.tiktokcdn\.com\//,
      );
    }
    const [parsed] = feedparser([path]);
    expect(parsed!.bozo).toBe(0);
    expect(parsed!.entries.map((e) => e.id)).toEqual(hostileDebuts.map((d) => debutGuid("DE", d.clipId, d.week)));
  });

  it("never puts the origin into a guid", async () => {
    const a = await getRssString(regionFeed("DE", hostileDebuts, names, "https://a.example"));
    const b = await getRssString(regionFeed("DE", hostileDebuts, names, "http://127.0.0.1:8787"));
    const guids = (xml: string) =>
      children(child(parseXml(xml), "channel")!, "item").map((i) => child(i, "guid")!.text);
    expect(guids(a)).toEqual(guids(b));
  });
});

describe("globalFeed", () => {
  it("names the regions of a sound that debuted in several at once, linking the first", async () => {
    const item = globalItem(1, ["DE", "FR", "GB"], { rank: 4, title: "T", author: "A" });
    const channel = child(parseXml(await getRssString(globalFeed([item], names, ORIGIN))), "channel")!;
    const [xml] = children(channel, "item");
    expect(textOf(xml!, "title")).toBe('NEW in 3 regions: "T" — A (DE, FR, GB)');
    expect(textOf(xml!, "link")).toBe(`${ORIGIN}/charts/DE/2026-W47/#${item.clipId}`);
    expect(child(xml!, "guid")!.text).toBe(globalDebutGuid(item.clipId, "2026-W47"));
    expect(child(channel, "atom:link")!.attributes.href).toBe(`${ORIGIN}/rss.xml`);
    expect(textOf(xml!, "description")).toContain("Germany, France, United Kingdom");
  });

  it("reads like a regional item for a debut in one region", async () => {
    const item = globalItem(2, ["FR"], { rank: 9, title: "T", author: "" });
    const [xml] = children(child(parseXml(await getRssString(globalFeed([item], names, ORIGIN))), "channel")!, "item");
    expect(textOf(xml!, "title")).toBe('NEW #9 in France: "T"');
  });

  it("passes feedparser with hostile items", async () => {
    const log = HOSTILE.map((h, i) => globalItem(i, ["DE", "GB"], h));
    const path = await feedFile("global.xml", await getRssString(globalFeed(log, names, ORIGIN)));
    xmllint([path]);
    const [parsed] = feedparser([path]);
    expect(parsed!.bozo).toBe(0);
    expect(new Set(parsed!.entries.map((e) => e.id)).size).toBe(log.length);
  });
});
