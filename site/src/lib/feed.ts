/**
 * The feeds of newly trending sounds (DESIGN.md "Feeds of newly trending sounds"), as options for
 * @astrojs/rss: built only from the published log (never recomputed from charts), newest first,
 * at most FEED_ITEM_LIMIT items. The library escapes titles, links and descriptions; the few
 * elements it has no option for (the guid's isPermaLink, ttl, atom:link, media:thumbnail) go in
 * `customData`, which is written with escapeMarkup and never by plain concatenation.
 */
import type { RSSOptions } from "@astrojs/rss";
import { stripXmlForbidden } from "../../../worker/charts/sanitize";
import type { DebutItem, GlobalDebutItem } from "../../../worker/charts/site-archive";
import { formatWeekRange, regionList } from "./format";
import { markup } from "./markup";
import { safeCoverUrl, safeTikTokLink } from "./safe-url";
import { absoluteUrl, entryUrl, feedUrl, HOME_URL } from "./urls";

/** A reader polling every hour sees a few hundred KB a week at most. */
export const FEED_ITEM_LIMIT = 50;

/**
 * The snapshot job runs hourly through Monday and Tuesday (UTC) and each completed region starts
 * a rebuild, so new items can appear any hour of that window and never outside it. An hour is
 * the cadence that matters to a reader; static assets cost nothing to serve, so more polling the
 * rest of the week is harmless.
 */
export const FEED_TTL_MINUTES = 60;

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
type Debut = Omit<DebutItem, "region">;

/** `"Title" — Author`, or just `"Title"` when the author is blank. */
function soundLabel({ title, author }: Pick<Debut, "title" | "author">): string {
  const by = author.trim() === "" ? "" : ` — ${author}`;
  return stripXmlForbidden(`"${title}"${by}`);
}

function description(debut: Debut, where: string, chartLink: string): string {
  const tiktok = safeTikTokLink(debut.link);
  const cover = safeCoverUrl(debut.cover);
  return [
    markup`<p>New at #${debut.rank} ${where} in week ${debut.week} (${formatWeekRange(debut.week)}): ${soundLabel(debut)}.</p>`,
    markup`<p><a href="${chartLink}">See it on the chart</a></p>`,
    tiktok ? markup`<p><a href="${tiktok}">Listen on TikTok</a></p>` : "",
    cover ? markup`<p><img src="${cover}" alt="" width="120" height="120" referrerpolicy="no-referrer"></p>` : "",
  ].join("");
}

function itemCustomData(guid: string, cover: string): string {
  const safeCover = safeCoverUrl(cover);
  const thumbnail = safeCover ? markup`<media:thumbnail url="${safeCover}"/>` : "";
  return markup`<guid isPermaLink="false">${guid}</guid>` + thumbnail;
}

export function regionFeedItem(item: DebutItem, names: RegionNames, origin: string) {
  const link = absoluteUrl(origin, entryUrl(item.region, item.week, item.clipId));
  return {
    title: `NEW #${item.rank} in ${names(item.region)}: ${soundLabel(item)}`,
    link,
    pubDate: new Date(item.firstSeen),
    description: description(item, `in ${names(item.region)}`, link),
    customData: itemCustomData(debutGuid(item.region, item.clipId, item.week), item.cover),
  };
}

export function globalFeedItem(item: GlobalDebutItem, names: RegionNames, origin: string) {
  const [first = ""] = item.regions;
  const link = absoluteUrl(origin, entryUrl(first, item.week, item.clipId));
  const single = item.regions.length === 1;
  const title = single
    ? `NEW #${item.rank} in ${names(first)}: ${soundLabel(item)}`
    : `NEW in ${item.regions.length} regions: ${soundLabel(item)} (${regionList(item.regions)})`;
  const where = single ? `in ${names(first)}` : `(best rank) in ${item.regions.map(names).join(", ")}`;
  return {
    title,
    link,
    pubDate: new Date(item.firstSeen),
    description: description(item, where, link),
    customData: itemCustomData(globalDebutGuid(item.clipId, item.week), item.cover),
  };
}

function channel(title: string, about: string, selfPath: string, origin: string) {
  const self = absoluteUrl(origin, selfPath);
  return {
    title,
    description: about,
    site: absoluteUrl(origin, HOME_URL),
    xmlns: FEED_NAMESPACES,
    customData: markup`<atom:link href="${self}" rel="self" type="application/rss+xml"/><ttl>${FEED_TTL_MINUTES}</ttl>`,
  };
}

export function regionFeed(region: string, log: readonly DebutItem[], names: RegionNames, origin: string): RSSOptions {
  const items = log.filter((item) => item.region === region).slice(0, FEED_ITEM_LIMIT);
  return {
    ...channel(
      `Trending Sounds: new in ${names(region)}`,
      `Sounds newly on TikTok's weekly top 100 in ${names(region)}, one item per debut.`,
      feedUrl(region),
      origin,
    ),
    items: items.map((item) => regionFeedItem(item, names, origin)),
  };
}

export function globalFeed(log: readonly GlobalDebutItem[], names: RegionNames, origin: string): RSSOptions {
  return {
    ...channel(
      "Trending Sounds: new in any region",
      "Sounds newly on TikTok's weekly top 100 anywhere, one item per sound at its first debut, naming the regions.",
      feedUrl(),
      origin,
    ),
    items: log.slice(0, FEED_ITEM_LIMIT).map((item) => globalFeedItem(item, names, origin)),
  };
}

/** What the asset server must send for a feed (public/_headers sets the same for the built files). */
export const FEED_CONTENT_TYPE = "application/rss+xml; charset=utf-8";
