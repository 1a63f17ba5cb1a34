// Medians with their spread, and figures paired within a round: the bench's only statistics.
// A timing on a shared machine moves between runs; a ratio or difference taken within one round
// (the targets run back to back) cancels what the round shared, and the spread says how far the
// rounds disagreed.

/** The rounds a ratio needs before it may decide a verdict. */
export const MIN_ROUNDS_FOR_VERDICT = 5;

export const median = (values) => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
};

const round = (x, digits) => +x.toFixed(digits);

/**
 * { median, min, max, n } of the finite values, or null when there are none.
 * @param {number[]} values
 * @param {number} [digits] decimals kept
 * @returns {{ median: number, min: number, max: number, n: number } | null}
 */
export function spread(values, digits = 2) {
  const finite = values.filter(Number.isFinite);
  if (finite.length === 0) return null;
  return {
    median: round(median(finite), digits),
    min: round(Math.min(...finite), digits),
    max: round(Math.max(...finite), digits),
    n: finite.length,
  };
}

/**
 * One value per round from the runs of that round: `pick(get)` where `get(target)` is the run of
 * `target` in the round (or {} when it did not run). Rounds where the value is not finite are left out.
 * @param {Array<{ round: number, target: string }>} runs
 * @param {(get: (target: string) => Record<string, number>) => number} pick
 */
export function paired(runs, pick, digits = 2) {
  const rounds = [...new Set(runs.map((r) => r.round))].sort((a, b) => a - b);
  const values = rounds.map((r) =>
    pick((target) => runs.find((run) => run.round === r && run.target === target) ?? {}),
  );
  return spread(values, digits);
}

/** "1.23 (1.1–1.4, 5 rounds)": a median with its spread, for tables. */
export function withSpread(s, unit = "", what = "rounds") {
  if (!s) return "—";
  const range = s.n > 1 ? ` (${s.min}–${s.max}${unit}, ${s.n} ${what})` : ` (1 of ${what})`;
  return `${s.median}${unit}${range}`;
}

/** Per target: the median and spread over rounds of each figure a run reports, errors summed. */
export function targetSpreads(runs, fields = ["rps", "p50Ms", "p99Ms", "cpuUsPerRequest"]) {
  const out = {};
  for (const name of new Set(runs.map((run) => run.target))) {
    const mine = runs.filter((run) => run.target === name);
    out[name] = { errors: mine.reduce((sum, m) => sum + (m.errors ?? 0), 0) };
    // Milliseconds to the hundredth; requests a second and microseconds of CPU whole.
    for (const field of fields)
      out[name][field] = spread(
        mine.map((m) => m[field]),
        field.endsWith("Ms") ? 2 : 0,
      );
  }
  return out;
}
