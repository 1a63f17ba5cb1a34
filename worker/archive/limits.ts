/**
 * D1 platform limits (developers.cloudflare.com/d1/platform/limits), as named constants so the
 * code that must stay under them says so.
 */
/** Bound parameters per statement. Entries are passed as one JSON parameter, not one per field. */
export const D1_MAX_BOUND_PARAMETERS = 100;
/** Queries per Worker invocation on Workers Paid (50 on Free). The snapshot job budgets against it. */
export const D1_MAX_QUERIES_PER_INVOCATION = 1_000;
/** Maximum SQL statement length in bytes. */
export const D1_MAX_STATEMENT_BYTES = 100_000;
/** Maximum string/BLOB/row size: one snapshot's entries JSON must stay below it. */
export const D1_MAX_ROW_BYTES = 2_000_000;
/**
 * Our own ceiling on the D1 queries of one admin write request (an import batch, a follow-up
 * derivation): well under D1_MAX_QUERIES_PER_INVOCATION, whatever the archive's size.
 */
export const ADMIN_QUERY_BUDGET = 600;
