// Verdicts on the archive at ten years (bench/sections/archive10y.mjs): D1 queries, time and rows
// read per request of `/api/export` and the admin dump, the database's size, the derived history.
// A query count alone passed while each export request scanned the whole table (1.2 s each): a
// request is judged by what it cost too, and by whether that grows with its place in the archive.
import { withSpread } from "./stats.mjs";

/** D1 queries a paged request may cost however long the archive (docs/weekly-archive.md "Bounded per request"). */
export const MAX_QUERIES_PER_REQUEST = 2;
/**
 * A paged request's p99 time to its last byte, locally. A page is ≤ 2.1 MB of JSON lines (20
 * charts); at ten years the pages took ≈ 0.1 s each, a whole-table scan took 1.2 s each.
 */
export const MAX_MS_PER_REQUEST_P99 = 500;
/** The last tenth of the requests against the first, median time: a scan up to the cursor grows linearly. */
export const MAX_LATE_OVER_EARLY = 2;
/**
 * D1 rows read per line returned: an export line is one chart (its ≤ 100 entries and its snapshot,
 * ≈ 101 rows through an index), a dump line one record; a scan of the ten-year table reads ≈ 3.7 M
 * rows for a 20-line page (≈ 185,000 a line).
 */
export const MAX_ROWS_READ_PER_LINE = 200;

const PAGINGS = [
  ["export", "`/api/export`"],
  ["dump", "admin dump"],
];

/** Verdict rows for the bench's goal table (bench/lib/goals.mjs `evaluate`). */
export function archive10yGoals(r, row) {
  const size = `${r.weeksSeeded} weeks × 71 regions${r.complete ? "" : ` (of ${r.weeks})`}`;
  const queries = [r.export, r.dump].filter(Boolean).map((p) => p.maxQueriesPerRequest);
  return [
    row(
      "archive10y",
      `export and dump: D1 queries per request bounded however long the archive (≤ ${MAX_QUERIES_PER_REQUEST})`,
      `${size}: at most ${Math.max(...queries)} a request`,
      queries.length === 2 && Math.max(...queries) <= MAX_QUERIES_PER_REQUEST,
    ),
    ...PAGINGS.flatMap(([key, label]) => perRequestGoals(r[key], label, row)),
    row(
      "archive10y",
      "ten years of archive fit in D1's 10 GB",
      `${(r.d1.bytesPerYear / 1e6).toFixed(0)} MB a year → ${r.d1.yearsIn10GB} years${r.d1.extrapolated ? " (extrapolated)" : ""}`,
      r.d1.yearsIn10GB >= 10,
    ),
    ...(r.derivation
      ? [
          row(
            "archive10y",
            "every stored derived field equals deriveHistory over the stored ranks",
            `${r.derivation.mismatches} of ${r.derivation.entries} entries differ`,
            r.derivation.mismatches === 0,
          ),
        ]
      : []),
  ];
}

/** Time and rows read per request of one paging, beside its query count. */
function perRequestGoals(p, label, row) {
  const time = p?.msPerRequest;
  const early = p?.firstTenthMedianMs;
  const late = p?.lastTenthMedianMs;
  const growth = early > 0 && Number.isFinite(late) ? +(late / early).toFixed(2) : null;
  const rows = p?.rowsRead;
  const requests = p ? `${p.requests} requests` : "not measured";
  return [
    row(
      "archive10y",
      `${label}: time per request p99 ≤ ${MAX_MS_PER_REQUEST_P99} ms, the last tenth's median ≤ ${MAX_LATE_OVER_EARLY} × the first tenth's (not growing with the cursor)`,
      time
        ? `${withSpread(time, " ms", "requests")}, p99 ${time.p99} ms; first tenth ${early} ms, last tenth ${late} ms (× ${growth})`
        : `${requests}: no per-request times`,
      Boolean(time) && time.p99 <= MAX_MS_PER_REQUEST_P99 && growth !== null && growth <= MAX_LATE_OVER_EARLY,
    ),
    row(
      "archive10y",
      `${label}: D1 rows read ≤ ${MAX_ROWS_READ_PER_LINE} per line returned (no scan of the archive)`,
      rows
        ? `at most ${Math.round(rows.maxPerLine)} a line, ${rows.maxPerRequest.toLocaleString("en")} in one request, ${rows.total.toLocaleString("en")} in all (${requests})`
        : `${requests}: not reported — the Worker's Server-Timing has no rows_read (D1 meta.rows_read, summed per request)`,
      Boolean(rows) && rows.maxPerLine <= MAX_ROWS_READ_PER_LINE,
    ),
  ];
}
