import type { Chart } from "../charts/schema";
import {
  DERIVED_COLUMNS,
  type DerivedRow,
  GLOBAL_COLUMNS,
  type GapRow,
  type GlobalPublishedItem,
  PUBLISHED_COLUMNS,
  type PublishedItem,
  SNAPSHOT_COLUMNS,
  type SnapshotRow,
  globalItemOf,
  toChart,
} from "./rows";

/**
 * The whole archive, every source, a bounded page at a time (docs/weekly-archive.md "Bounded per request"):
 * for the public export and the operator's dump and restore. Each page is one or two queries,
 * whatever the archive's size; the caller hands back the last key it got to read on.
 */
export class ArchiveDump {
  private readonly db: D1Database;

  constructor(db: D1Database) {
    this.db = db;
  }

  /**
   * Charts after `after` in (source, region, week) order, the snapshots' primary key: two queries
   * in one batch, each a seek on that key and then one lookup a chart. (Ordered by region first,
   * the page could not seek: every request read the whole table and all its entries, 3.7 million
   * rows at ten years, `npm run bench -- --only archive10y`.)
   */
  async chartsPage(after: { region: string; week: string; source: string } | null, size: number): Promise<Chart[]> {
    const page = `SELECT source, region, week FROM snapshots WHERE (source, region, week) > (?1, ?2, ?3)
      ORDER BY source, region, week LIMIT ?4`;
    const keys = [after?.source ?? "", after?.region ?? "", after?.week ?? "", size];
    const [snapshots, derived] = await this.db.batch<unknown>([
      this.db
        .prepare(
          `SELECT ${SNAPSHOT_COLUMNS} FROM snapshots WHERE (source, region, week) IN (${page}) ORDER BY source, region, week`,
        )
        .bind(...keys),
      this.db
        .prepare(
          `SELECT source, region, week, ${DERIVED_COLUMNS} FROM chart_entries WHERE (source, region, week) IN (${page})`,
        )
        .bind(...keys),
    ]);
    const grouped = new Map<string, DerivedRow[]>();
    for (const row of (derived?.results ?? []) as (DerivedRow & { source: string; region: string; week: string })[]) {
      const key = `${row.source} ${row.region} ${row.week}`;
      const list = grouped.get(key) ?? [];
      list.push(row);
      grouped.set(key, list);
    }
    return ((snapshots?.results ?? []) as SnapshotRow[]).map((s) =>
      toChart(s, grouped.get(`${s.source} ${s.region} ${s.week}`) ?? []),
    );
  }

  async publishedPage(
    after: { source: string; region: string; clipId: string } | null,
    size: number,
  ): Promise<PublishedItem[]> {
    const { results } = await this.db
      .prepare(
        `SELECT ${PUBLISHED_COLUMNS} FROM published_items WHERE (source, region, clip_id) > (?, ?, ?)
         ORDER BY source, region, clip_id LIMIT ?`,
      )
      .bind(after?.source ?? "", after?.region ?? "", after?.clipId ?? "", size)
      .all<PublishedItem>();
    return results;
  }

  async globalPage(after: { source: string; clipId: string } | null, size: number): Promise<GlobalPublishedItem[]> {
    const { results } = await this.db
      .prepare(
        `SELECT ${GLOBAL_COLUMNS} FROM published_global WHERE (source, clip_id) > (?, ?)
         ORDER BY source, clip_id LIMIT ?`,
      )
      .bind(after?.source ?? "", after?.clipId ?? "", size)
      .all<Omit<GlobalPublishedItem, "regions"> & { regions: string }>();
    return results.map(globalItemOf);
  }

  async gapsPage(after: { source: string; region: string; week: string } | null, size: number): Promise<GapRow[]> {
    const { results } = await this.db
      .prepare(
        `SELECT source, region, week, recorded_at FROM gaps WHERE (source, region, week) > (?, ?, ?)
         ORDER BY source, region, week LIMIT ?`,
      )
      .bind(after?.source ?? "", after?.region ?? "", after?.week ?? "", size)
      .all<GapRow>();
    return results;
  }

  /**
   * Restores log rows exactly as exported, in one atomic batch; rows already there are kept as
   * they are (the log is frozen). Each kind is bound as one JSON value: the caller keeps a batch
   * under D1's 2 MB per value.
   */
  async restoreLog(items: PublishedItem[], globals: GlobalPublishedItem[], gaps: GapRow[]): Promise<number> {
    const statements = [
      items.length > 0 &&
        this.db
          .prepare(
            `INSERT OR IGNORE INTO published_items (${PUBLISHED_COLUMNS})
             SELECT p.value ->> 'source', p.value ->> 'region', p.value ->> 'clip_id', p.value ->> 'week',
                    p.value ->> 'first_seen', p.value ->> 'title', p.value ->> 'author', p.value ->> 'cover', p.value ->> 'rank'
             FROM json_each(?) AS p`,
          )
          .bind(JSON.stringify(items)),
      globals.length > 0 &&
        this.db
          .prepare(
            `INSERT OR IGNORE INTO published_global (${GLOBAL_COLUMNS})
             SELECT g.value ->> 'source', g.value ->> 'clip_id', g.value ->> 'week', g.value ->> 'first_seen',
                    g.value ->> 'title', g.value ->> 'author', g.value ->> 'cover', g.value ->> 'rank', g.value ->> 'points',
                    g.value ->> 'regions'
             FROM json_each(?) AS g`,
          )
          .bind(JSON.stringify(globals.map((g) => ({ ...g, regions: JSON.stringify(g.regions) })))),
      gaps.length > 0 &&
        this.db
          .prepare(
            `INSERT OR IGNORE INTO gaps (source, region, week, recorded_at)
             SELECT g.value ->> 'source', g.value ->> 'region', g.value ->> 'week', g.value ->> 'recorded_at'
             FROM json_each(?) AS g
             WHERE NOT EXISTS (SELECT 1 FROM snapshots s
                               WHERE s.source = g.value ->> 'source' AND s.region = g.value ->> 'region'
                                 AND s.week = g.value ->> 'week')`,
          )
          .bind(JSON.stringify(gaps)),
    ].filter((s): s is D1PreparedStatement => s !== false);
    if (statements.length === 0) return 0;
    const results = await this.db.batch(statements);
    return results.reduce((sum, r) => sum + (r.meta.changes ?? 0), 0);
  }
}
