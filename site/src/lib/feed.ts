/**
 * The feeds of newly trending sounds (docs/site.md "Feeds of newly trending sounds"), as options for
 * @astrojs/rss: built only from the published log (never recomputed from charts), newest first,
 * every item of the last two published weeks (at most FEED_ITEM_LIMIT). The library escapes
 * titles, links and descriptions; the few elements it has no option for (the guid's isPermaLink,
 * ttl, atom:link, media:thumbnail) go in `customData`, every value escaped with xmlText.
 */
import type { RSSOptions } from "@astrojs/rss";
import { stripXmlForbidden } from "@worker/charts/sanitize";
import type { DebutItem, GlobalDebutItem } from "@worker/schemas/site-archive";
import { absoluteUrl, chartUrl, entryUrl, feedUrl, globalEntryUrl, HOME_URL } from "@worker/views/urls";
import { formatWeekRange, regionList } from "./format";
import { markup } from "./markup";
import { safeCoverUrl, safeTikTokLink } from "./safe-url";

/**
 * At most this many items a feed. A feed keeps every item of its last two published weeks (a
 * region can have up to 100 debuts a week, the global top 100 as many), so a subscriber who
 * missed one build misses no item; the cap only bounds a pathological log.
 */
export const FEED_ITEM_LIMIT = 250;

/** Weeks of items a feed keeps: the newest published week and the one before it. */
export const FEED_WEEKS = 2;

/**
 * The site, feeds included, is rebuilt when a week completes: once a week (every region stored,
 * or the Wednesday 00:00 UTC close of the snapshot window), plus a scheduled Wednesday build as a
 * fallback. Nothing changes between those; a day between polls still sees every build within a
 * day of it, and items are kept for two weeks (FEED_WEEKS), so no slower reader misses one.
 */
export const FEED_TTL_MINUTES = 24 * 60;

export const FEED_NAMESPACES = { atom: "http://www.w3.org/2005/Atom", media: "http://search.yahoo.com/mrss/" };

/** Host-independent and permanent: the same debut has the same guid on every build and domain. */
export function debutGuid(region: string, clipId: string, week: string): string {
  return `urn:trending-sounds:debut:${region}:${clipId}:${week}`;
}

export function globalDebutGuid(clipId: string, week: string): string {
  return `urn:trending-sounds:debut:global:${clipId}:${week}`;
}

type RegionNames = (code: string) => string;

/** What a regional and an all-regions item have in common. */
type Debut = Pick<DebutItem, "week" | "title" | "author" | "cover" | "link" | "rank">;

/** `"Title" — Author`, or just `"Title"` when the author is blank. */
function soundLabel({ title, author }: Pick<Debut, "title" | "author">): string {
  const by = author.trim() === "" ? "" : ` — ${author}`;
  return stripXmlForbidden(`"${title}"${by}`);
}

function description(debut: Debut, headline: string, chartLink: string): string {
  const tiktok = safeTikTokLink(debut.link);
  const cover = safeCoverUrl(debut.cover);
  return [
    markup`<p>${headline}</p>`,
    markup`<p><a href="${chartLink}">See it on the chart</a></p>`,
    tiktok ? markup`<p><a href="${tiktok}">Listen on TikTok</a></p>` : "",
    cover ? markup`<p><img src="${cover}" alt="" width="120" height="120" referrerpolicy="no-referrer"></p>` : "",
  ].join("");
}

const XML_ENTITIES: Record<string, string> = { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&apos;" };

/**
 * Escapes text for `customData`, which @astrojs/rss parses with fast-xml-parser and serialises
 * again: the parser decodes only XML's five named entities (a numeric `&#39;` would come out as
 * `&amp;#39;`), so those five are all this uses.
 */
function xmlText(value: string): string {
  return stripXmlForbidden(value).replace(/[&<>"']/g, (c) => XML_ENTITIES[c] ?? c);
}

function itemCustomData(guid: string, cover: string): string {
  const safeCover = safeCoverUrl(cover);
  const thumbnail = safeCover ? `<media:thumbnail url="${xmlText(safeCover)}"/>` : "";
  return `<guid isPermaLink="false">${xmlText(guid)}</guid>${thumbnail}`;
}

/** The items of the newest `FEED_WEEKS` weeks of a newest-first log, at most FEED_ITEM_LIMIT. */
export function lastWeeksOf<T extends { week: string }>(log: readonly T[]): T[] {
  const weeks = [...new Set(log.map((item) => item.week))].sort().slice(-FEED_WEEKS);
  return log.filter((item) => weeks.includes(item.week)).slice(0, FEED_ITEM_LIMIT);
}

/**
 * What the home page lists: the newest published week's global debuts, by global rank (how much
 * they matter, not the order they were fetched in), and how many that week has in all.
 */
export function newestGlobalDebuts(
  log: readonly GlobalDebutItem[],
  shown: number,
): { week: string | null; items: GlobalDebutItem[]; total: number } {
  const week =
    log
      .map((item) => item.week)
      .sort()
      .at(-1) ?? null;
  const ofWeek = log.filter((item) => item.week === week).sort((a, b) => a.rank - b.rank);
  return { week, items: ofWeek.slice(0, shown), total: ofWeek.length };
}

export function regionFeedItem(item: DebutItem, names: RegionNames, origin: string) {
  const link = absoluteUrl(origin, entryUrl(item.region, item.week, item.clipId));
  const where = names(item.region);
  return {
    title: `NEW #${item.rank} in ${where}: ${soundLabel(item)}`,
    link,
    pubDate: new Date(item.firstSeen),
    description: description(
      item,
      `New at #${item.rank} in ${where} in week ${item.week} (${formatWeekRange(item.week)}): ${soundLabel(item)}.`,
      link,
    ),
    customData: itemCustomData(debutGuid(item.region, item.clipId, item.week), item.cover),
  };
}

/** "1 region" / "3 regions". */
function regionCount(n: number): string {
  return n === 1 ? "1 region" : `${n} regions`;
}

export function globalFeedItem(item: GlobalDebutItem, names: RegionNames, origin: string) {
  const link = absoluteUrl(origin, globalEntryUrl(item.week, item.clipId));
  const headline =
    `New at #${item.rank} on the global chart in week ${item.week} (${formatWeekRange(item.week)}), ` +
    `with ${item.points} points: ${soundLabel(item)}. ` +
    `It charts in ${regionCount(item.regions.length)}: ${item.regions.map(names).join(", ")}.`;
  return {
    title: `NEW #${item.rank} worldwide: ${soundLabel(item)} (${regionCount(item.regions.length)}: ${regionList(item.regions)})`,
    link,
    pubDate: new Date(item.firstSeen),
    description: description(item, headline, link),
    customData: itemCustomData(globalDebutGuid(item.clipId, item.week), item.cover),
  };
}

/** `link`: the page the channel is about (a region's chart page, or the home page). */
function channel(title: string, about: string, selfPath: string, pagePath: string, origin: string) {
  const self = absoluteUrl(origin, selfPath);
  return {
    title,
    description: about,
    site: absoluteUrl(origin, pagePath),
    xmlns: FEED_NAMESPACES,
    customData: `<atom:link href="${xmlText(self)}" rel="self" type="application/rss+xml"/><ttl>${FEED_TTL_MINUTES}</ttl>`,
  };
}

export function regionFeed(region: string, log: readonly DebutItem[], names: RegionNames, origin: string): RSSOptions {
  const items = lastWeeksOf(log.filter((item) => item.region === region));
  return {
    ...channel(
      `Trending Sounds: new in ${names(region)}`,
      `Sounds newly on TikTok's weekly top 100 in ${names(region)}, one item per debut; every item of the last two weeks.`,
      feedUrl(region),
      chartUrl(region),
      origin,
    ),
    items: items.map((item) => regionFeedItem(item, names, origin)),
  };
}

export function globalFeed(log: readonly GlobalDebutItem[], names: RegionNames, origin: string): RSSOptions {
  return {
    ...channel(
      "Trending Sounds: new on the global chart",
      "Sounds entering the global top 100 of TikTok's weekly charts for the first time, one item per sound, " +
        "naming the regions it charts in; every item of the last two weeks.",
      feedUrl(),
      HOME_URL,
      origin,
    ),
    items: lastWeeksOf(log).map((item) => globalFeedItem(item, names, origin)),
  };
}

/** What the asset server must send for a feed (public/_headers sets the same for the built files). */
export const FEED_CONTENT_TYPE = "application/rss+xml; charset=utf-8";
