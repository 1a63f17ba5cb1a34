/**
 * The archive as pages query it: charts by region and week, neighbouring weeks, the sounds on a
 * current chart and their history. Built once per build from the prepared archive (pure: the
 * pages' data access goes through site-data.ts). Sizes scale with regions × weeks; only sounds on
 * a latest chart get a history, so pages never scale with every sound ever seen.
 */
import { addWeeks, compareWeeks, previousWeek, weeksBetween } from "../../../worker/charts/iso-week";
import type { SiteRegion } from "../../../worker/charts/site-archive";
import { buildGlobalIndex } from "./global-index";
import type { IndexedArchive, IndexedChart, IndexedEntry } from "./indexed-chart";
import { apiSoundUrl, soundUrl } from "./urls";

/** A sound's rank chart shows at least this many weeks (where the archive has them). */
export const HISTORY_CONTEXT_WEEKS = 12;

export interface SeriesPoint {
  week: string;
  /** null: not on that week's chart, or no chart that week (`gap`). */
  rank: number | null;
  gap: boolean;
}

export interface SoundRegionHistory {
  region: string;
  /** Rank on the region's latest chart, or null if it has dropped off there. */
  current: number | null;
  peak: number;
  weeksCharted: number;
  /**
   * Every calendar week up to the region's latest, from its first week on this chart — or earlier,
   * for at least HISTORY_CONTEXT_WEEKS of context, but never before the region's first week.
   */
  series: SeriesPoint[];
}

export interface CurrentSound {
  clipId: string;
  /** Its entry on the latest chart where it ranks best: title, author, cover, link. */
  entry: IndexedEntry;
  history: SoundRegionHistory[];
}

export type CurrentSoundHead = Omit<CurrentSound, "history">;

export function buildSiteIndex(input: IndexedArchive) {
  const allCharts = input.charts;
  const charts = new Map(allCharts.map((chart) => [`${chart.region}/${chart.week}`, chart]));
  const regions = [...input.regions].sort((a, b) => a.name.localeCompare(b.name, "en") || (a.code < b.code ? -1 : 1));
  const regionByCode = new Map(regions.map((region) => [region.code, region]));
  const chart = (region: string, week: string): IndexedChart | undefined => charts.get(`${region}/${week}`);
  const latestWeek = (region: string): string | undefined => regionByCode.get(region)?.weeks.at(-1);
  const latestCharts = regions.flatMap((region) => {
    const week = latestWeek(region.code);
    const latest = week === undefined ? undefined : chart(region.code, week);
    return latest ? [latest] : [];
  });
  const sounds = currentSounds(latestCharts, allCharts, regionByCode);
  // The logs arrive newest first (prepareArchive); their order is the published one, kept as is.
  const debuts = input.debuts;

  return {
    source: input.source,
    readAt: input.readAt,
    regions,
    regionsWithCharts: regions.filter((region) => region.weeks.length > 0),
    region: (code: string) => regionByCode.get(code),
    regionName: (code: string) => regionByCode.get(code)?.name ?? code,
    chart,
    latestWeek,
    latestCharts,
    /** The archived weeks on either side (gaps skipped), for previous / next links. */
    neighbours(region: string, week: string): { previous?: string; next?: string } {
      const weeks = regionByCode.get(region)?.weeks ?? [];
      const i = weeks.indexOf(week);
      return { previous: i > 0 ? weeks[i - 1] : undefined, next: i >= 0 ? weeks[i + 1] : undefined };
    },
    /** The week before has no chart because its snapshot was missed: movement is unknown. */
    followsGap: (region: string, week: string) => regionByCode.get(region)?.gaps.includes(previousWeek(week)) ?? false,
    isBaseline: (region: string, week: string) => regionByCode.get(region)?.weeks[0] === week,
    /** When the newest chart of all was fetched. */
    newestFetchedAt: latestCharts.map((c) => c.fetchedAt).sort((a, b) => Date.parse(b) - Date.parse(a))[0] ?? null,
    currentSounds: [...sounds.heads.values()],
    /** A current sound with its history, worked out on each call (its page asks once). */
    sound: (clipId: string): CurrentSound | undefined => sounds.sound(clipId),
    /** Our page for a sound on a current chart; the archive API for any other. */
    soundLink: (clipId: string) => (sounds.heads.has(clipId) ? soundUrl(clipId) : apiSoundUrl(clipId)),
    debuts: (region: string) => debuts.filter((item) => item.region === region),
    globalDebuts: input.globalDebuts,
    /** The global chart of every week and the spreading sounds, computed once per build. */
    global: buildGlobalIndex(
      input.charts,
      regions.map((region) => region.code),
    ),
  };
}

export type SiteIndex = ReturnType<typeof buildSiteIndex>;

/**
 * The sounds on a latest chart and where to find their history: each one's ranks by region and
 * week, kept; its week-by-week series, made when its page asks. Kept, every current sound's
 * series took ≈ 140 MB of a full-scale build (5,000 sounds, each region from its first week),
 * to be read once each.
 */
function currentSounds(
  latestCharts: readonly IndexedChart[],
  allCharts: readonly IndexedChart[],
  regions: ReadonlyMap<string, SiteRegion>,
) {
  const heads = new Map<string, CurrentSoundHead>();
  const current = new Map<string, Map<string, number>>();
  for (const chart of latestCharts) {
    for (const entry of chart.entries) {
      const seen = heads.get(entry.clip_id);
      if (!seen || entry.rank < seen.entry.rank) heads.set(entry.clip_id, { clipId: entry.clip_id, entry });
      const ranks = current.get(entry.clip_id) ?? new Map<string, number>();
      current.set(entry.clip_id, ranks.set(chart.region, entry.rank));
    }
  }
  // clip → region → week → rank, for current sounds only.
  const ranks = new Map<string, Map<string, Map<string, number>>>();
  for (const chart of allCharts) {
    for (const entry of chart.entries) {
      if (!heads.has(entry.clip_id)) continue;
      const byRegion = ranks.get(entry.clip_id) ?? new Map<string, Map<string, number>>();
      const byWeek = byRegion.get(chart.region) ?? new Map<string, number>();
      byRegion.set(chart.region, byWeek.set(chart.week, entry.rank));
      ranks.set(entry.clip_id, byRegion);
    }
  }
  const sound = (clipId: string): CurrentSound | undefined => {
    const head = heads.get(clipId);
    if (!head) return undefined;
    const history = [...(ranks.get(clipId) ?? [])]
      .map(([region, byWeek]) => regionHistory(region, byWeek, current.get(clipId)?.get(region) ?? null, regions))
      .sort(
        (a, b) =>
          (a.current ?? 999) - (b.current ?? 999) || b.weeksCharted - a.weeksCharted || (a.region < b.region ? -1 : 1),
      );
    return { ...head, history };
  };
  return { heads, sound };
}

function regionHistory(
  region: string,
  byWeek: ReadonlyMap<string, number>,
  current: number | null,
  regions: ReadonlyMap<string, SiteRegion>,
): SoundRegionHistory {
  const info = regions.get(region);
  const charted = [...byWeek.keys()].sort(compareWeeks);
  const last = info?.weeks.at(-1) ?? charted.at(-1) ?? "";
  const context = [charted[0] ?? last, addWeeks(last, 1 - HISTORY_CONTEXT_WEEKS)].sort(compareWeeks)[0] ?? last;
  const regionFirst = info?.weeks[0] ?? context;
  const first = compareWeeks(context, regionFirst) < 0 ? regionFirst : context;
  const gaps = new Set(info?.gaps ?? []);
  const series = weeksBetween(first, last).map((week) => ({
    week,
    rank: byWeek.get(week) ?? null,
    gap: gaps.has(week),
  }));
  return { region, current, peak: Math.min(...byWeek.values()), weeksCharted: byWeek.size, series };
}
