import type { DataSource } from "../config";
import { MAX_CANDIDATES, type MatchPlan, RESULTS_PER_PAGE } from "./query";
import type { SearchHit, SearchResults } from "./results";

export type { SearchHit, SearchResults } from "./results";

/**
 * Reads a page of search results: one batch of two queries whatever the archive's size (DESIGN.md
 * "Bounded per request"; a page past the last asks a third for the count). The full-text index
 * yields at most MAX_CANDIDATES + 1 sounds of the source (newest-indexed first); only those are ranked:
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

const RESULTS = `
  WITH hits AS (${matches("?1", "?3", "?7")}),
       in_titles AS (${matches("?2", "?3", "?7")}),
       ranked AS (
         SELECT s.*, CASE
             WHEN instr(${NL} || s.titles || ${NL}, ${NL} || ?4 || ${NL}) > 0
               OR instr(${NL} || s.authors || ${NL}, ${NL} || ?4 || ${NL}) > 0 THEN 0
             WHEN instr(${NL} || s.titles, ${NL} || ?4) > 0 OR instr(${NL} || s.authors, ${NL} || ?4) > 0 THEN 1
             WHEN s.id IN (SELECT id FROM in_titles) THEN 2
             ELSE 3 END AS tier
         FROM hits JOIN search_sounds s ON s.id = hits.id)
  SELECT clip_id, title, author, regions, best_rank, first_week, last_week, COUNT(*) OVER () AS total
  FROM ranked ORDER BY tier, region_count DESC, last_week DESC, best_rank, clip_id LIMIT ?5 OFFSET ?6`;

export async function searchArchive(
  db: D1Database,
  source: DataSource,
  plan: MatchPlan,
  page: number,
): Promise<SearchResults> {
  const [results, backfill] = await db.batch<unknown>([
    db
      .prepare(RESULTS)
      .bind(
        plan.anywhere,
        plan.inTitles,
        MAX_CANDIDATES + 1,
        plan.folded,
        RESULTS_PER_PAGE,
        (page - 1) * RESULTS_PER_PAGE,
        source,
      ),
    db.prepare("SELECT done FROM search_backfill WHERE source = ?").bind(source),
  ]);
  const rows = (results?.results ?? []) as HitRow[];
  const matched = rows[0]?.total ?? (page === 1 ? 0 : await countOnly());
  const indexing = ((backfill?.results ?? []) as { done: number }[])[0]?.done === 0;
  return {
    hits: rows.map(hitOf),
    total: Math.min(matched, MAX_CANDIDATES),
    truncated: matched > MAX_CANDIDATES,
    indexing,
  };

  // A page past the last has no rows to carry the count: ask for it alone.
  async function countOnly(): Promise<number> {
    const row = await db
      .prepare(`SELECT COUNT(*) AS n FROM (${matches("?1", "?2", "?3")})`)
      .bind(plan.anywhere, MAX_CANDIDATES + 1, source)
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

/** A sound's own index row, for a pasted clip id (null: not indexed). */
export async function indexedSound(db: D1Database, source: DataSource, clipId: string): Promise<SearchHit | null> {
  const row = await db
    .prepare(
      `SELECT clip_id, title, author, regions, best_rank, first_week, last_week, 1 AS total FROM search_sounds
       WHERE source = ? AND clip_id = ?`,
    )
    .bind(source, clipId)
    .first<HitRow>();
  return row ? hitOf(row) : null;
}
