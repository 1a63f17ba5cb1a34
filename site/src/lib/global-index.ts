/**
 * The global chart and spreading sounds as the site's pages query them (DESIGN.md "The global
 * chart"), computed once per build from the prepared archive's charts — the configured source's
 * only, each week's ranking again only when its charts changed (a RankingCache keeps the others
 * between builds) — with the Worker's own domain code: `rankGlobal` ranks each week, `deriveHistory` derives
 * last week, peak, weeks on chart and movement over the ranked weeks exactly as for a region (the
 * first global week is the baseline; a week without a chart in any region is a gap), and
 * `spreadingOf` lists the sounds spreading to new regions. The Worker serves the same at
 * `/api/global/*`.
 */
import { deriveHistory } from "../../../worker/charts/derive";
import {
  type GlobalRank,
  type RegionalEntry,
  rankGlobal,
  type Spreading,
  spreadingOf,
} from "../../../worker/charts/global";
import type { GlobalChartEntry } from "../../../worker/charts/global-schema";
import { previousWeek, weeksBetween } from "../../../worker/charts/iso-week";
import type { SlimChart } from "../../../worker/charts/slim";
import type { ChartRef } from "./archive/chart-store";
import type { IndexedEntry } from "./indexed-chart";
import { tiktokSoundUrl } from "./urls";

export interface GlobalWeek {
  week: string;
  /** The newest regional snapshot of the week (ISO 8601). */
  fetchedAt: string;
  /** Regions with a chart this week, in code order. */
  charted: string[];
  /** Listed regions without a chart this week, in code order. */
  missing: string[];
  entries: GlobalChartEntry[];
  /** The first global week: nothing to compare with. */
  baseline: boolean;
  /** No region has a chart for the week before: movement is unknown. */
  followsGap: boolean;
  /** Against the week before; null when that week has no chart anywhere (baseline or gap). */
  spreading: Spreading[] | null;
  /** Regions charted this week but not the week before: each of their sounds counts as having entered them. */
  returned: string[];
}

/** What the global chart reads of a regional chart. */
type RegionalChart = Pick<SlimChart, "region" | "week" | "fetchedAt"> & {
  entries: readonly Pick<IndexedEntry, "clip_id" | "rank" | "title" | "author" | "cover">[];
};

function regionalEntries(charts: readonly RegionalChart[]): RegionalEntry[] {
  return charts.flatMap((chart) =>
    chart.entries.map(({ clip_id, rank, title, author, cover }) => ({
      region: chart.region,
      clip_id,
      rank,
      title,
      author,
      cover,
    })),
  );
}

const byCode = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/** A week's ranking and spreading list: what a global week costs to compute, kept between builds. */
export interface WeekRanking {
  ranked: GlobalRank[];
  spreading: Spreading[] | null;
  /** The newest regional snapshot of the week (ISO 8601). */
  fetchedAt: string;
}

/** Where a build finds the rankings of weeks whose charts did not change (chart-store.ts). */
export interface RankingCache {
  get(week: string, key: string): WeekRanking | undefined;
  put(week: string, key: string, ranking: WeekRanking): void;
}

/** What the global index needs of the archive: every chart's reference, and the chart itself on demand. */
export interface GlobalInput {
  charts: readonly Pick<ChartRef, "region" | "week" | "hash">[];
  load: (region: string, week: string) => RegionalChart | undefined;
  rankings?: RankingCache;
}

/** The global index of charts already held whole (tests, and the fixture's global log). */
export function buildGlobalIndex(charts: readonly RegionalChart[], regionCodes: readonly string[]) {
  const byKey = new Map(charts.map((chart) => [`${chart.region}/${chart.week}`, chart]));
  return globalIndexOf(
    {
      charts: charts.map((chart) => ({
        region: chart.region,
        week: chart.week,
        hash: `${chart.region}/${chart.week}`,
      })),
      load: (region, week) => byKey.get(`${region}/${week}`),
    },
    regionCodes,
  );
}

/**
 * `regionCodes`: every region the archive lists (the configured ones), charted or not. A week's
 * ranking is computed from its charts only when they (or the week before's, for the spreading
 * list) changed since the ranking in `rankings` was made; history is derived over all of them.
 */
export function globalIndexOf(input: GlobalInput, regionCodes: readonly string[]) {
  const refsByWeek = new Map<string, GlobalInput["charts"][number][]>();
  for (const ref of input.charts) {
    const week = refsByWeek.get(ref.week);
    if (week) week.push(ref);
    else refsByWeek.set(ref.week, [ref]);
  }
  const weekList = [...refsByWeek.keys()].sort();
  const first = weekList[0];
  const chartsOf = (week: string): RegionalChart[] =>
    (refsByWeek.get(week) ?? []).flatMap((ref) => input.load(ref.region, ref.week) ?? []);
  const hashesOf = (week: string) =>
    (refsByWeek.get(week) ?? [])
      .map((ref) => `${ref.region}:${ref.hash}`)
      .sort()
      .join(",");

  const ranked = new Map<string, GlobalRank[]>();
  const spreading = new Map<string, Spreading[] | null>();
  const fetchedAt = new Map<string, string>();
  for (const week of weekList) {
    const before = refsByWeek.has(previousWeek(week)) ? previousWeek(week) : null;
    const key = `${hashesOf(week)}|${before === null ? "" : hashesOf(before)}`;
    let ranking = input.rankings?.get(week, key);
    if (!ranking) {
      const charts = chartsOf(week);
      const entries = regionalEntries(charts);
      ranking = {
        ranked: rankGlobal(entries),
        spreading: before === null ? null : spreadingOf(entries, regionalEntries(chartsOf(before))),
        fetchedAt: charts.map((chart) => chart.fetchedAt).sort((a, b) => Date.parse(b) - Date.parse(a))[0] ?? "",
      };
      input.rankings?.put(week, key, ranking);
    }
    ranked.set(week, ranking.ranked);
    spreading.set(week, ranking.spreading);
    fetchedAt.set(week, ranking.fetchedAt);
  }
  const chartedIn = (week: string) => (refsByWeek.get(week) ?? []).map((ref) => ref.region).sort(byCode);

  const history = deriveHistory([...ranked].map(([week, entries]) => ({ week, entries })));
  const weeks = weekList.map((week): GlobalWeek => {
    const charted = chartedIn(week);
    const chartedBefore = new Set(chartedIn(previousWeek(week)));
    const derived = history.get(week);
    return {
      week,
      fetchedAt: fetchedAt.get(week) ?? "",
      charted,
      missing: regionCodes.filter((code) => !charted.includes(code)).sort(byCode),
      entries: (ranked.get(week) ?? []).flatMap((rank) => {
        const fields = derived?.get(rank.clip_id);
        return fields ? [{ ...rank, link: tiktokSoundUrl(rank.clip_id), ...fields }] : [];
      }),
      baseline: week === first,
      followsGap: week !== first && chartedBefore.size === 0,
      spreading: spreading.get(week) ?? null,
      returned: chartedBefore.size === 0 ? [] : charted.filter((code) => !chartedBefore.has(code)),
    };
  });
  const weekByName = new Map(weeks.map((week) => [week.week, week]));
  const latest = weeks.at(-1);
  // Where each sound charts in the latest week: every regional entry, not only the global top 100.
  const latestRegions = new Map<string, string[]>();
  for (const chart of latest ? chartsOf(latest.week) : []) {
    for (const entry of chart.entries) {
      const regions = latestRegions.get(entry.clip_id);
      if (regions) regions.push(chart.region);
      else latestRegions.set(entry.clip_id, [chart.region]);
    }
  }
  const latestRanks = new Map(latest?.entries.map((entry) => [entry.clip_id, entry.rank]));

  return {
    /** Weeks with a chart in any region, oldest first. */
    weeks,
    week: (name: string) => weekByName.get(name),
    latest,
    /** Weeks between the first and the latest without a chart in any region. */
    gaps: first && latest ? weeksBetween(first, latest.week).filter((week) => !weekByName.has(week)) : [],
    /** The weeks on either side that have a global chart (gaps skipped), for previous / next links. */
    neighbours(name: string): { previous?: string; next?: string } {
      const i = weekList.indexOf(name);
      return { previous: i > 0 ? weekList[i - 1] : undefined, next: i >= 0 ? weekList[i + 1] : undefined };
    },
    /** The regions a sound charts in during the latest week, in code order, and its global rank then. */
    latestReach(clipId: string): { regions: string[]; rank: number | null } {
      return { regions: [...(latestRegions.get(clipId) ?? [])].sort(byCode), rank: latestRanks.get(clipId) ?? null };
    },
  };
}

export type GlobalIndex = ReturnType<typeof globalIndexOf>;
