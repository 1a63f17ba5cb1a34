/**
 * The global chart and spreading sounds (docs/weekly-archive.md "The global chart"): derived from the regional
 * charts of one ISO week, no extra credits. Pure functions over plain data, the one place the rule
 * is written: the site computes its pages with them, and the Worker ranks each week with rankGlobal
 * and stores the result in D1 (archive/global.ts GlobalStore.rebuild).
 *
 * Ranking: points per region `101 − rank`, summed over the regions a sound charts in; ties by the
 * number of regions charted (more first), then the best regional rank (lower first), then the
 * clip id as text, so every tie has one answer. The top 100 make the chart.
 */
import { type Derived, type Movement, changeOf, movementOf } from "./derive";
import type { IsoWeek } from "./iso-week";

export const GLOBAL_CHART_SIZE = 100;
/** Spreading sounds listed per week. */
export const SPREADING_SIZE = 20;

export interface RegionalEntry {
  region: string;
  clip_id: string;
  rank: number;
  title: string;
  author: string;
  cover: string;
}

export interface GlobalRank {
  rank: number;
  clip_id: string;
  points: number;
  /** Regions it charts in this week. */
  regions: number;
  /** Regions where it is #1, in code order. */
  numberOne: string[];
  bestRank: number;
  /** Title, author and cover as its best-ranked region lists them (ties: region code order). */
  title: string;
  author: string;
  cover: string;
}

interface Tally {
  clip_id: string;
  points: number;
  regions: Set<string>;
  numberOne: string[];
  best: RegionalEntry;
}

export function rankGlobal(entries: readonly RegionalEntry[], size = GLOBAL_CHART_SIZE): GlobalRank[] {
  const tallies = new Map<string, Tally>();
  for (const entry of entries) {
    const tally = tallies.get(entry.clip_id) ?? {
      clip_id: entry.clip_id,
      points: 0,
      regions: new Set<string>(),
      numberOne: [],
      best: entry,
    };
    tally.points += 101 - entry.rank;
    tally.regions.add(entry.region);
    if (entry.rank === 1) tally.numberOne.push(entry.region);
    if (entry.rank < tally.best.rank || (entry.rank === tally.best.rank && entry.region < tally.best.region))
      tally.best = entry;
    tallies.set(entry.clip_id, tally);
  }
  return [...tallies.values()]
    .sort(
      (a, b) =>
        b.points - a.points ||
        b.regions.size - a.regions.size ||
        a.best.rank - b.best.rank ||
        (a.clip_id < b.clip_id ? -1 : a.clip_id > b.clip_id ? 1 : 0),
    )
    .slice(0, size)
    .map((t, i) => ({
      rank: i + 1,
      clip_id: t.clip_id,
      points: t.points,
      regions: t.regions.size,
      numberOne: [...t.numberOne].sort(),
      bestRank: t.best.rank,
      title: t.best.title,
      author: t.best.author,
      cover: t.best.cover,
    }));
}

export interface Spreading {
  clip_id: string;
  title: string;
  author: string;
  cover: string;
  /** Regions it charts in this week, and the week before (among the regions charted both weeks). */
  regions: number;
  previousRegions: number;
  /** The regions it entered this week (charted now, not the week before), in code order. */
  entered: string[];
}

/**
 * The sounds whose number of charting regions grew most since last week: growth first, then
 * regions now, then best rank now, then clip id. Only sounds that grew are listed. Regions are
 * compared only where both weeks have a chart: a region back after a missed week (or charted for
 * the first time) would otherwise count every sound on it as entering it.
 */
export function spreadingOf(
  current: readonly RegionalEntry[],
  previous: readonly RegionalEntry[],
  size = SPREADING_SIZE,
): Spreading[] {
  const chartedBefore = new Set(previous.map((e) => e.region));
  const compared = new Set(current.map((e) => e.region).filter((r) => chartedBefore.has(r)));
  const before = new Map<string, Set<string>>();
  for (const e of previous)
    if (compared.has(e.region)) before.set(e.clip_id, (before.get(e.clip_id) ?? new Set()).add(e.region));
  const now = new Map<string, { regions: Set<string>; best: RegionalEntry }>();
  for (const e of current) {
    if (!compared.has(e.region)) continue;
    const seen = now.get(e.clip_id);
    if (!seen) now.set(e.clip_id, { regions: new Set([e.region]), best: e });
    else {
      seen.regions.add(e.region);
      if (e.rank < seen.best.rank || (e.rank === seen.best.rank && e.region < seen.best.region)) seen.best = e;
    }
  }
  return [...now]
    .map(([clip_id, { regions, best }]) => {
      const had = before.get(clip_id) ?? new Set<string>();
      return {
        clip_id,
        title: best.title,
        author: best.author,
        cover: best.cover,
        regions: regions.size,
        previousRegions: had.size,
        entered: [...regions].filter((r) => !had.has(r)).sort(),
        bestRank: best.rank,
      };
    })
    .filter((s) => s.regions > s.previousRegions)
    .sort(
      (a, b) =>
        b.regions - b.previousRegions - (a.regions - a.previousRegions) ||
        b.regions - a.regions ||
        a.bestRank - b.bestRank ||
        (a.clip_id < b.clip_id ? -1 : a.clip_id > b.clip_id ? 1 : 0),
    )
    .slice(0, size)
    .map(({ bestRank: _, ...s }) => s);
}

/** A global-chart sound's history up to week W, as stored aggregates (the Worker reads them from D1). */
export interface GlobalTrack {
  /** Best global rank up to and including W. */
  peak: number;
  /** Global weeks on chart up to and including W. */
  weeksOnChart: number;
  firstWeek: IsoWeek;
}

/**
 * The derived fields of one global entry, exactly as derive.ts defines them for a region:
 * `previous` is last week's global ranks, null when W is the first global week, "gap" when no
 * global chart exists for W-1.
 */
export function globalDerived(
  week: IsoWeek,
  rank: number,
  track: GlobalTrack,
  previous: ReadonlyMap<string, number> | "gap" | null,
  clipId: string,
): Derived {
  const lastWeek = previous instanceof Map ? (previous.get(clipId) ?? null) : null;
  const movement: Movement = movementOf(rank, lastWeek, track.firstWeek !== week, previous);
  return { lastWeek, ...track, movement, change: changeOf(movement, rank, lastWeek) };
}
