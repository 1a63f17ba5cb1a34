import type { DataSource } from "../config";
import { type IndexRow, UPSERT_SEARCH_ROWS, searchRowsJson } from "./index-rows";
import { MAX_ROWS_PER_STEP, ROWS_PER_UPSERT, keepWhole } from "./step-rows";

/**
 * Indexes an archive stored before the search index existed (migrations/0008_search_index.sql),
 * a bounded slice of sounds per step (DESIGN.md "Bounded per request"): one read of the next
 * sounds' rows in clip-id order, one batch writing them and the cursor. The index's writes merge,
 * so a step may run beside the snapshot job or an import, and a step replayed after a failure
 * changes nothing.
 */

/** Sounds read per step: their whole histories, one row per region and spelling. */
export const BACKFILL_SOUNDS_PER_STEP = 200;
/** D1 queries one step costs at most: the cursor, the slice, the upserts and the cursor's update. */
export const BACKFILL_QUERIES_PER_STEP = 3 + MAX_ROWS_PER_STEP / ROWS_PER_UPSERT;

export interface BackfillStep {
  source: DataSource;
  sounds: number;
  done: boolean;
}

/** Sources whose index is still being built. */
export async function pendingBackfills(db: D1Database): Promise<DataSource[]> {
  const { results } = await db
    .prepare("SELECT source FROM search_backfill WHERE done = 0 ORDER BY source")
    .all<{ source: DataSource }>();
  return results.map((r) => r.source);
}

export async function backfillStep(
  db: D1Database,
  source: DataSource,
  size = BACKFILL_SOUNDS_PER_STEP,
): Promise<BackfillStep> {
  const cursor = await db
    .prepare("SELECT after_clip, done FROM search_backfill WHERE source = ?")
    .bind(source)
    .first<{ after_clip: string; done: number }>();
  if (!cursor || cursor.done) return { source, sounds: 0, done: true };
  const { results } = await db
    .prepare(
      `SELECT clip_id, region, title, author, MIN(rank) AS best, MIN(week) AS first, MAX(week) AS last
       FROM chart_entries
       WHERE source = ?1 AND clip_id IN (SELECT DISTINCT clip_id FROM chart_entries
                                         WHERE source = ?1 AND clip_id > ?2 ORDER BY clip_id LIMIT ?3)
       GROUP BY clip_id, region, title, author ORDER BY clip_id`,
    )
    .bind(source, cursor.after_clip, size)
    .all<{
      clip_id: string;
      region: string;
      title: string;
      author: string;
      best: number;
      first: string;
      last: string;
    }>();
  const rows: IndexRow[] = results.map((r) => ({
    clipId: r.clip_id,
    title: r.title,
    author: r.author,
    region: r.region,
    bestRank: r.best,
    firstWeek: r.first,
    lastWeek: r.last,
  }));
  const kept = keepWhole(rows);
  const clips = new Set(kept.map((r) => r.clipId));
  const last = kept.at(-1)?.clipId ?? cursor.after_clip;
  const done = kept.length === rows.length && new Set(rows.map((r) => r.clipId)).size < size;
  const upserts = [];
  for (let at = 0; at < kept.length; at += ROWS_PER_UPSERT)
    upserts.push(db.prepare(UPSERT_SEARCH_ROWS).bind(source, searchRowsJson(kept.slice(at, at + ROWS_PER_UPSERT))));
  await db.batch([
    ...upserts,
    db
      .prepare("UPDATE search_backfill SET after_clip = ?2, done = ?3 WHERE source = ?1")
      .bind(source, last, done ? 1 : 0),
  ]);
  return { source, sounds: clips.size, done };
}
