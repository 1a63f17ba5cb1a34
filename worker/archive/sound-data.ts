import { addWeeks, compareWeeks, weeksBetween } from "../charts/iso-week";
import { isRegion, regionName } from "../charts/regions";
import type { SoundPageRows } from "./sound-rows";

/**
 * A sound's page from what the archive read for it (archive/sound-read.ts): pure, so the page's
 * content is tested without D1. Same choices as the static page it replaces: regions where it is
 * on the latest chart first (best rank first), then by weeks charted; each region's series shows
 * at least HISTORY_CONTEXT_WEEKS weeks of context, never before the region's first chart.
 */
export const HISTORY_CONTEXT_WEEKS = 12;

export interface SoundPoint {
  week: string;
  /** null: not on that week's chart, or no chart that week (`gap`). */
  rank: number | null;
  gap: boolean;
}

export interface SoundRegion {
  region: string;
  name: string;
  /** The region's newest chart, and the sound's rank on it (null: not on it). */
  latestWeek: string;
  current: number | null;
  peak: number;
  weeksCharted: number;
  lastCharted: string;
  series: SoundPoint[];
}

export interface SoundGlobal {
  /** The newest week any region charted, how many did, where this sound charted then, its global rank then. */
  latestWeek: string;
  regionsCharted: number;
  regions: string[];
  rank: number | null;
  /** Its whole time in the global top 100: best rank, weeks, the newest such week (null: never in it). */
  peak: number | null;
  weeks: number;
  lastWeek: string | null;
}

export interface SoundPage {
  clipId: string;
  /** As on the newest chart it is on (best rank that week). */
  title: string;
  author: string;
  cover: string;
  /** The upstream's link, unchecked: the view keeps only TikTok's own hosts. */
  link: string;
  businessUse: boolean;
  regions: SoundRegion[];
  global: SoundGlobal | null;
}

/** null when the sound has never been on an archived chart of this source. */
export function soundPageData(clipId: string, rows: SoundPageRows): SoundPage | null {
  const newest = rows.entries.reduce<SoundPageRows["entries"][number] | undefined>(
    (best, e) =>
      !best || compareWeeks(e.week, best.week) > 0 || (e.week === best.week && e.rank < best.rank) ? e : best,
    undefined,
  );
  if (!newest) return null;
  const spans = new Map(rows.regions.map((r) => [r.region, r]));
  const gaps = new Set(rows.gaps.map((g) => `${g.region} ${g.week}`));
  const byRegion = new Map<string, Map<string, number>>();
  for (const e of rows.entries) byRegion.set(e.region, (byRegion.get(e.region) ?? new Map()).set(e.week, e.rank));

  const regions = [...byRegion].map(([region, ranks]): SoundRegion => {
    const charted = [...ranks.keys()].sort(compareWeeks);
    const firstCharted = charted[0] as string;
    const lastCharted = charted.at(-1) as string;
    const span = spans.get(region) ?? { first_week: firstCharted, latest_week: lastCharted };
    // A sound that left long ago is shown around its own time on the chart, not up to today.
    const end = earlier(span.latest_week, addWeeks(lastCharted, HISTORY_CONTEXT_WEEKS));
    const start = later(span.first_week, earlier(firstCharted, addWeeks(end, 1 - HISTORY_CONTEXT_WEEKS)));
    return {
      region,
      name: isRegion(region) ? regionName(region) : region,
      latestWeek: span.latest_week,
      current: ranks.get(span.latest_week) ?? null,
      peak: Math.min(...ranks.values()),
      weeksCharted: ranks.size,
      lastCharted,
      series: weeksBetween(start, end).map((week) => ({
        week,
        rank: ranks.get(week) ?? null,
        gap: gaps.has(`${region} ${week}`),
      })),
    };
  });
  regions.sort(
    (a, b) =>
      (a.current ?? 999) - (b.current ?? 999) || b.weeksCharted - a.weeksCharted || (a.region < b.region ? -1 : 1),
  );

  return {
    clipId,
    title: newest.title,
    author: newest.author,
    cover: newest.cover,
    link: rows.record?.link ?? "",
    businessUse: rows.record?.if_cml === 1,
    regions,
    global: rows.latest && globalPresence(rows, rows.latest),
  };
}

function globalPresence(rows: SoundPageRows, latest: { week: string; regions: number }): SoundGlobal {
  const ranks = rows.globalRanks;
  return {
    latestWeek: latest.week,
    regionsCharted: latest.regions,
    regions: rows.entries
      .filter((e) => e.week === latest.week)
      .map((e) => e.region)
      .sort(),
    rank: ranks.find((r) => r.week === latest.week)?.rank ?? null,
    peak: ranks.length > 0 ? Math.min(...ranks.map((r) => r.rank)) : null,
    weeks: ranks.length,
    lastWeek: ranks.reduce<string | null>(
      (last, r) => (last === null || compareWeeks(r.week, last) > 0 ? r.week : last),
      null,
    ),
  };
}

function earlier(a: string, b: string): string {
  return compareWeeks(a, b) <= 0 ? a : b;
}

function later(a: string, b: string): string {
  return compareWeeks(a, b) >= 0 ? a : b;
}
