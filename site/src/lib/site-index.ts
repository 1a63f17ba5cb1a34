/**
 * The archive as pages query it: charts by region and week, neighbouring weeks, the latest
 * charts. Built once per build from the prepared archive's chart references; charts themselves
 * are loaded from the store when asked for. The data layer's own: pages get their props from
 * site-data.ts (page-data.ts on this index), never the index. Sizes scale with regions × weeks,
 * never with every sound ever seen: sound pages are the Worker's (docs/site.md "Sound pages come
 * from the Worker").
 */
import { previousWeek } from "@worker/charts/iso-week";
import { chartKey } from "./archive/chart-store";
import { globalIndexOf } from "./global-index";
import { type IndexedArchive, type IndexedChart, indexedCharts } from "./indexed-chart";

export function buildSiteIndex(input: IndexedArchive) {
  // References only: a chart is loaded from the store when a page (or the global index) needs it.
  const refs = new Map(input.charts.map((ref) => [chartKey(ref.region, ref.week), ref]));
  const regions = [...input.regions].sort((a, b) => a.name.localeCompare(b.name, "en") || (a.code < b.code ? -1 : 1));
  const regionByCode = new Map(regions.map((region) => [region.code, region]));
  const load = indexedCharts(input.store);
  const chart = (region: string, week: string): IndexedChart | undefined =>
    refs.has(chartKey(region, week)) ? load(region, week) : undefined;
  const latestWeek = (region: string): string | undefined => regionByCode.get(region)?.weeks.at(-1);
  const latestCharts = regions.flatMap((region) => {
    const week = latestWeek(region.code);
    const latest = week === undefined ? undefined : chart(region.code, week);
    return latest ? [latest] : [];
  });
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
    /** The hash of a chart's content (what page cache keys are made of), without loading it. */
    chartHash: (region: string, week: string): string | undefined => refs.get(chartKey(region, week))?.hash,
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
    debuts: (region: string) => debuts.filter((item) => item.region === region),
    globalDebuts: input.globalDebuts,
    /** The global chart of every week and the spreading sounds, computed once per build. */
    global: globalIndexOf(
      { charts: input.charts, load: chart, rankings: input.rankings },
      regions.map((region) => region.code),
    ),
  };
}

export type SiteIndex = ReturnType<typeof buildSiteIndex>;
