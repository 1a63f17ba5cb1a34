import type { DataSource } from "../config";

/**
 * Which sounds have a page (docs/site.md "Sound pages … for every sound ever charted"), for the sound
 * sitemaps: every clip id on an archived chart of the source, in clip id order. One query a
 * request, read through the covering index chart_entries_by_clip (source, clip_id, …): no table
 * row is touched and no sort is needed. The rows it reads grow with the file number asked for
 * (OFFSET walks the index from the start: measured in SQLite at ≈ 0.5 s for a million entries),
 * never with anything a client controls beyond that number; the answers are edge-cached until
 * the next snapshot.
 */
export class SoundSitemapRead {
  private readonly db: D1Database;
  readonly source: DataSource;

  constructor(db: D1Database, source: DataSource) {
    this.db = db;
    this.source = source;
  }

  /** How many distinct sounds have charted. */
  async soundCount(): Promise<number> {
    const row = await this.db
      .prepare("SELECT COUNT(DISTINCT clip_id) AS sounds FROM chart_entries WHERE source = ?1")
      .bind(this.source)
      .first<{ sounds: number }>();
    return row?.sounds ?? 0;
  }

  /** The clip ids of page `page` (from 1) of `size`, in clip id order. */
  async clipIds(page: number, size: number): Promise<string[]> {
    const { results } = await this.db
      .prepare(
        `SELECT DISTINCT clip_id FROM chart_entries WHERE source = ?1
         ORDER BY clip_id LIMIT ?2 OFFSET ?3`,
      )
      .bind(this.source, size, (page - 1) * size)
      .all<{ clip_id: string }>();
    return results.map((row) => row.clip_id);
  }
}
