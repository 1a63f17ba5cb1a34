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

/** The value at rank p % of `sorted` (ascending). */
export const percentile = (sorted, p) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];

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

/**
 * Per-request cost of a paging, from each request's { ms, lines, rowsRead }: the spread of the
 * time (median, min, max over requests) with its p99, the median time of the first and of the
 * last tenth of the requests (a request that scans up to its cursor grows from one to the other),
 * and the D1 rows read (null when the Worker did not report them): the most a request, the total,
 * and the most per line returned.
 * @param {Array<{ ms: number, lines: number, rowsRead: number }>} perRequest
 */
export function requestCost(perRequest) {
  const ms = perRequest.map((r) => r.ms);
  const tenth = Math.max(1, Math.floor(ms.length / 10));
  const time = spread(ms, 1);
  const reported = perRequest.every((r) => Number.isFinite(r.rowsRead));
  return {
    msPerRequest: time && {
      ...time,
      p99: +percentile(
        [...ms].sort((a, b) => a - b),
        99,
      ).toFixed(1),
    },
    firstTenthMedianMs: spread(ms.slice(0, tenth), 1)?.median ?? null,
    lastTenthMedianMs: spread(ms.slice(-tenth), 1)?.median ?? null,
    rowsRead:
      reported && perRequest.length > 0
        ? {
            maxPerRequest: Math.max(...perRequest.map((r) => r.rowsRead)),
            total: perRequest.reduce((sum, r) => sum + r.rowsRead, 0),
            maxPerLine: Math.max(...perRequest.map((r) => r.rowsRead / Math.max(1, r.lines))),
          }
        : null,
  };
}
