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
  globalFeedItem,
  newestGlobalDebuts,
  regionFeed,
} from "../../site/src/lib/feed";
import { regionName } from "../../worker/charts/regions";
import type { DebutItem, GlobalDebutItem } from "../../worker/schemas/site-archive";
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
  return { ...rest, points: 200 - i, regions, ...patch };
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
    expect(textOf(channel, "link")).toBe(`${ORIGIN}/charts/DE/`);
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

  it("keeps every item of the region's last two weeks, newest first as logged, and none older", async () => {
    // 100 debuts in W47 and 100 in W46 (a full chart each week), 3 in W45; FR's are not DE's.
    const log = [
      ...Array.from({ length: 100 }, (_, i) => debut(i)),
      debut(500, { region: "FR" }),
      ...Array.from({ length: 100 }, (_, i) => debut(100 + i, { week: "2026-W46", rank: i + 1 })),
      ...Array.from({ length: 3 }, (_, i) => debut(200 + i, { week: "2026-W45", rank: i + 1 })),
    ];
    const items = children(
      child(parseXml(await getRssString(regionFeed("DE", log, names, ORIGIN))), "channel")!,
      "item",
    );
    expect(items).toHaveLength(200);
    expect(items.map((i) => child(i, "guid")!.text)).toEqual(
      log.filter((d) => d.region === "DE" && d.week !== "2026-W45").map((d) => debutGuid("DE", d.clipId, d.week)),
    );
  });

  it("never holds more than FEED_ITEM_LIMIT items", async () => {
    expect(FEED_ITEM_LIMIT).toBe(250);
    const log = Array.from({ length: 260 }, (_, i) => debut(i));
    const channel = child(parseXml(await getRssString(regionFeed("DE", log, names, ORIGIN))), "channel")!;
    expect(children(channel, "item")).toHaveLength(250);
  });

  it("writes an apostrophe in a cover URL escaped once in media:thumbnail", async () => {
    const cover = "https://p16-sg.tiktokcdn.com/aweme/it's.jpeg?a=1&b=2";
    const xml = await getRssString(regionFeed("DE", [debut(0, { cover })], names, ORIGIN));
    expect(xml).toContain(`<media:thumbnail url="https://p16-sg.tiktokcdn.com/aweme/it&apos;s.jpeg?a=1&amp;b=2"/>`);
    // In the description the cover sits in escaped HTML, where `&#39;` is HTML's own escape: once.
    expect(xml).toContain(
      `&lt;img src=&quot;https://p16-sg.tiktokcdn.com/aweme/it&amp;#39;s.jpeg?a=1&amp;amp;b=2&quot;`,
    );
    const [item] = children(child(parseXml(xml), "channel")!, "item");
    expect(child(item!, "media:thumbnail")?.attributes.url).toBe(cover);
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
  it("names the global rank, points and regions, linking the global chart at the sound", async () => {
    const item = globalItem(1, ["DE", "FR", "GB"], { rank: 4, points: 251, title: "T", author: "A" });
    const channel = child(parseXml(await getRssString(globalFeed([item], names, ORIGIN))), "channel")!;
    expect(textOf(channel, "link")).toBe(`${ORIGIN}/`);
    expect(textOf(channel, "ttl")).toBe("1440");
    const [xml] = children(channel, "item");
    expect(textOf(xml!, "title")).toBe('NEW #4 worldwide: "T" — A (3 regions: DE, FR, GB)');
    expect(textOf(xml!, "link")).toBe(`${ORIGIN}/charts/global/2026-W47/#${item.clipId}`);
    expect(child(xml!, "guid")!.text).toBe(`urn:trending-sounds:debut:global:${item.clipId}:2026-W47`);
    expect(child(channel, "atom:link")!.attributes.href).toBe(`${ORIGIN}/rss.xml`);
    expect(new Date(textOf(xml!, "pubDate")!).toISOString()).toBe(item.firstSeen);
    expect(textOf(xml!, "description")).toContain(
      "New at #4 on the global chart in week 2026-W47 (16–22 Nov 2026), with 251 points: &quot;T&quot; — A. " +
        "It charts in 3 regions: Germany, France, United Kingdom.",
    );
  });

  it("says one region in the singular", async () => {
    const item = globalItem(2, ["FR"], { rank: 9, points: 92, title: "T", author: "" });
    const [xml] = children(child(parseXml(await getRssString(globalFeed([item], names, ORIGIN))), "channel")!, "item");
    expect(textOf(xml!, "title")).toBe('NEW #9 worldwide: "T" (1 region: FR)');
    expect(textOf(xml!, "description")).toContain("It charts in 1 region: France.</p>");
  });

  it("keeps every item of the last two weeks and none older", async () => {
    const log = [
      globalItem(0, ["DE"], { week: "2026-W47" }),
      globalItem(1, ["DE"], { week: "2026-W46" }),
      globalItem(2, ["DE"], { week: "2026-W46" }),
      globalItem(3, ["DE"], { week: "2026-W44" }),
    ];
    const channel = child(parseXml(await getRssString(globalFeed(log, names, ORIGIN))), "channel")!;
    expect(children(channel, "item").map((i) => child(i, "guid")!.text)).toEqual(
      log.slice(0, 3).map((d) => globalDebutGuid(d.clipId, d.week)),
    );
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

describe("newestGlobalDebuts (the home page's list)", () => {
  it("lists the newest week's items by global rank, whatever order they were fetched in", () => {
    const log = [
      globalItem(0, ["DE"], { week: "2026-W47", rank: 30 }),
      globalItem(1, ["DE"], { week: "2026-W47", rank: 2 }),
      globalItem(2, ["DE"], { week: "2026-W46", rank: 1 }),
      globalItem(3, ["DE"], { week: "2026-W47", rank: 11 }),
    ];
    const newest = newestGlobalDebuts(log, 2);
    expect(newest.week).toBe("2026-W47");
    expect(newest.total).toBe(3);
    expect(newest.items.map((item) => item.rank)).toEqual([2, 11]);
  });

  it("is empty before any week has a global debut", () => {
    expect(newestGlobalDebuts([], 10)).toEqual({ week: null, items: [], total: 0 });
  });
});

describe("feed item text does not depend on the runtime's ICU", () => {
  // ICU 72 turned en-GB's "Sep" into "Sept": a published item would change under its guid with a
  // Node upgrade. Items keep the three-letter months ICU gave before (what the site always wrote).
  it("writes September as Sep in a debut's week", async () => {
    const items = [debut(0, { week: "2026-W37", rank: 1 }), debut(1, { week: "2026-W36", rank: 2 })];
    const channel = child(parseXml(await getRssString(regionFeed("DE", items, names, ORIGIN))), "channel")!;
    const descriptions = children(channel, "item").map((item) => textOf(item, "description"));
    expect(descriptions[0]).toContain("in week 2026-W37 (7–13 Sep 2026)");
    expect(descriptions[1]).toContain("in week 2026-W36 (31 Aug – 6 Sep 2026)");
  });

  it("names every month by its fixed three-letter abbreviation", () => {
    // One week of 2026 wholly inside each month.
    const weeks = ["W02", "W06", "W10", "W15", "W19", "W23", "W28", "W32", "W37", "W41", "W45", "W50"];
    const months = weeks.map((w, i) => {
      const { description } = globalFeedItem(globalItem(i, ["DE"], { week: `2026-${w}` }), names, ORIGIN);
      return /\(\d+–\d+ (\w+) 2026\)/.exec(description)?.[1];
    });
    expect(months).toEqual(["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]);
  });
});
