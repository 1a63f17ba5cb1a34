/**
 * Charts as pages read them: what pages show of each entry, no more, loaded from the chart store
 * (chart-store.ts) one at a time when a page or the global index needs one, and shaped here by this
 * build's code. The trend is drawn into its sparkline's path data, the only thing a page does
 * with it.
 */
import type { SiteArchive } from "@worker/schemas/site-archive";
import type { SlimChart, SlimEntry } from "@worker/schemas/slim";
import { type ChartRef, type ChartStore, chartKey, memoryStore } from "./archive/chart-store";
import { cleanChart, type PreparedArchive } from "./archive/prepare";
import type { RankingCache } from "./archive/ranking-store";
import { SPARK_HEIGHT, SPARK_WIDTH, sparklinePath } from "./svg";

/** A chart entry without what no page reads (promoted, duration, first week) and with its sparkline. */
export type IndexedEntry = Omit<SlimEntry, "trend" | "promoted" | "duration" | "firstWeek"> & {
  /** SVG path data of the daily trend (svg.ts sparklinePath), empty when there is none. */
  sparkline: string;
};

export type IndexedChart = Omit<SlimChart, "entries"> & { entries: IndexedEntry[] };

/**
 * An archive as the site index reads it: references to its charts (chart-store.ts), the store that
 * holds them as the input gave them, and where the global chart's weekly rankings are kept between
 * builds, if anywhere.
 */
export type IndexedArchive = PreparedArchive<ChartRef> & {
  store: Pick<ChartStore, "get">;
  rankings?: RankingCache;
};

/** Charts a page render may ask for again soon (a region's weeks, a global week's regions). */
const RECENT_CHARTS = 200;

/**
 * A store's charts as pages read them: each cleaned and compacted by this build's code when it is
 * loaded (the store keeps them as the input gave them, checked when they were read), the most
 * recent ones kept.
 */
export function indexedCharts(
  store: Pick<ChartStore, "get">,
): (region: string, week: string) => IndexedChart | undefined {
  const recent = new Map<string, IndexedChart>();
  return (region, week) => {
    const key = chartKey(region, week);
    let chart = recent.get(key);
    if (chart) {
      recent.delete(key);
    } else {
      const raw = store.get(region, week);
      if (raw === undefined) return undefined;
      chart = indexChart(cleanChart(raw));
    }
    recent.set(key, chart);
    if (recent.size > RECENT_CHARTS) recent.delete(recent.keys().next().value as string);
    return chart;
  };
}

/** What pages read of one chart: its entries without what no page reads, each trend drawn as its sparkline. */
export function indexChart(chart: SlimChart): IndexedChart {
  return {
    region: chart.region,
    week: chart.week,
    fetchedAt: chart.fetchedAt,
    source: chart.source,
    entries: chart.entries.map(
      (entry): IndexedEntry => ({
        rank: entry.rank,
        clip_id: entry.clip_id,
        title: entry.title,
        author: entry.author,
        cover: entry.cover,
        link: entry.link,
        if_cml: entry.if_cml,
        lastWeek: entry.lastWeek,
        peak: entry.peak,
        weeksOnChart: entry.weeksOnChart,
        movement: entry.movement,
        change: entry.change,
        sparkline: sparklinePath(entry.trend, SPARK_WIDTH, SPARK_HEIGHT),
      }),
    ),
  };
}

export function indexCharts(charts: readonly SlimChart[]): IndexedChart[] {
  return charts.map(indexChart);
}

/** A whole prepared archive, indexed and kept in memory (tests, and any input already held whole). */
export function indexArchive(archive: SiteArchive): IndexedArchive {
  const store = memoryStore();
  const charts = archive.charts.map((chart) =>
    store.put(JSON.stringify(chart), { region: chart.region, week: chart.week, source: chart.source, changed: 0 }),
  );
  return { ...archive, charts, store };
}
