import type { DataSource } from "../config";
import { FOLD_VERSION, foldForIndex } from "./fold";
import { type IndexRow, searchRowsJson, UPSERT_SEARCH_ROWS } from "./index-rows";
import { keepWhole, MAX_ROWS_PER_STEP, mergedText, ROWS_PER_UPSERT } from "./step-rows";

/**
 * Indexes an archive stored before the search index existed (migrations/0008_search_index.sql),
 * a bounded slice of sounds per step (docs/weekly-archive.md "Bounded per request"): one read of the next
 * sounds' rows in clip-id order, one batch writing them and the cursor. The index's writes merge,
 * so a step may run beside the snapshot job or an import, and a step replayed after a failure
 * changes nothing.
 *
 * The same steps fold an index again when the fold changes (FOLD_VERSION, migrations/0010_search_names.sql):
 * a cursor of an older fold starts over, and each sound's text is replaced by its spellings'
 * new folds — only if it is still what the step read: a store that added a spelling in between
 * keeps its line (and the merge adds the new folds), so a line is never lost, at worst an old
 * fold's line stays beside the new one.
 */

/** Sounds read per step: their whole histories, one row per region and spelling. */
export const BACKFILL_SOUNDS_PER_STEP = 200;
/** D1 queries one step costs at most: the cursor, the slice, the re-fold, the upserts and the cursor's update. */
export const BACKFILL_QUERIES_PER_STEP = 4 + MAX_ROWS_PER_STEP / ROWS_PER_UPSERT;

/** The text of the step's sounds that the index has already, replaced only where it is still what was read. */
const REFOLD_TEXT = `
  UPDATE search_sounds SET titles = r.value ->> 'ft', authors = r.value ->> 'fa', fold = ${FOLD_VERSION}
  FROM json_each(?2) r
  WHERE search_sounds.source = ?1 AND search_sounds.clip_id = r.value ->> 'c'
    AND search_sounds.titles = r.value ->> 'ot' AND search_sounds.authors = r.value ->> 'oa'`;

export interface BackfillStep {
  source: DataSource;
  sounds: number;
  done: boolean;
}

/** Sources whose index is still being built. */
export async function pendingBackfills(db: D1Database): Promise<DataSource[]> {
  const { results } = await db
    .prepare("SELECT source FROM search_backfill WHERE done = 0 OR fold < ? ORDER BY source")
    .bind(FOLD_VERSION)
    .all<{ source: DataSource }>();
  return results.map((r) => r.source);
}

export async function backfillStep(
  db: D1Database,
  source: DataSource,
  size = BACKFILL_SOUNDS_PER_STEP,
): Promise<BackfillStep> {
  const cursor = await db
    .prepare("SELECT after_clip, done, fold FROM search_backfill WHERE source = ?")
    .bind(source)
    .first<{ after_clip: string; done: number; fold: number }>();
  const refolding = cursor !== null && cursor.fold < FOLD_VERSION;
  if (!cursor || (cursor.done && !refolding)) return { source, sounds: 0, done: true };
  const after = refolding ? "" : cursor.after_clip;
  const { results } = await db
    .prepare(
      `SELECT e.clip_id, e.region, e.title, e.author, MIN(e.rank) AS best, MIN(e.week) AS first, MAX(e.week) AS last,
              s.titles AS old_titles, s.authors AS old_authors
       FROM chart_entries e LEFT JOIN search_sounds s ON s.source = ?1 AND s.clip_id = e.clip_id
       WHERE e.source = ?1 AND e.clip_id IN (SELECT DISTINCT clip_id FROM chart_entries
                                             WHERE source = ?1 AND clip_id > ?2 ORDER BY clip_id LIMIT ?3)
       GROUP BY e.clip_id, e.region, e.title, e.author ORDER BY e.clip_id`,
    )
    .bind(source, after, size)
    .all<SliceRow>();
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
  const last = kept.at(-1)?.clipId ?? after;
  const done = kept.length === rows.length && new Set(rows.map((r) => r.clipId)).size < size;
  const upserts = [];
  for (let at = 0; at < kept.length; at += ROWS_PER_UPSERT)
    upserts.push(db.prepare(UPSERT_SEARCH_ROWS).bind(source, searchRowsJson(kept.slice(at, at + ROWS_PER_UPSERT))));
  await db.batch([
    db.prepare(REFOLD_TEXT).bind(source, refoldJson(results.filter((r) => clips.has(r.clip_id)))),
    ...upserts,
    db
      .prepare("UPDATE search_backfill SET after_clip = ?2, done = ?3, fold = ?4 WHERE source = ?1")
      .bind(source, last, done ? 1 : 0, FOLD_VERSION),
  ]);
  return { source, sounds: clips.size, done };
}

interface SliceRow {
  clip_id: string;
  region: string;
  title: string;
  author: string;
  best: number;
  first: string;
  last: string;
  /** The sound's text in the index when the slice was read (null: not indexed yet). */
  old_titles: string | null;
  old_authors: string | null;
}

/** Each indexed sound's text as read, and as its spellings fold now: REFOLD_TEXT's one JSON parameter. */
function refoldJson(rows: readonly SliceRow[]): string {
  const sounds = new Map<string, SliceRow[]>();
  for (const row of rows)
    if (row.old_titles !== null) sounds.set(row.clip_id, [...(sounds.get(row.clip_id) ?? []), row]);
  return JSON.stringify(
    [...sounds].map(([clip, spellings]) => ({
      c: clip,
      ft: mergedText(spellings.map((s) => foldForIndex(s.title))),
      fa: mergedText(spellings.map((s) => foldForIndex(s.author))),
      ot: spellings[0]?.old_titles,
      oa: spellings[0]?.old_authors,
    })),
  );
}
