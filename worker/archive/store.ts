import { type Derived, debutsOf, deriveHistory } from "../charts/derive";
import { compareWeeks } from "../charts/iso-week";
import type { Chart } from "../charts/schema";
import type { Sound } from "../upstream/schema";
import { D1_MAX_ROW_BYTES } from "./limits";
import {
  type DerivedRow,
  INSERT_ENTRIES,
  INSERT_PUBLISHED,
  type PublishedItem,
  type SnapshotRow,
  type SoundWeek,
  type SoundWeekRow,
  UPDATE_DERIVED,
  derivedOf,
  groupByWeek,
  pick,
  publishedRow,
  toChart,
} from "./rows";

export type { PublishedItem, SoundWeek } from "./rows";

/**
 * The archive in D1: the one module that reads and writes it. Records are validated when read
 * back (a row that fails is a bug or corruption, reported, never served as a chart).
 */
export interface SnapshotInput {
  region: string;
  week: string;
  fetchedAt: number;
  source: "keyapi" | "demo";
  /** The upstream's rows, already validated and sanitised, rank order. */
  entries: Sound[];
}

export class ArchiveStore {
  constructor(private readonly db: D1Database) {}

  /** Regions whose history had started before `week` (only they can have a gap there). */
  async regionsArchivedBefore(week: string): Promise<Set<string>> {
    const { results } = await this.db
      .prepare("SELECT DISTINCT region FROM snapshots WHERE week < ?")
      .bind(week)
      .all<{ region: string }>();
    return new Set(results.map((r) => r.region));
  }

  async regionsWithSnapshot(week: string): Promise<Set<string>> {
    const { results } = await this.db
      .prepare("SELECT region FROM snapshots WHERE week = ?")
      .bind(week)
      .all<{ region: string }>();
    return new Set(results.map((r) => r.region));
  }

  /**
   * Stores one region-week and recomputes the region's history, in one atomic batch: the
   * snapshot, its derived entries, the later weeks it changes, and its debuts for the feeds.
   * Returns false when the week was already stored (nothing written).
   */
  async storeSnapshot(input: SnapshotInput, options: { publish?: boolean } = {}): Promise<boolean> {
    const entriesJson = JSON.stringify(input.entries);
    if (entriesJson.length > D1_MAX_ROW_BYTES)
      throw new Error(`snapshot ${input.region} ${input.week} is too large for one D1 row`);
    const { results: ranks } = await this.db
      .prepare("SELECT week, clip_id, rank FROM chart_entries WHERE region = ?")
      .bind(input.region)
      .all<{ week: string; clip_id: string; rank: number }>();
    if (ranks.some((r) => r.week === input.week)) return false;
    const history = deriveHistory(
      groupByWeek([...ranks, ...input.entries.map((e) => ({ week: input.week, clip_id: e.clip_id, rank: e.rank }))]),
    );
    const thisWeek = history.get(input.week) ?? new Map<string, Derived>();
    const rows = input.entries.map((e) => ({ ...pick(e), ...thisWeek.get(e.clip_id) }));
    // An import restores the published log from its own lines: it must not announce anything anew.
    const debuts = new Set(options.publish === false ? [] : debutsOf(thisWeek));
    const statements = [
      this.db
        .prepare(
          "INSERT INTO snapshots (region, week, fetched_at, source, entry_count, entries) VALUES (?, ?, ?, ?, ?, ?)",
        )
        .bind(input.region, input.week, input.fetchedAt, input.source, input.entries.length, entriesJson),
      this.db.prepare(INSERT_ENTRIES).bind(input.region, input.week, JSON.stringify(rows)),
      ...[...history.keys()]
        .filter((week) => compareWeeks(week, input.week) > 0)
        .map((week) =>
          this.db
            .prepare(UPDATE_DERIVED)
            .bind(JSON.stringify(Object.fromEntries(history.get(week) ?? [])), input.region, week),
        ),
      this.db
        .prepare(INSERT_PUBLISHED)
        .bind(
          input.region,
          input.week,
          input.fetchedAt,
          JSON.stringify(input.entries.filter((e) => debuts.has(e.clip_id)).map(publishedRow)),
        ),
    ];
    await this.db.batch(statements);
    return true;
  }

  async chart(region: string, week: string): Promise<Chart | null> {
    const snapshot = await this.db
      .prepare("SELECT region, week, fetched_at, source, entries FROM snapshots WHERE region = ? AND week = ?")
      .bind(region, week)
      .first<SnapshotRow>();
    if (!snapshot) return null;
    const { results } = await this.db
      .prepare(
        "SELECT clip_id, last_week, peak, weeks_on_chart, first_week, movement, change FROM chart_entries WHERE region = ? AND week = ?",
      )
      .bind(region, week)
      .all<DerivedRow>();
    return toChart(snapshot, results);
  }

  async weeks(region: string): Promise<{ week: string; fetchedAt: number; source: string; entryCount: number }[]> {
    const { results } = await this.db
      .prepare("SELECT week, fetched_at, source, entry_count FROM snapshots WHERE region = ? ORDER BY week DESC")
      .bind(region)
      .all<{ week: string; fetched_at: number; source: string; entry_count: number }>();
    return results.map((r) => ({ week: r.week, fetchedAt: r.fetched_at, source: r.source, entryCount: r.entry_count }));
  }

  async regionSummaries(): Promise<{ region: string; weeks: number; latestWeek: string; latestFetchedAt: number }[]> {
    const { results } = await this.db
      .prepare(
        `SELECT s.region, COUNT(*) AS weeks, MAX(s.week) AS latest_week,
           (SELECT fetched_at FROM snapshots l WHERE l.region = s.region ORDER BY l.week DESC LIMIT 1) AS latest_fetched_at
         FROM snapshots s GROUP BY s.region`,
      )
      .all<{ region: string; weeks: number; latest_week: string; latest_fetched_at: number }>();
    return results.map((r) => ({
      region: r.region,
      weeks: r.weeks,
      latestWeek: r.latest_week,
      latestFetchedAt: r.latest_fetched_at,
    }));
  }

  async newestFetchedAt(): Promise<number | null> {
    const row = await this.db
      .prepare("SELECT MAX(fetched_at) AS newest FROM snapshots")
      .first<{ newest: number | null }>();
    return row?.newest ?? null;
  }

  async soundHistory(clipId: string): Promise<SoundWeek[]> {
    const { results } = await this.db
      .prepare(
        `SELECT region, week, rank, title, author, last_week, peak, weeks_on_chart, first_week, movement, change
         FROM chart_entries WHERE clip_id = ? ORDER BY region, week`,
      )
      .bind(clipId)
      .all<SoundWeekRow>();
    return results.map((r) => ({
      region: r.region,
      week: r.week,
      rank: r.rank,
      title: r.title,
      author: r.author,
      ...derivedOf(r),
    }));
  }

  async debuts(region: string | null, limit: number): Promise<PublishedItem[]> {
    const where = region ? "WHERE region = ?" : "";
    const statement = this.db.prepare(
      `SELECT region, clip_id, week, first_seen, title, author, cover, rank FROM published_items ${where}
       ORDER BY first_seen DESC, week DESC, region, rank LIMIT ?`,
    );
    const { results } = await (region ? statement.bind(region, limit) : statement.bind(limit)).all<PublishedItem>();
    return results;
  }

  /**
   * Like snapshotPage, in two queries a page whatever its size (snapshotPage makes one per chart):
   * a streamed export of the whole archive stays under D1_MAX_QUERIES_PER_INVOCATION.
   */
  /** The published log, a page at a time, in key order: for the full dump. */
  async publishedPage(after: { region: string; clipId: string } | null, size: number): Promise<PublishedItem[]> {
    const { results } = await this.db
      .prepare(
        `SELECT region, clip_id, week, first_seen, title, author, cover, rank FROM published_items
         WHERE (region, clip_id) > (?, ?) ORDER BY region, clip_id LIMIT ?`,
      )
      .bind(after?.region ?? "", after?.clipId ?? "", size)
      .all<PublishedItem>();
    return results;
  }

  async allGaps(): Promise<{ region: string; week: string; recorded_at: number }[]> {
    const { results } = await this.db
      .prepare("SELECT region, week, recorded_at FROM gaps ORDER BY region, week")
      .all<{ region: string; week: string; recorded_at: number }>();
    return results;
  }

  /** Restores published items and gaps exactly as exported; rows already there are kept as they are. */
  async restoreLog(
    items: PublishedItem[],
    gaps: { region: string; week: string; recorded_at: number }[],
  ): Promise<number> {
    const statements = [
      ...(items.length
        ? [
            this.db
              .prepare(
                `INSERT OR IGNORE INTO published_items (region, clip_id, week, first_seen, title, author, cover, rank)
                 SELECT p.value ->> 'region', p.value ->> 'clip_id', p.value ->> 'week', p.value ->> 'first_seen',
                        p.value ->> 'title', p.value ->> 'author', p.value ->> 'cover', p.value ->> 'rank'
                 FROM json_each(?) AS p`,
              )
              .bind(JSON.stringify(items)),
          ]
        : []),
      ...(gaps.length
        ? [
            this.db
              .prepare(
                `INSERT OR IGNORE INTO gaps (region, week, recorded_at)
                 SELECT g.value ->> 'region', g.value ->> 'week', g.value ->> 'recorded_at' FROM json_each(?) AS g`,
              )
              .bind(JSON.stringify(gaps)),
          ]
        : []),
    ];
    if (statements.length === 0) return 0;
    const results = await this.db.batch(statements);
    return results.reduce((sum, r) => sum + (r.meta.changes ?? 0), 0);
  }

  /** Every chart of one week (for the R2 backup of a completed week): two queries. */
  async chartsOfWeek(week: string): Promise<Chart[]> {
    const { results } = await this.db
      .prepare("SELECT region, week, fetched_at, source, entries FROM snapshots WHERE week = ? ORDER BY region")
      .bind(week)
      .all<SnapshotRow>();
    const { results: derived } = await this.db
      .prepare(
        "SELECT region, clip_id, last_week, peak, weeks_on_chart, first_week, movement, change FROM chart_entries WHERE week = ?",
      )
      .bind(week)
      .all<DerivedRow & { region: string }>();
    return results.map((snapshot) =>
      toChart(
        snapshot,
        derived.filter((d) => d.region === snapshot.region),
      ),
    );
  }

  async exportPage(after: { region: string; week: string } | null, size: number): Promise<Chart[]> {
    const { results } = await this.db
      .prepare(
        `SELECT region, week, fetched_at, source, entries FROM snapshots
         WHERE (region, week) > (?, ?) ORDER BY region, week LIMIT ?`,
      )
      .bind(after?.region ?? "", after?.week ?? "", size)
      .all<SnapshotRow>();
    const first = results[0];
    const last = results.at(-1);
    if (!first || !last) return [];
    const { results: derived } = await this.db
      .prepare(
        `SELECT region, week, clip_id, last_week, peak, weeks_on_chart, first_week, movement, change FROM chart_entries
         WHERE (region, week) >= (?, ?) AND (region, week) <= (?, ?)`,
      )
      .bind(first.region, first.week, last.region, last.week)
      .all<DerivedRow & { region: string; week: string }>();
    const bySnapshot = new Map<string, DerivedRow[]>();
    for (const row of derived) {
      const key = `${row.region} ${row.week}`;
      const rows = bySnapshot.get(key) ?? [];
      rows.push(row);
      bySnapshot.set(key, rows);
    }
    return results.map((snapshot) => toChart(snapshot, bySnapshot.get(`${snapshot.region} ${snapshot.week}`) ?? []));
  }
}
