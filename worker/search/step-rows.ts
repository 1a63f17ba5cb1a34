/** How much one backfill step writes (worker/search/backfill.ts): pure, no bindings. */

/**
 * Rows one upsert binds as its JSON value: a row is a few hundred bytes, so 1,000 stay well under
 * D1's 2 MB per value (D1_MAX_ROW_BYTES).
 */
export const ROWS_PER_UPSERT = 1_000;
/** Rows one step writes at most: a slice whose sounds charted everywhere is cut at a sound's end. */
export const MAX_ROWS_PER_STEP = 5 * ROWS_PER_UPSERT;

/**
 * The rows of the first sounds (in clip-id order) that fit in `max`, never half a sound's — and at
 * least the first sound's, whatever its size (that would take 71 regions × 70 spellings of one sound).
 */
export function keepWhole<T extends { clipId: string }>(rows: readonly T[], max = MAX_ROWS_PER_STEP): T[] {
  if (rows.length <= max) return [...rows];
  let end = max;
  while (end > 0 && rows[end]?.clipId === rows[end - 1]?.clipId) end--;
  if (end === 0) while (end < rows.length && rows[end]?.clipId === rows[0]?.clipId) end++;
  return rows.slice(0, end);
}

/**
 * A sound's folded text from its spellings' folds, merged as the index's upsert merges a new one
 * (worker/search/index-rows.ts): a spelling's lines are appended unless they are there already, whole.
 */
export function mergedText(folds: readonly string[]): string {
  let text: string | undefined;
  for (const fold of folds)
    if (text === undefined) text = fold;
    else if (!`\n${text}\n`.includes(`\n${fold}\n`)) text = `${text}\n${fold}`;
  return text ?? "";
}
