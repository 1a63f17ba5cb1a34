/**
 * Chart history for one region, derived from its stored snapshots alone (DESIGN "Chart data
 * model"): last week, peak, weeks on chart, first week and movement for every entry of every
 * stored week. A pure function over the whole set, so re-running or backfilling always yields the
 * same charts, and storing an earlier week recomputes every later one. The upstream's own
 * `rank_diff` / `rank_diff_type` are deliberately not read: they are hints, never trusted.
 */
import { compareWeeks, type IsoWeek, isIsoWeek, previousWeek } from "./iso-week";

export type Movement = "new" | "re" | "up" | "down" | "same" | "baseline" | "unknown";

export interface Derived {
  /** Rank at W-1, or null (not on it, or W-1 not stored). */
  lastWeek: number | null;
  /** Best (lowest) rank up to and including W. */
  peak: number;
  /** Stored weeks on this region's chart up to and including W, runs need not be consecutive. */
  weeksOnChart: number;
  /** First stored week on this region's chart. */
  firstWeek: IsoWeek;
  movement: Movement;
  /** Places moved since W-1: + up, − down, 0 same; null when there is nothing to compare. */
  change: number | null;
}

export interface RankedEntry {
  clip_id: string;
  rank: number;
}

export interface RankedSnapshot {
  week: IsoWeek;
  entries: readonly RankedEntry[];
}

/** One week's derived fields by clip_id, in chart order (rank, then clip_id). */
export type DerivedWeek = Map<string, Derived>;

/** Week → clip_id → derived fields, weeks ascending. Only stored weeks appear: a gap has no key. */
export type DerivedHistory = Map<IsoWeek, DerivedWeek>;

/**
 * Derives every stored week of one region. Throws RangeError on a malformed or repeated week,
 * which the archive's (region, week) key rules out: reaching it means the caller mixed regions or
 * skipped validation.
 */
export function deriveHistory(snapshots: readonly RankedSnapshot[]): DerivedHistory {
  return deriveContinued({ last: null, tracks: new Map() }, snapshots);
}

/** What the stored weeks up to some week say: that week's ranks and each sound's track so far. */
export interface HistorySoFar {
  /** The newest stored week before the weeks to derive, or null when there is none. */
  last: RankedSnapshot | null;
  /** Each sound's track over the weeks up to `last` (at least the sounds of the weeks to derive). */
  tracks: ReadonlyMap<string, Track>;
}

/**
 * Derives `snapshots`, weeks that all come after `sofar.last`, as `deriveHistory` derives them
 * over the whole history: so a long history can be derived again a bounded slice at a time.
 */
export function deriveContinued(sofar: HistorySoFar, snapshots: readonly RankedSnapshot[]): DerivedHistory {
  const ranksByWeek = indexByWeek(snapshots);
  const weeks = [...ranksByWeek.keys()].sort(compareWeeks);
  const lastRanks = sofar.last ? indexByWeek([sofar.last]).get(sofar.last.week) : undefined;
  const seen = new Map<string, Track>(sofar.tracks);
  const history: DerivedHistory = new Map();

  for (const week of weeks) {
    const ranks = ranksByWeek.get(week) ?? new Map<string, number>();
    // W-1's ranks; null when W is the first archived week (W-1 was never due, so it is no gap).
    const before = previousWeek(week);
    const previous =
      sofar.last === null && week === weeks[0]
        ? null
        : (ranksByWeek.get(before) ?? (sofar.last?.week === before ? lastRanks : undefined) ?? "gap");
    const derivedWeek: DerivedWeek = new Map();
    for (const [clipId, rank] of ranks) {
      const track = seen.get(clipId);
      const lastWeek = previous instanceof Map ? (previous.get(clipId) ?? null) : null;
      const movement = movementOf(rank, lastWeek, track !== undefined, previous);
      const state: Track = {
        peak: Math.min(track?.peak ?? rank, rank),
        weeksOnChart: (track?.weeksOnChart ?? 0) + 1,
        firstWeek: track?.firstWeek ?? week,
      };
      seen.set(clipId, state);
      const change = changeOf(movement, rank, lastWeek);
      derivedWeek.set(clipId, { lastWeek, ...state, movement, change });
    }
    history.set(week, derivedWeek);
  }
  return history;
}

export function movementOf(
  rank: number,
  lastWeek: number | null,
  chartedBefore: boolean,
  previous: ReadonlyMap<string, number> | "gap" | null,
): Movement {
  if (previous === null) return "baseline";
  // Never seen in any stored week: a debut, even after a gap (DESIGN: "still new").
  if (!chartedBefore) return "new";
  if (previous === "gap") return "unknown";
  if (lastWeek === null) return "re";
  return rank < lastWeek ? "up" : rank > lastWeek ? "down" : "same";
}

export function changeOf(movement: Movement, rank: number, lastWeek: number | null): number | null {
  const comparable = movement === "up" || movement === "down" || movement === "same";
  return comparable && lastWeek !== null ? lastWeek - rank : null;
}

/**
 * Week → clip_id → rank, each week's clips in chart order so the result does not depend on the
 * order entries arrive in. A clip listed twice in one week keeps its best rank.
 */
function indexByWeek(snapshots: readonly RankedSnapshot[]): Map<IsoWeek, Map<string, number>> {
  const byWeek = new Map<IsoWeek, Map<string, number>>();
  for (const { week, entries } of snapshots) {
    if (!isIsoWeek(week)) throw new RangeError(`not a canonical ISO week: ${JSON.stringify(week)}`);
    if (byWeek.has(week)) throw new RangeError(`two snapshots for ${week}`);
    const best = new Map<string, number>();
    for (const { clip_id, rank } of entries) {
      best.set(clip_id, Math.min(best.get(clip_id) ?? rank, rank));
    }
    const ordered = [...best].sort(([idA, a], [idB, b]) => a - b || (idA < idB ? -1 : idA > idB ? 1 : 0));
    byWeek.set(week, new Map(ordered));
  }
  return byWeek;
}

/** What the stored weeks before W say about one sound: its best rank, weeks on chart and first week. */
export interface Track {
  peak: number;
  weeksOnChart: number;
  firstWeek: IsoWeek;
}

/**
 * The derived fields of a week stored after every other week of its region (the snapshot job's
 * case, and an import in order): the same answers as `deriveHistory` gives for that last week,
 * from the week before's ranks and each sound's track so far, so the work does not grow with
 * the archive. `previous` is null when no week is stored yet (a baseline), "gap" when W-1 is not
 * stored.
 */
export function deriveAppended(
  week: IsoWeek,
  entries: readonly RankedEntry[],
  previous: ReadonlyMap<string, number> | "gap" | null,
  tracks: ReadonlyMap<string, Track>,
): DerivedWeek {
  const derived: DerivedWeek = new Map();
  for (const [clipId, rank] of indexByWeek([{ week, entries }]).get(week) ?? []) {
    const before = tracks.get(clipId);
    const lastWeek = previous instanceof Map ? (previous.get(clipId) ?? null) : null;
    const movement = movementOf(rank, lastWeek, before !== undefined, previous);
    derived.set(clipId, {
      lastWeek,
      peak: Math.min(before?.peak ?? rank, rank),
      weeksOnChart: (before?.weeksOnChart ?? 0) + 1,
      firstWeek: before?.firstWeek ?? week,
      movement,
      change: changeOf(movement, rank, lastWeek),
    });
  }
  return derived;
}

/** The week's debuts (movement "new"), in chart order. A baseline week announces none. */
export function debutsOf(week: DerivedWeek): string[] {
  return [...week].filter(([, derived]) => derived.movement === "new").map(([clipId]) => clipId);
}
