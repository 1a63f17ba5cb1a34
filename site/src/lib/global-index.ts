/**
 * The global chart and spreading sounds as the site's pages query them (docs/weekly-archive.md "The global
 * chart"), computed once per build from the prepared archive's charts — the configured source's
 * only, each week's ranking again only when its charts changed (a RankingCache keeps the others
 * between builds) — with the Worker's own domain code: `rankGlobal` ranks each week, `deriveHistory` derives
 * last week, peak, weeks on chart and movement over the ranked weeks exactly as for a region (the
 * first global week is the baseline; a week without a chart in any region is a gap), and
 * `spreadingOf` lists the sounds spreading to new regions. The Worker serves the same at
 * `/api/global/*`.
 */
import { deriveHistory } from "@worker/charts/derive";
import { type RegionalEntry, rankGlobal, type Spreading, spreadingOf } from "@worker/charts/global";
import { previousWeek, weeksBetween } from "@worker/charts/iso-week";
import { tiktokSoundUrl } from "@worker/charts/sound";
import type { GlobalChartEntry } from "@worker/schemas/global-chart";
import type { SlimChart } from "@worker/schemas/slim";
import type { ChartRef } from "./archive/chart-store";
import { memoryRankings, type RankingCache, type WeekRanking } from "./archive/ranking-store";
import type { IndexedEntry } from "./indexed-chart";

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

/** What a global week is without its entries: what lists of weeks and page keys need. */
export type GlobalWeekSummary = Omit<GlobalWeek, "entries" | "spreading">;

/** Global weeks built whole at once, at most: a page shows one, a year page up to 53. */
const RECENT_WEEKS = 60;

/**
 * `regionCodes`: every region the archive lists (the configured ones), charted or not. A week's
 * ranking is computed from its charts only when they (or the week before's, for the spreading
 * list) changed since the ranking in `rankings` was made; history is derived over all of them.
 *
 * Only what every build needs of every week is held: its summary, its ranks and their derived
 * fields. A week's entries (titles, covers, spreading list) are built again from its kept ranking
 * when a page asks for them (`week`), so the index stays small however many weeks the archive has;
 * `keyOf` says what a week's page shows without building it.
 */
export function globalIndexOf(input: GlobalInput, regionCodes: readonly string[]) {
  const rankings = input.rankings ?? memoryRankings();
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
  const rankingKeyOf = (week: string) => {
    const before = refsByWeek.has(previousWeek(week)) ? previousWeek(week) : null;
    return `${hashesOf(week)}|${before === null ? "" : hashesOf(before)}`;
  };
  // The last week whose charts were loaded for a ranking: weeks are ranked oldest first, so the
  // week before's charts, which a spreading list compares with, are loaded once, not twice.
  let lastLoaded: { week: string; charts: RegionalChart[] } | undefined;
  const loadedCharts = (week: string) => {
    if (lastLoaded?.week !== week) lastLoaded = { week, charts: chartsOf(week) };
    return lastLoaded.charts;
  };
  /** A week's ranking: the kept one, or computed from its charts (and kept). */
  const rankingOf = (week: string): WeekRanking => {
    const key = rankingKeyOf(week);
    const kept = rankings.get(week, key);
    if (kept) return kept;
    const before = refsByWeek.has(previousWeek(week)) ? previousWeek(week) : null;
    const previous = before === null ? null : regionalEntries(loadedCharts(before));
    const charts = loadedCharts(week);
    const entries = regionalEntries(charts);
    const ranking = {
      ranked: rankGlobal(entries),
      spreading: previous === null ? null : spreadingOf(entries, previous),
      fetchedAt: charts.map((chart) => chart.fetchedAt).sort((a, b) => Date.parse(b) - Date.parse(a))[0] ?? "",
    };
    rankings.put(week, key, ranking);
    return ranking;
  };

  const ranks = new Map<string, { clip_id: string; rank: number }[]>();
  const fetchedAt = new Map<string, string>();
  for (const week of weekList) {
    const ranking = rankingOf(week);
    ranks.set(
      week,
      ranking.ranked.map(({ clip_id, rank }) => ({ clip_id, rank })),
    );
    fetchedAt.set(week, ranking.fetchedAt);
  }
  const chartedIn = (week: string) => (refsByWeek.get(week) ?? []).map((ref) => ref.region).sort(byCode);
  const history = deriveHistory([...ranks].map(([week, entries]) => ({ week, entries })));

  const summaries = weekList.map((week): GlobalWeekSummary => {
    const charted = chartedIn(week);
    const chartedBefore = new Set(chartedIn(previousWeek(week)));
    return {
      week,
      fetchedAt: fetchedAt.get(week) ?? "",
      charted,
      missing: regionCodes.filter((code) => !charted.includes(code)).sort(byCode),
      baseline: week === first,
      followsGap: week !== first && chartedBefore.size === 0,
      returned: chartedBefore.size === 0 ? [] : charted.filter((code) => !chartedBefore.has(code)),
    };
  });
  const summaryByName = new Map(summaries.map((summary) => [summary.week, summary]));
  const positionOf = new Map(weekList.map((name, i) => [name, i]));

  const built = new Map<string, GlobalWeek>();
  /** A week whole: its summary, its kept ranking's entries with their derived fields, its spreading list. */
  const week = (name: string): GlobalWeek | undefined => {
    const summary = summaryByName.get(name);
    if (!summary) return undefined;
    let whole = built.get(name);
    if (whole) {
      built.delete(name);
    } else {
      const ranking = rankingOf(name);
      const derived = history.get(name);
      whole = {
        ...summary,
        entries: ranking.ranked.flatMap((rank) => {
          const fields = derived?.get(rank.clip_id);
          return fields ? [{ ...rank, link: tiktokSoundUrl(rank.clip_id), ...fields }] : [];
        }),
        spreading: ranking.spreading,
      };
    }
    built.set(name, whole);
    if (built.size > RECENT_WEEKS) built.delete(built.keys().next().value as string);
    return whole;
  };

  const latestName = weekList.at(-1);
  const latest = latestName === undefined ? undefined : week(latestName);
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
    /** Weeks with a chart in any region, oldest first, without their entries. */
    weeks: summaries,
    week,
    /**
     * What a week's page shows, as a string, without building the week: its summary, the key of
     * the charts its ranking and spreading list come from (their content), and every entry's
     * derived fields (which depend on all the weeks before it).
     */
    keyOf(name: string): string | null {
      const summary = summaryByName.get(name);
      if (!summary) return null;
      const derived = [...(history.get(name)?.entries() ?? [])]
        .map(
          ([clip, d]) => `${clip}:${d.lastWeek}:${d.peak}:${d.weeksOnChart}:${d.firstWeek}:${d.movement}:${d.change}`,
        )
        .join(",");
      return JSON.stringify([summary, rankingKeyOf(name), derived]);
    },
    latest,
    /** Weeks between the first and the latest without a chart in any region. */
    gaps: first && latestName ? weeksBetween(first, latestName).filter((name) => !summaryByName.has(name)) : [],
    /** The weeks on either side that have a global chart (gaps skipped), for previous / next links. */
    neighbours(name: string): { previous?: string; next?: string } {
      const i = positionOf.get(name) ?? -1;
      return { previous: i > 0 ? weekList[i - 1] : undefined, next: i >= 0 ? weekList[i + 1] : undefined };
    },
    /** The regions a sound charts in during the latest week, in code order, and its global rank then. */
    latestReach(clipId: string): { regions: string[]; rank: number | null } {
      return { regions: [...(latestRegions.get(clipId) ?? [])].sort(byCode), rank: latestRanks.get(clipId) ?? null };
    },
  };
}

export type GlobalIndex = ReturnType<typeof globalIndexOf>;
