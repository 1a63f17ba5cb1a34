import type { DataSource } from "../config";
import { FOLD_VERSION, foldForIndex } from "./fold";

/**
 * The search index's writes (migrations/0008_search_index.sql): one upsert per batch of rows,
 * each row a sound seen in one region under one title and author, with its best rank and the
 * weeks it spans there. Every column merges as a set union, a MIN or a MAX, so the same rows
 * written twice, or in any order (a store, an import, the backfill), leave the same index.
 * A new row says which fold made its text (migrations/0010_search_names.sql); a merge leaves that
 * as it was, since the row's older lines keep theirs.
 */
export interface IndexRow {
  clipId: string;
  title: string;
  author: string;
  region: string;
  bestRank: number;
  firstWeek: string;
  lastWeek: string;
}

/** Statements ArchiveStore.writeStatements appends to a region-week's batch: always exactly one. */
export const SEARCH_INDEX_WRITE_QUERIES = 1;

const NL = "char(10)";
const hasLine = (lines: string, line: string) => `instr(${NL} || ${lines} || ${NL}, ${NL} || ${line} || ${NL}) > 0`;
const hasRegion = "instr(' ' || regions || ' ', ' ' || excluded.regions || ' ') > 0";

export const UPSERT_SEARCH_ROWS = `
  INSERT INTO search_sounds (source, clip_id, title, author, shown_week, titles, authors, regions, region_count,
                             best_rank, first_week, last_week, fold)
  SELECT ?1, r.value ->> 'c', r.value ->> 't', r.value ->> 'a', r.value ->> 'l', r.value ->> 'ft', r.value ->> 'fa',
         r.value ->> 'g', 1, r.value ->> 'r', r.value ->> 'f', r.value ->> 'l', ${FOLD_VERSION}
  FROM json_each(?2) r WHERE true
  ON CONFLICT (source, clip_id) DO UPDATE SET
    title = CASE WHEN (excluded.shown_week, excluded.title, excluded.author) > (shown_week, title, author)
                 THEN excluded.title ELSE title END,
    author = CASE WHEN (excluded.shown_week, excluded.title, excluded.author) > (shown_week, title, author)
                  THEN excluded.author ELSE author END,
    shown_week = MAX(shown_week, excluded.shown_week),
    titles = CASE WHEN ${hasLine("titles", "excluded.titles")} THEN titles ELSE titles || ${NL} || excluded.titles END,
    authors = CASE WHEN ${hasLine("authors", "excluded.authors")} THEN authors ELSE authors || ${NL} || excluded.authors END,
    regions = CASE WHEN ${hasRegion} THEN regions ELSE regions || ' ' || excluded.regions END,
    region_count = region_count + (NOT ${hasRegion}),
    best_rank = MIN(best_rank, excluded.best_rank),
    first_week = MIN(first_week, excluded.first_week),
    last_week = MAX(last_week, excluded.last_week)`;

/** The rows as the upsert's one JSON parameter (D1 binds at most 100 parameters a statement). */
export function searchRowsJson(rows: readonly IndexRow[]): string {
  return JSON.stringify(
    rows.map((r) => ({
      c: r.clipId,
      t: r.title,
      a: r.author,
      ft: foldForIndex(r.title),
      fa: foldForIndex(r.author),
      g: r.region,
      r: r.bestRank,
      f: r.firstWeek,
      l: r.lastWeek,
    })),
  );
}

/** What one stored region-week adds to the index. */
export function searchIndexStatements(
  db: D1Database,
  input: {
    source: DataSource;
    region: string;
    week: string;
    entries: readonly { clip_id: string; title: string; author: string; rank: number }[];
  },
): D1PreparedStatement[] {
  const rows = input.entries.map((e) => ({
    clipId: e.clip_id,
    title: e.title,
    author: e.author,
    region: input.region,
    bestRank: e.rank,
    firstWeek: input.week,
    lastWeek: input.week,
  }));
  return [db.prepare(UPSERT_SEARCH_ROWS).bind(input.source, searchRowsJson(rows))];
}
