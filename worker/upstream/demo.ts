/**
 * The demo source: answers `GET /v1/tiktok/trending/music` in the provider's exact envelope for any
 * region, period, filter, page and point in time, from the deterministic model in demo-catalog.ts.
 * Same (query, asOf day) → the same bytes; the chart moves once a day, like the real one.
 */

import { CHART_SIZE, type Sound, tiktokSoundUrl } from "../charts/sound";
import { UPSTREAM_PAGE_SIZE, type UpstreamQuery } from "../proxy/keys";
import {
  DAY_MS,
  type DemoSound,
  dailyScore,
  hashString,
  mix,
  sequence,
  snowflakeAt,
  soundsAlive,
  unit,
} from "./demo-catalog";
import { describeSound, urlTitle } from "./demo-words";
import type { SuccessEnvelope } from "./schema";

/** "New to top 100" means it entered within the last week, whatever the period. */
const NEW_ENTRY_DAYS = 7;
const CDN = "https://p16-sg.tiktokcdn.com";

interface Scored {
  sound: DemoSound;
  score: number;
}

// One answer needs up to three rankings (this day, the previous period, a week ago) and the next
// pages of the same chart reuse them; sound batches (demo-catalog.ts) are the costly part to
// rebuild, so this memo stays small. Only the head is kept: the commercial filter's top 100 (40%
// of sounds) lies well within it.
const RANKING_MEMO_LIMIT = 16;
const RANKING_DEPTH = 400;
const rankings = new Map<string, DemoSound[]>();

/** Every live sound of the region, best first by average daily score over the period's window. */
function ranking(region: string, period: number, day: number): DemoSound[] {
  const key = `${region}|${period}|${day}`;
  const hit = rankings.get(key);
  if (hit) return hit;
  const from = day - period + 1;
  const scored: Scored[] = [];
  for (const sound of soundsAlive(region, from, day)) {
    let sum = 0;
    const last = Math.min(day, sound.end);
    for (let d = Math.max(from, sound.first.start); d <= last; d++) sum += dailyScore(sound, d);
    if (sum > 0) scored.push({ sound, score: sum / period });
  }
  scored.sort((a, b) => b.score - a.score || (a.sound.clipId < b.sound.clipId ? -1 : 1));
  const sounds = scored.slice(0, RANKING_DEPTH).map((entry) => entry.sound);
  if (rankings.size >= RANKING_MEMO_LIMIT) {
    const oldest = rankings.keys().next();
    if (!oldest.done) rankings.delete(oldest.value);
  }
  rankings.set(key, sounds);
  return sounds;
}

function textOf(sound: DemoSound): { title: string; author: string } {
  return describeSound(sound.seed, sound.textRegion);
}

interface Filters {
  region: string;
  period: number;
  newToTop100: boolean;
  commercialMusic: boolean;
  keyword: string | null;
}

/** The list the provider ranks within: filters first, then the top 100, then the keyword. */
function chart(filters: Filters, day: number): DemoSound[] {
  const { region, period } = filters;
  let list = ranking(region, period, day);
  if (filters.newToTop100) {
    const before = new Set(
      ranking(region, period, day - NEW_ENTRY_DAYS)
        .slice(0, CHART_SIZE)
        .map((sound) => sound.clipId),
    );
    list = list.slice(0, CHART_SIZE).filter((sound) => !before.has(sound.clipId));
  }
  if (filters.commercialMusic) list = list.filter((sound) => sound.cml);
  list = list.slice(0, CHART_SIZE);
  const keyword = filters.keyword;
  if (keyword === null) return list;
  return list.filter((sound) => {
    const { title, author } = textOf(sound);
    return title.toLowerCase().includes(keyword) || author.toLowerCase().includes(keyword);
  });
}

/** Each sound's daily score over the window, scaled so its maximum is 1 (shape only, as upstream). */
function trend(sound: DemoSound, period: number, day: number): Sound["trend"] {
  const values: number[] = [];
  for (let d = day - period + 1; d <= day; d++) values.push(dailyScore(sound, d));
  const max = Math.max(...values);
  return values.map((value, i) => ({
    time: (day - period + 1 + i) * 86_400,
    value: max > 0 ? Math.round((value / max) * 100) / 100 : 0,
  }));
}

const ALPHANUMERIC = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";

/** A CDN object key shaped like the provider's (34 letters and digits). */
function objectKey(seed: number): string {
  const next = sequence(seed);
  let key = "o";
  for (let i = 1; i < 34; i++) key += ALPHANUMERIC[Math.floor(next() * ALPHANUMERIC.length)];
  return key;
}

/** Example videos: a sound on the chart usually has a few, created after the sound itself. */
function relatedItems(sound: DemoSound, day: number): Sound["related_items"] {
  const count = Math.floor(unit(sound.seed, 40) * 4);
  if (count === 0) return null;
  const items = [];
  for (let i = 0; i < count; i++) {
    const seed = mix(sound.seed, 41 + i);
    const madeOn = sound.first.start + Math.floor(unit(seed, 5) * Math.max(1, day - sound.first.start));
    items.push({
      item_id: snowflakeAt(madeOn, seed),
      cover_uri: `${CDN}/obj/tos-alisg-p-0037/${objectKey(seed)}`,
    });
  }
  return items;
}

function movement(rank: number, before: number | undefined): Pick<Sound, "rank_diff" | "rank_diff_type"> {
  if (before === undefined) return { rank_diff: 0, rank_diff_type: 4 };
  if (before > rank) return { rank_diff: before - rank, rank_diff_type: 1 };
  if (before < rank) return { rank_diff: rank - before, rank_diff_type: 3 };
  return { rank_diff: 0, rank_diff_type: 2 };
}

function row(sound: DemoSound, rank: number, before: number | undefined, filters: Filters, day: number): Sound {
  const { title, author } = textOf(sound);
  const { seed } = sound;
  // Keys in the order of the provider's documented sample, so the bytes look like the real thing.
  return {
    author,
    clip_id: sound.clipId,
    country_code: filters.region,
    cover: `${CDN}/aweme/720x720/tos-alisg-v-2774/${objectKey(mix(seed, 50))}.jpeg`,
    duration: 5 + Math.floor(unit(seed, 51) ** 0.6 * 56),
    if_cml: sound.cml,
    is_search: false,
    link: tiktokSoundUrl(sound.clipId),
    on_list_times: null,
    promoted: unit(seed, 52) < 0.02,
    rank,
    ...movement(rank, before),
    related_items: relatedItems(sound, day),
    // The catalogue song predates the clip made from it.
    song_id: snowflakeAt(sound.born - 1 - Math.floor(unit(seed, 53) * 900), mix(seed, 54)),
    title,
    trend: trend(sound, filters.period, day),
    url_title: urlTitle(title),
  };
}

/** UUID-shaped (version 4 layout) and derived from the question, so identical answers stay identical. */
function requestId(query: Filters & { page: number; limit: number }, day: number): string {
  const seed = hashString(JSON.stringify([query, day]));
  const hex = [1, 2, 3, 4].map((salt) => mix(seed, salt).toString(16).padStart(8, "0")).join("");
  const variant = "89ab"[mix(seed, 5) % 4];
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-${variant}${hex.slice(17, 20)}-${hex.slice(20)}`;
}

export function demoAnswer(query: UpstreamQuery, asOf: number): SuccessEnvelope {
  const day = Math.floor(asOf / DAY_MS);
  // Defensive normalisation: the caller validates, but the fake upstream passes wire values through.
  const page = Math.max(1, Math.floor(query.page));
  const limit = Math.min(UPSTREAM_PAGE_SIZE, Math.max(1, Math.floor(query.limit)));
  const keyword = query.searchKeyword === null ? null : query.searchKeyword.trim().toLowerCase();
  const filters: Filters = {
    region: query.region.toUpperCase(),
    period: query.period,
    newToTop100: query.newToTop100,
    commercialMusic: query.commercialMusic,
    keyword: keyword === "" ? null : keyword,
  };
  const list = chart(filters, day);
  const previous = new Map(chart(filters, day - filters.period).map((sound, i) => [sound.clipId, i + 1]));
  const start = (page - 1) * limit;
  const rows = list.slice(start, start + limit);
  return {
    code: 0,
    message: "success",
    data: {
      pagination: { page, size: rows.length, total: list.length, has_more: start + rows.length < list.length },
      sound_list: rows.map((sound, i) => row(sound, start + i + 1, previous.get(sound.clipId), filters, day)),
    },
    requestId: requestId({ ...filters, page, limit }, day),
  };
}
