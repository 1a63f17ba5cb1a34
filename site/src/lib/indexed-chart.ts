/**
 * Charts as the site index keeps them for the whole build: what pages show of each entry, no
 * more. Measured on a full-scale archive (71 regions × 52 weeks, ≈ 370,000 entries), the slim
 * entries as read held ≈ 420 MB: every daily trend value a boxed number, and every title, author,
 * cover and link of a sound repeated once per chart it is on. Kept like this, ≈ 100 MB: the
 * trend is drawn once into its sparkline's path data (the only thing a page does with it), and
 * equal strings are one string.
 */
import type { SiteArchive } from "../../../worker/charts/site-archive";
import type { SlimChart, SlimEntry } from "../../../worker/charts/slim";
import { type ChartRef, type ChartStore, chartKey, memoryStore } from "./archive/chart-store";
import { type PreparedArchive, prepareChart } from "./archive/prepare";
import type { RankingCache } from "./global-index";
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
 * A store's charts as pages read them: each checked, cleaned and compacted by this build's code
 * when it is loaded (the store keeps them as the input gave them), the most recent ones kept.
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
      chart = indexChart(prepareChart(raw));
    }
    recent.set(key, chart);
    if (recent.size > RECENT_CHARTS) recent.delete(recent.keys().next().value as string);
    return chart;
  };
}

/**
 * Compacts charts one at a time, as they are read (read.ts), so the archive is never held whole
 * as it came; a sound's title, author, cover and link, when equal across the charts it is given,
 * become one string.
 */
export function chartIndexer(): (chart: SlimChart) => IndexedChart {
  // A sound's texts as last seen: an entry that repeats them takes those strings, not its own.
  // Compared by sound rather than looked up by text: a string is compared only with the one it
  // most likely equals, instead of hashed whole (covers and links are ≈ 100 characters).
  const seen = new Map<string, Pick<IndexedEntry, "title" | "author" | "cover" | "link">>();
  const shared = (entry: SlimEntry) => {
    const last = seen.get(entry.clip_id);
    if (last && last.title === entry.title && last.author === entry.author) {
      if (last.cover === entry.cover && last.link === entry.link) return last;
    }
    const texts = {
      title: last?.title === entry.title ? last.title : entry.title,
      author: last?.author === entry.author ? last.author : entry.author,
      cover: last?.cover === entry.cover ? last.cover : entry.cover,
      link: last?.link === entry.link ? last.link : entry.link,
    };
    seen.set(entry.clip_id, texts);
    return texts;
  };
  return (chart) => ({
    region: chart.region,
    week: chart.week,
    fetchedAt: chart.fetchedAt,
    source: chart.source,
    entries: chart.entries.map((entry): IndexedEntry => {
      const { title, author, cover, link } = shared(entry);
      return {
        rank: entry.rank,
        clip_id: entry.clip_id,
        title,
        author,
        cover,
        link,
        if_cml: entry.if_cml,
        lastWeek: entry.lastWeek,
        peak: entry.peak,
        weeksOnChart: entry.weeksOnChart,
        movement: entry.movement,
        change: entry.change,
        sparkline: sparklinePath(entry.trend, SPARK_WIDTH, SPARK_HEIGHT),
      };
    }),
  });
}

/**
 * One chart, compacted on its own: what a build that keeps charts on disk needs (read.ts). Shares
 * nothing with other charts, so nothing grows with the archive as it is read.
 */
export function indexChart(chart: SlimChart): IndexedChart {
  return chartIndexer()(chart);
}

export function indexCharts(charts: readonly SlimChart[]): IndexedChart[] {
  return charts.map(chartIndexer());
}

/** A whole prepared archive, indexed and kept in memory (tests, and any input already held whole). */
export function indexArchive(archive: SiteArchive): IndexedArchive {
  const store = memoryStore();
  const charts = archive.charts.map((chart) =>
    store.put(JSON.stringify(chart), { region: chart.region, week: chart.week, source: chart.source, changed: 0 }),
  );
  return { ...archive, charts, store };
}
