/**
 * The global chart and spreading sounds as the site's pages query them (DESIGN.md "The global
 * chart"), computed once per build from the prepared archive's charts — the configured source's
 * only — with the Worker's own domain code: `rankGlobal` ranks each week, `deriveHistory` derives
 * last week, peak, weeks on chart and movement over the ranked weeks exactly as for a region (the
 * first global week is the baseline; a week without a chart in any region is a gap), and
 * `spreadingOf` lists the sounds spreading to new regions. The Worker serves the same at
 * `/api/global/*`.
 */
import { deriveHistory } from "../../../worker/charts/derive";
import { type RegionalEntry, rankGlobal, type Spreading, spreadingOf } from "../../../worker/charts/global";
import type { GlobalChartEntry } from "../../../worker/charts/global-schema";
import { previousWeek, weeksBetween } from "../../../worker/charts/iso-week";
import type { SlimChart } from "../../../worker/charts/slim";
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

/** `regionCodes`: every region the archive lists (the configured ones), charted or not. */
export function buildGlobalIndex(charts: readonly RegionalChart[], regionCodes: readonly string[]) {
  const chartsByWeek = new Map<string, RegionalChart[]>();
  for (const chart of charts) {
    const week = chartsByWeek.get(chart.week);
    if (week) week.push(chart);
    else chartsByWeek.set(chart.week, [chart]);
  }
  const weekList = [...chartsByWeek.keys()].sort();
  const first = weekList[0];

  // One week at a time, keeping only the week before's entries: never all regional entries at once.
  const ranked = new Map<string, ReturnType<typeof rankGlobal>>();
  const spreading = new Map<string, Spreading[] | null>();
  let previous: { week: string; entries: RegionalEntry[] } | undefined;
  for (const week of weekList) {
    const entries = regionalEntries(chartsByWeek.get(week) ?? []);
    ranked.set(week, rankGlobal(entries));
    const before = previous?.week === previousWeek(week) ? previous.entries : null;
    spreading.set(week, before ? spreadingOf(entries, before) : null);
    previous = { week, entries };
  }

  const history = deriveHistory([...ranked].map(([week, entries]) => ({ week, entries })));
  const weeks = weekList.map((week): GlobalWeek => {
    const weekCharts = chartsByWeek.get(week) ?? [];
    const charted = weekCharts.map((chart) => chart.region).sort(byCode);
    const chartedBefore = new Set((chartsByWeek.get(previousWeek(week)) ?? []).map((chart) => chart.region));
    const derived = history.get(week);
    return {
      week,
      fetchedAt: weekCharts.map((chart) => chart.fetchedAt).sort((a, b) => Date.parse(b) - Date.parse(a))[0] ?? "",
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
  for (const chart of latest ? (chartsByWeek.get(latest.week) ?? []) : []) {
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

export type GlobalIndex = ReturnType<typeof buildGlobalIndex>;
