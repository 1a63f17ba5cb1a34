import type { DataSource } from "../config";
import { GLOBAL_COLUMNS, type GlobalPublishedItem, PUBLISHED_COLUMNS, type PublishedItem, globalItemOf } from "./rows";

export type { GlobalPublishedItem, PublishedItem } from "./rows";

/**
 * The published log of the configured source, read for the API and the feeds. Items are written
 * once, with the snapshot that debuted them (store.ts), and never changed by later backfills.
 */
export class PublishedLog {
  private readonly db: D1Database;
  readonly source: DataSource;

  constructor(db: D1Database, source: DataSource) {
    this.db = db;
    this.source = source;
  }

  /** Newest first: by when we first saw them, then week, region and rank for a stable order. */
  async debuts(region: string | null, limit: number): Promise<PublishedItem[]> {
    const statement = region
      ? this.db
          .prepare(
            `SELECT ${PUBLISHED_COLUMNS} FROM published_items WHERE source = ? AND region = ?
             ORDER BY first_seen DESC, week DESC, rank, clip_id LIMIT ?`,
          )
          .bind(this.source, region, limit)
      : this.db
          .prepare(
            `SELECT ${PUBLISHED_COLUMNS} FROM published_items WHERE source = ?
             ORDER BY first_seen DESC, week DESC, region, rank, clip_id LIMIT ?`,
          )
          .bind(this.source, limit);
    return (await statement.all<PublishedItem>()).results;
  }

  /** The all-regions log, newest first. */
  async globalDebuts(limit: number): Promise<GlobalPublishedItem[]> {
    const { results } = await this.db
      .prepare(
        `SELECT ${GLOBAL_COLUMNS} FROM published_global WHERE source = ?
         ORDER BY first_seen DESC, week DESC, rank, clip_id LIMIT ?`,
      )
      .bind(this.source, limit)
      .all<Omit<GlobalPublishedItem, "regions"> & { regions: string }>();
    return results.map(globalItemOf);
  }
}
