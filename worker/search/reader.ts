import type { DataSource } from "../config";
import { FOLD_VERSION } from "./fold";
import { MAX_CANDIDATES, MAX_NAME_MATCHES, type MatchPlan, RESULTS_PER_PAGE } from "./query";
import type { SearchHit, SearchResults } from "./results";

export type { SearchHit, SearchResults } from "./results";

/**
 * Reads a page of search results: one batch of two queries whatever the archive's size (docs/weekly-archive.md
 * "Bounded per request"; a page past the last asks a third for the count). The sounds ranked are
 * the ones whose whole title or author is the query or starts with it, looked up in the names'
 * own index (migrations/0010_search_names.sql; up to MAX_NAME_MATCHES each, however old they are),
 * and the MAX_CANDIDATES + 1 newest-indexed of the source that the full-text index matches. Ranked:
 *   0 a whole title or author equals the query, 1 one starts with it, 2 every word is in a title,
 *   3 the words are spread over title and author;
 * then by how widely (regions) and how recently (last week) it charted, its best rank, its id.
 */
export const SEARCH_QUERIES = 2;

interface HitRow {
  clip_id: string;
  title: string;
  author: string;
  regions: string;
  best_rank: number;
  first_week: string;
  last_week: string;
  total: number;
}

const NL = "char(10)";

/**
 * The source's sounds a MATCH finds, newest-indexed first, at most `limit`: the index is walked in
 * rowid order and each match's row looked up by its key, until enough of this source's are found.
 * CROSS JOIN keeps that order of loops: otherwise SQLite may walk every sound of the source
 * through its index and probe the full-text index once for each, unbounded.
 */
const matches = (match: string, limit: string, source: string) =>
  `SELECT search_fts.rowid AS id FROM search_fts CROSS JOIN search_sounds m ON m.id = search_fts.rowid
   WHERE search_fts MATCH ${match} AND m.source = ${source} ORDER BY search_fts.rowid DESC LIMIT ${limit}`;

/**
 * Every parameter: ?1 the match, ?2 the match in titles, ?3 the full-text bound, ?4 the folded
 * query, ?5 the page's size, ?6 its offset, ?7 the source, ?8 the names' bound, ?9 and ?10 the
 * range of names that start with the query.
 */
const CANDIDATES = `
  whole AS (SELECT id FROM search_names WHERE source = ?7 AND name = ?4 LIMIT ?8),
  starts AS (SELECT id FROM search_names WHERE source = ?7 AND name > ?9 AND name < ?10 LIMIT ?8),
  hits AS (${matches("?1", "?3", "?7")}),
  candidates AS (SELECT id FROM whole UNION SELECT id FROM starts UNION SELECT id FROM hits)`;

const RESULTS = `
  WITH ${CANDIDATES},
       in_titles AS (${matches("?2", "?3", "?7")}),
       ranked AS (
         SELECT s.*, CASE
             WHEN instr(${NL} || s.titles || ${NL}, ${NL} || ?4 || ${NL}) > 0
               OR instr(${NL} || s.authors || ${NL}, ${NL} || ?4 || ${NL}) > 0 THEN 0
             WHEN instr(${NL} || s.titles, ${NL} || ?4) > 0 OR instr(${NL} || s.authors, ${NL} || ?4) > 0 THEN 1
             WHEN s.id IN (SELECT id FROM in_titles) THEN 2
             ELSE 3 END AS tier
         FROM candidates JOIN search_sounds s ON s.id = candidates.id)
  SELECT clip_id, title, author, regions, best_rank, first_week, last_week, COUNT(*) OVER () AS total
  FROM ranked ORDER BY tier, region_count DESC, last_week DESC, best_rank, clip_id LIMIT ?5 OFFSET ?6`;

export async function searchArchive(
  db: D1Database,
  source: DataSource,
  plan: MatchPlan,
  page: number,
): Promise<SearchResults> {
  const params = [
    plan.anywhere,
    plan.inTitles,
    MAX_CANDIDATES + 1,
    plan.folded,
    RESULTS_PER_PAGE,
    (page - 1) * RESULTS_PER_PAGE,
    source,
    MAX_NAME_MATCHES,
    plan.startsAfter,
    plan.startsBefore,
  ];
  const [results, backfill] = await db.batch<unknown>([
    db.prepare(RESULTS).bind(...params),
    db.prepare("SELECT done, fold FROM search_backfill WHERE source = ?").bind(source),
  ]);
  const rows = (results?.results ?? []) as HitRow[];
  const matched = rows[0]?.total ?? (page === 1 ? 0 : await countOnly());
  const cursor = ((backfill?.results ?? []) as { done: number; fold: number }[])[0];
  // Built, or folded again (FOLD_VERSION): until then some sounds are found only by their words.
  const indexing = cursor !== undefined && (cursor.done === 0 || cursor.fold < FOLD_VERSION);
  return {
    hits: rows.map(hitOf),
    total: Math.min(matched, MAX_CANDIDATES),
    truncated: matched > MAX_CANDIDATES,
    indexing,
  };

  // A page past the last has no rows to carry the count: ask for it alone.
  async function countOnly(): Promise<number> {
    // ?2, ?5 and ?6 are not used here: bound all the same, the statement's parameters run to ?10.
    const row = await db
      .prepare(`WITH ${CANDIDATES} SELECT COUNT(*) AS n FROM candidates`)
      .bind(...params)
      .first<{ n: number }>();
    return row?.n ?? 0;
  }
}

/** Whether the source's archive has this sound (a pasted clip id goes straight to its page), indexed yet or not. */
export async function hasSound(db: D1Database, source: DataSource, clipId: string): Promise<boolean> {
  const row = await db
    .prepare("SELECT 1 AS found FROM chart_entries WHERE source = ? AND clip_id = ? LIMIT 1")
    .bind(source, clipId)
    .first<{ found: number }>();
  return row !== null;
}

function hitOf(row: HitRow): SearchHit {
  return {
    clipId: row.clip_id,
    title: row.title,
    author: row.author,
    regions: row.regions.split(" ").filter(Boolean).sort(),
    bestRank: row.best_rank,
    firstWeek: row.first_week,
    lastWeek: row.last_week,
  };
}

/**
 * A pasted clip id's sound (null: the archive does not have it): its index row, or, while the
 * index is still being built, the same figures from its own chart rows (chart_entries_by_clip),
 * in one query either way.
 */
export async function soundByClip(db: D1Database, source: DataSource, clipId: string): Promise<SearchHit | null> {
  const newest = (column: string) =>
    `(SELECT ${column} FROM chart_entries WHERE source = ?1 AND clip_id = ?2 ORDER BY week DESC, title DESC, author DESC LIMIT 1)`;
  const row = await db
    .prepare(
      `SELECT clip_id, title, author, regions, best_rank, first_week, last_week FROM search_sounds
       WHERE source = ?1 AND clip_id = ?2
       UNION ALL
       SELECT ?2, ${newest("title")}, ${newest("author")}, replace(group_concat(DISTINCT region), ',', ' '),
              MIN(rank), MIN(week), MAX(week)
       FROM chart_entries WHERE source = ?1 AND clip_id = ?2
         AND NOT EXISTS (SELECT 1 FROM search_sounds WHERE source = ?1 AND clip_id = ?2)
       HAVING COUNT(*) > 0
       LIMIT 1`,
    )
    .bind(source, clipId)
    .first<HitRow>();
  return row ? hitOf(row) : null;
}
