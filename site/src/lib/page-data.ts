/**
 * Every page's props, from the site's index (the data layer: site-data.ts binds these to the
 * build's index, and pages never see it). A dynamic route's paths carry their props and, as their
 * cache key, the hash of those same props (page-keys.ts): what a page shows is what its key holds.
 * The charts a page shows are held by their content's hash and loaded by the `…Of` functions
 * below when the page is rendered, checked against that hash.
 */
import type { WeeklyRank } from "@worker/charts/year";
import type { YearChart } from "@worker/schemas/year-chart";
import { lastWeeksOf, newestGlobalDebuts } from "./feed";
import type { GlobalWeek } from "./global-index";
import type { IndexedChart } from "./indexed-chart";
import { pageKey } from "./page-keys";
import type {
  AboutPage,
  ChartId,
  GlobalFeedPage,
  GlobalLatestPage,
  GlobalWeekId,
  GlobalWeekPage,
  GlobalWeeksPage,
  HomePage,
  LatestPage,
  RegionFeedPage,
  RegionNames,
  RegionWeekPage,
  WeeksPage,
  YearPage,
} from "./page-props";
import type { SiteIndex } from "./site-index";
import { globalYears, regionYears, yearChartOf, yearInputsOf, yearKeyOfGlobal, yearKeyOfRegion } from "./year-data";

/** One page of a dynamic route, as its getStaticPaths returns it. */
export interface PagePath<Params, Props> {
  params: Params;
  props: Props;
  cacheKey: string;
}

function path<Params, Props>(params: Params, props: Props): PagePath<Params, Props> {
  return { params, props, cacheKey: pageKey(props) };
}

/** The home page's share of the newest spreading sounds. */
const SPREADING_ON_HOME = 5;
/** The newest week's global debuts on the home page, by global rank. */
const NEWEST_DEBUTS = 10;

const namesOf = (site: SiteIndex): RegionNames => site.regions.map((region) => [region.code, region.name]);

export function regionWeekPage(site: SiteIndex, region: string, week: string): RegionWeekPage {
  const hash = site.chartHash(region, week);
  if (hash === undefined) throw new Error(`no chart for ${region} ${week}`);
  const { previous, next } = site.neighbours(region, week);
  return {
    source: site.source,
    region,
    week,
    name: site.regionName(region),
    previous,
    next,
    followsGap: site.followsGap(region, week),
    baseline: site.isBaseline(region, week),
    chart: { region, week, hash },
  };
}

export function regionWeekPaths(site: SiteIndex) {
  return site.regions.flatMap((region) =>
    region.weeks.map((week) => path({ region: region.code, week }, regionWeekPage(site, region.code, week))),
  );
}

// Every region the archive lists, even one without a chart yet: its feed exists, so its page does too.
export function latestPaths(site: SiteIndex) {
  return site.regions.map((region) => {
    const week = site.latestWeek(region.code);
    const props: LatestPage = {
      source: site.source,
      region: region.code,
      name: region.name,
      latest: week === undefined ? null : regionWeekPage(site, region.code, week),
    };
    return path({ region: region.code }, props);
  });
}

export function weeksPaths(site: SiteIndex) {
  return site.regions.map((region) => {
    const props: WeeksPage = {
      source: site.source,
      region: region.code,
      name: region.name,
      weeks: region.weeks,
      gaps: region.gaps,
      years: regionYears(site, region.code),
    };
    return path({ region: region.code }, props);
  });
}

/** A region's feed: its items of the last published weeks (the origin is config: Astro hashes that). */
export function regionFeedPaths(site: SiteIndex) {
  return site.regions.map((region) => {
    const props: RegionFeedPage = {
      region: region.code,
      name: region.name,
      items: lastWeeksOf(site.debuts(region.code)),
    };
    return path({ region: region.code }, props);
  });
}

export function regionYearPaths(site: SiteIndex) {
  return site.regions.flatMap((region) =>
    regionYears(site, region.code).flatMap((year) => {
      const span = yearKeyOfRegion(site, region.code, year);
      if (!span) return [];
      const props: YearPage = { source: site.source, region: region.code, ...span };
      return [path({ region: region.code, year: String(year) }, props)];
    }),
  );
}

/**
 * A global week's page: its summary, neighbours and the names of the listed regions, and its chart
 * by its key (global-index.ts keyOf: the charts it is ranked from, its derived history). Not the
 * built week: building every week for its key would hold the whole global history at once.
 */
export function globalWeekPage(site: SiteIndex, week: string): GlobalWeekPage {
  const summary = site.global.weeks.find((candidate) => candidate.week === week);
  const key = site.global.keyOf(week);
  if (!summary || key === null) throw new Error(`no global chart for ${week}`);
  const { previous, next } = site.global.neighbours(week);
  return { source: site.source, week, summary, previous, next, names: namesOf(site), chart: { week, key } };
}

export function globalWeekPaths(site: SiteIndex) {
  return site.global.weeks.map(({ week }) => path({ week }, globalWeekPage(site, week)));
}

export function globalYearPaths(site: SiteIndex) {
  return globalYears(site).flatMap((year) => {
    const span = yearKeyOfGlobal(site, year);
    if (!span) return [];
    const props: YearPage = { source: site.source, region: "global", ...span };
    return [path({ year: String(year) }, props)];
  });
}

export function globalLatestPage(site: SiteIndex): GlobalLatestPage {
  const latest = site.global.weeks.at(-1);
  return { source: site.source, latest: latest ? globalWeekPage(site, latest.week) : null };
}

export function globalWeeksPage(site: SiteIndex): GlobalWeeksPage {
  return {
    source: site.source,
    weeks: site.global.weeks.map((week) => ({ week: week.week, charted: week.charted.length })),
    gaps: site.global.gaps,
    years: globalYears(site),
  };
}

export function globalFeedPage(site: SiteIndex): GlobalFeedPage {
  return { names: namesOf(site), items: lastWeeksOf(site.globalDebuts) };
}

export function homePage(site: SiteIndex): HomePage {
  const global = site.global.latest;
  const top = global?.entries[0];
  const spreading = global?.spreading?.slice(0, SPREADING_ON_HOME) ?? null;
  const onChart = new Set(global?.entries.map((entry) => entry.clip_id));
  return {
    source: site.source,
    names: namesOf(site),
    fetchedAt: site.newestFetchedAt,
    newestWeek: [...new Set(site.latestCharts.map((chart) => chart.week))].sort().at(-1),
    global: global
      ? {
          week: global.week,
          charted: global.charted.length,
          size: global.entries.length,
          top: top && {
            clip_id: top.clip_id,
            title: top.title,
            author: top.author,
            regions: top.regions,
            numberOne: top.numberOne,
          },
          spreading,
          spreadingTotal: global.spreading?.length ?? 0,
          onChart: (spreading ?? []).map((item) => item.clip_id).filter((clip) => onChart.has(clip)),
          returned: global.returned,
        }
      : null,
    years: globalYears(site).reverse(),
    regions: site.regions.map((region) => {
      const week = site.latestWeek(region.code);
      const chart = week === undefined ? undefined : site.chart(region.code, week);
      const top = chart?.entries[0];
      return {
        code: region.code,
        name: region.name,
        weekCount: region.weeks.length,
        week,
        top: top && { title: top.title, author: top.author },
        debuts: chart?.entries.filter((entry) => entry.movement === "new").length ?? 0,
      };
    }),
    debuts: newestGlobalDebuts(site.globalDebuts, NEWEST_DEBUTS),
  };
}

export function aboutPage(site: SiteIndex): AboutPage {
  const example = site.regionsWithCharts[0];
  const exampleWeek = example ? site.latestWeek(example.code) : undefined;
  return {
    source: site.source,
    readAt: site.readAt,
    regions: site.regions.map((region) => {
      const week = site.latestWeek(region.code);
      const chart = week === undefined ? undefined : site.chart(region.code, week);
      return {
        code: region.code,
        name: region.name,
        week,
        fetchedAt: chart?.fetchedAt,
        weeks: region.weeks.length,
        gaps: region.gaps.length,
      };
    }),
    example: example && exampleWeek ? { region: example.code, week: exampleWeek } : undefined,
    globalWeek: site.global.latest?.week,
  };
}

/** A regional chart by its content, as this build's code shapes it. */
export function chartOf(site: SiteIndex, id: ChartId): IndexedChart {
  const chart = site.chartHash(id.region, id.week) === id.hash ? site.chart(id.region, id.week) : undefined;
  if (!chart) throw new Error(`no chart for ${id.region} ${id.week} with the content ${id.hash}`);
  return chart;
}

/** A global week's chart by its key. */
export function globalWeekOf(site: SiteIndex, id: GlobalWeekId): GlobalWeek {
  const chart = site.global.keyOf(id.week) === id.key ? site.global.week(id.week) : undefined;
  if (!chart) throw new Error(`no global chart for ${id.week} with the key ${id.key}`);
  return chart;
}

/** A year page's chart, ranked from the weekly charts its props name by their content. */
export function yearChartOfPage(site: SiteIndex, page: YearPage): YearChart {
  const entriesOf = (week: string, content: string): readonly WeeklyRank[] =>
    page.region === "global"
      ? globalWeekOf(site, { week, key: content }).entries
      : chartOf(site, { region: page.region, week, hash: content }).entries;
  return yearChartOf(page.source, page.region, yearInputsOf(page, entriesOf));
}
