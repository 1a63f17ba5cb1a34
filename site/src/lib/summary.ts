/** A week's short summary: debuts, re-entries, the biggest climber and the longest-running sound. */
import type { SlimEntry } from "../../../worker/charts/slim";

export interface ChartSummary {
  debuts: number;
  reentries: number;
  /** Most places up since last week (ties: the better rank); null when nothing climbed. */
  biggestClimber: SlimEntry | null;
  /** Most weeks on this region's chart (ties: the better rank); null for an empty chart. */
  longestRunning: SlimEntry | null;
}

function best(entries: readonly SlimEntry[], score: (e: SlimEntry) => number): SlimEntry | null {
  let winner: SlimEntry | null = null;
  for (const entry of entries) {
    if (score(entry) <= 0) continue;
    if (!winner || score(entry) > score(winner) || (score(entry) === score(winner) && entry.rank < winner.rank)) {
      winner = entry;
    }
  }
  return winner;
}

export function chartSummary(entries: readonly SlimEntry[]): ChartSummary {
  return {
    debuts: entries.filter((e) => e.movement === "new").length,
    reentries: entries.filter((e) => e.movement === "re").length,
    biggestClimber: best(entries, (e) => (e.movement === "up" ? (e.change ?? 0) : 0)),
    longestRunning: best(entries, (e) => e.weeksOnChart),
  };
}
