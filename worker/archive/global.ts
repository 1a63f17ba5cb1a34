import type { DataSource } from "../config";
import { type GlobalTrack, type RegionalEntry, globalDerived, rankGlobal } from "../charts/global";
import { type IsoWeek, previousWeek } from "../charts/iso-week";
import type { GlobalChart, GlobalChartEntry } from "../schemas/global-chart";
import { tiktokSoundUrl } from "../charts/sound";
import {
  CLEAR_GLOBAL_DUE,
  DELETE_GLOBAL_RANKS,
  GLOBAL_WEEK_ENTRIES,
  INSERT_GLOBAL_RANKS,
  PUBLISH_GLOBAL_DEBUTS,
} from "./rows";

/**
 * The global chart of a source in D1 (docs/weekly-archive.md "The global chart"). Each week's ranking is kept
 * in `global_ranks`, rebuilt from the week's regional entries whenever some of them were stored
 * (once per job run, once per import request) and ranked by charts/global.ts, the code the site
 * build ranks with: D1 only stores the result. History is derived on read from those rows, a
 * bounded amount per request: one batch of five queries, whatever the archive's size.
 */
interface RankRow {
  clip_id: string;
  rank: number;
  points: number;
  regions: number;
  best_rank: number;
  number_ones: string;
  title: string;
  author: string;
  cover: string;
}

export class GlobalStore {
  private readonly db: D1Database;
  readonly source: DataSource;

  constructor(db: D1Database, source: DataSource) {
    this.db = db;
    this.source = source;
  }

  /**
   * Rebuilds the ranking of `week`: reads its regional entries (one query, at most a region count
   * × 100 rows), ranks them with rankGlobal, and stores the top 100 in one batch that also clears
   * the week's "due" mark (set by a trigger whenever one of its snapshots is written): four
   * queries. The batch writes only if the week's snapshots are still those that were read
   * (rows.ts GLOBAL_WEEK_STAMP); otherwise it writes nothing, the week stays due, and the next
   * rebuild ranks it.
   */
  async rebuild(week: IsoWeek): Promise<void> {
    const { results } = await this.db
      .prepare(GLOBAL_WEEK_ENTRIES)
      .bind(this.source, week)
      .all<{ stamp: string } & { [K in keyof RegionalEntry]: RegionalEntry[K] | null }>();
    const stamp = results[0]?.stamp ?? "0/0";
    const entries = results.filter((row): row is { stamp: string } & RegionalEntry => row.clip_id !== null);
    const ranked = JSON.stringify(rankGlobal(entries));
    await this.db.batch([
      this.db.prepare(DELETE_GLOBAL_RANKS).bind(this.source, week, stamp),
      this.db.prepare(INSERT_GLOBAL_RANKS).bind(this.source, week, stamp, ranked),
      this.db.prepare(CLEAR_GLOBAL_DUE).bind(this.source, week, stamp),
    ]);
  }

  /**
   * Writes the all-regions log's items of a complete week (rows.ts PUBLISH_GLOBAL_DEBUTS): one
   * query, idempotent, and never a change to an item already written. Returns how many were new.
   */
  async publishDebuts(week: IsoWeek): Promise<number> {
    const result = await this.db.prepare(PUBLISH_GLOBAL_DEBUTS).bind(this.source, week).run();
    return result.meta.changes ?? 0;
  }

  /**
   * Weeks whose snapshots changed since their ranking was last rebuilt, oldest first: what a run
   * that stored a region and died before rebuilding left behind.
   */
  async dueWeeks(): Promise<IsoWeek[]> {
    const { results } = await this.db
      .prepare("SELECT week FROM global_due WHERE source = ? ORDER BY week")
      .bind(this.source)
      .all<{ week: string }>();
    return results.map((r) => r.week);
  }

  /** Weeks with a global chart, newest first, with the number of regions that charted. */
  async weeks(): Promise<{ week: string; regions: number }[]> {
    const { results } = await this.db
      .prepare("SELECT week, COUNT(*) AS regions FROM snapshots WHERE source = ? GROUP BY week ORDER BY week DESC")
      .bind(this.source)
      .all<{ week: string; regions: number }>();
    return results;
  }

  async latestWeek(): Promise<string | null> {
    const row = await this.db
      .prepare("SELECT MAX(week) AS week FROM global_ranks WHERE source = ?")
      .bind(this.source)
      .first<{ week: string | null }>();
    return row?.week ?? null;
  }

  /** The global chart of `week`, or null when no region charted then; `regions` says which are missing. */
  async chart(week: IsoWeek, regions: readonly string[]): Promise<GlobalChart | null> {
    const last = previousWeek(week);
    const [ranks, before, tracks, first, charted] = await this.db.batch<unknown>([
      this.db
        .prepare(
          `SELECT clip_id, rank, points, regions, best_rank, number_ones, title, author, cover FROM global_ranks
           WHERE source = ? AND week = ? ORDER BY rank`,
        )
        .bind(this.source, week),
      this.db.prepare("SELECT clip_id, rank FROM global_ranks WHERE source = ? AND week = ?").bind(this.source, last),
      this.db
        .prepare(
          `SELECT clip_id, MIN(rank) AS peak, COUNT(*) AS weeks, MIN(week) AS first FROM global_ranks
           WHERE source = ?1 AND week <= ?2
             AND clip_id IN (SELECT clip_id FROM global_ranks WHERE source = ?1 AND week = ?2)
           GROUP BY clip_id`,
        )
        .bind(this.source, week),
      this.db.prepare("SELECT MIN(week) AS week FROM global_ranks WHERE source = ?").bind(this.source),
      this.db
        .prepare("SELECT region, fetched_at FROM snapshots WHERE source = ? AND week = ? ORDER BY region")
        .bind(this.source, week),
    ]);
    const rows = (ranks?.results ?? []) as RankRow[];
    if (rows.length === 0) return null;
    const firstWeek = ((first?.results ?? []) as { week: string }[])[0]?.week;
    const lastRanks = new Map(
      ((before?.results ?? []) as { clip_id: string; rank: number }[]).map((r) => [r.clip_id, r.rank]),
    );
    const previous = week === firstWeek ? null : lastRanks.size > 0 ? lastRanks : "gap";
    const trackOf = new Map(
      ((tracks?.results ?? []) as { clip_id: string; peak: number; weeks: number; first: string }[]).map((t) => [
        t.clip_id,
        { peak: t.peak, weeksOnChart: t.weeks, firstWeek: t.first } satisfies GlobalTrack,
      ]),
    );
    const snapshots = (charted?.results ?? []) as { region: string; fetched_at: number }[];
    const present = new Set(snapshots.map((s) => s.region));
    return {
      week,
      source: this.source,
      fetchedAt: new Date(Math.max(...snapshots.map((s) => s.fetched_at))).toISOString(),
      regionsCharted: present.size,
      missingRegions: regions.filter((r) => !present.has(r)),
      entries: rows.map((row): GlobalChartEntry => {
        const track = trackOf.get(row.clip_id) ?? { peak: row.rank, weeksOnChart: 1, firstWeek: week };
        return {
          rank: row.rank,
          clip_id: row.clip_id,
          title: row.title,
          author: row.author,
          cover: row.cover,
          link: tiktokSoundUrl(row.clip_id),
          points: row.points,
          regions: row.regions,
          numberOne: JSON.parse(row.number_ones) as string[],
          bestRank: row.best_rank,
          ...globalDerived(week, row.rank, track, previous, row.clip_id),
        };
      }),
    };
  }

  /** Every regional entry of `week` and the week before (for the spreading list): two weeks, bounded. */
  async regionalEntries(week: IsoWeek): Promise<{ current: RegionalEntry[]; previous: RegionalEntry[] }> {
    const last = previousWeek(week);
    const { results } = await this.db
      .prepare(
        `SELECT week, region, clip_id, rank, title, author, cover FROM chart_entries
         WHERE source = ? AND week IN (?, ?)`,
      )
      .bind(this.source, week, last)
      .all<RegionalEntry & { week: string }>();
    return {
      current: results.filter((r) => r.week === week),
      previous: results.filter((r) => r.week === last),
    };
  }
}
