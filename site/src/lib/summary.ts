/** A week's short summary: debuts, re-entries, the biggest climber and the longest-running sound. */
import type { SlimEntry } from "@worker/schemas/slim";

/** What a summary reads of an entry: a region's and the global chart's entries both have it. */
export type SummaryEntry = Pick<SlimEntry, "rank" | "clip_id" | "title" | "movement" | "change" | "weeksOnChart">;

export interface ChartSummary<E extends SummaryEntry = SummaryEntry> {
  debuts: number;
  reentries: number;
  /** Most places up since last week (ties: the better rank); null when nothing climbed. */
  biggestClimber: E | null;
  /** Most weeks on this region's chart (ties: the better rank); null for an empty chart. */
  longestRunning: E | null;
}

function best<E extends SummaryEntry>(entries: readonly E[], score: (e: E) => number): E | null {
  let winner: E | null = null;
  for (const entry of entries) {
    if (score(entry) <= 0) continue;
    if (!winner || score(entry) > score(winner) || (score(entry) === score(winner) && entry.rank < winner.rank)) {
      winner = entry;
    }
  }
  return winner;
}

export function chartSummary<E extends SummaryEntry>(entries: readonly E[]): ChartSummary<E> {
  return {
    debuts: entries.filter((e) => e.movement === "new").length,
    reentries: entries.filter((e) => e.movement === "re").length,
    biggestClimber: best(entries, (e) => (e.movement === "up" ? (e.change ?? 0) : 0)),
    longestRunning: best(entries, (e) => e.weeksOnChart),
  };
}
