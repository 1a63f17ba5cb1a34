import type { DataSource } from "../config";
import { type RankedSnapshot, type Track, deriveContinued } from "../charts/derive";
import { BUMP_VERSION, CONFLICT_MARK, UPDATE_DERIVED, groupByWeek } from "./rows";

/**
 * Later weeks derived again after an earlier week was imported (migrations/0005): a bounded
 * slice of one region per step, whatever the length of its history (docs/weekly-archive.md "Bounded per
 * request"). A step reads the slice, the stored week before it and its sounds' tracks so far in
 * one batch, and writes the slice with the region's version in another: atomic, and refused when
 * the region changed in between (the next step reads again). The published logs are never
 * touched: a backfill never re-dates or withdraws an item.
 */
export const REDERIVE_WEEKS_PER_STEP = 20;
const STEP_READS = 5;
/** D1 queries one step costs at most: its read batch, then one statement per week plus two. */
export const REDERIVE_STEP_QUERIES = STEP_READS + REDERIVE_WEEKS_PER_STEP + 2;

export type StepResult = { weeks: number; done: boolean } | "conflict";

const AFTER = "(SELECT after_week FROM derive_pending WHERE source = ?1 AND region = ?2)";
const SLICE = `(SELECT week FROM snapshots WHERE source = ?1 AND region = ?2 AND week > ${AFTER} ORDER BY week LIMIT ?3)`;

export class Rederivation {
  private readonly db: D1Database;

  constructor(db: D1Database) {
    this.db = db;
  }

  /** Regions with later weeks still to derive again, every source: one query. */
  async pending(limit: number): Promise<{ source: DataSource; region: string }[]> {
    const { results } = await this.db
      .prepare("SELECT source, region FROM derive_pending ORDER BY source, region LIMIT ?")
      .bind(limit)
      .all<{ source: DataSource; region: string }>();
    return results;
  }

  async pendingCount(): Promise<number> {
    const row = await this.db.prepare("SELECT COUNT(*) AS n FROM derive_pending").first<{ n: number }>();
    return row?.n ?? 0;
  }

  /** Derives the next slice of the region's pending weeks; `done` once none is left. */
  async step(source: DataSource, region: string): Promise<StepResult> {
    const [stateRows, weekRows, sliceRows, lastRows, trackRows] = await this.db.batch<unknown>([
      this.db
        .prepare(
          `SELECT (SELECT version FROM region_versions WHERE source = ?1 AND region = ?2) AS version, ${AFTER} AS after`,
        )
        .bind(source, region),
      // One more than the slice: whether anything is left after it.
      this.db
        .prepare(
          `SELECT week FROM snapshots WHERE source = ?1 AND region = ?2 AND week > ${AFTER} ORDER BY week LIMIT ?3`,
        )
        .bind(source, region, REDERIVE_WEEKS_PER_STEP + 1),
      this.db
        .prepare(`SELECT week, clip_id, rank FROM chart_entries WHERE source = ?1 AND region = ?2 AND week IN ${SLICE}`)
        .bind(source, region, REDERIVE_WEEKS_PER_STEP),
      this.db
        .prepare(
          `SELECT week, clip_id, rank FROM chart_entries WHERE source = ?1 AND region = ?2
           AND week = (SELECT MAX(week) FROM snapshots WHERE source = ?1 AND region = ?2 AND week <= ${AFTER})`,
        )
        .bind(source, region),
      this.db
        .prepare(
          `SELECT clip_id, MIN(rank) AS peak, COUNT(*) AS weeks, MIN(week) AS first FROM chart_entries
           WHERE source = ?1 AND region = ?2 AND week <= ${AFTER}
             AND clip_id IN (SELECT clip_id FROM chart_entries WHERE source = ?1 AND region = ?2 AND week IN ${SLICE})
           GROUP BY clip_id`,
        )
        .bind(source, region, REDERIVE_WEEKS_PER_STEP),
    ]);
    const state = ((stateRows?.results ?? []) as { version: number | null; after: string | null }[])[0];
    if (!state?.after) return { weeks: 0, done: true };
    const weeks = ((weekRows?.results ?? []) as { week: string }[]).map((r) => r.week);
    const slice = weeks.slice(0, REDERIVE_WEEKS_PER_STEP);
    const lastRanks = (lastRows?.results ?? []) as { week: string; clip_id: string; rank: number }[];
    const last: RankedSnapshot | null = lastRanks[0] ? { week: lastRanks[0].week, entries: lastRanks } : null;
    const tracks = new Map(
      ((trackRows?.results ?? []) as { clip_id: string; peak: number; weeks: number; first: string }[]).map((t) => [
        t.clip_id,
        { peak: t.peak, weeksOnChart: t.weeks, firstWeek: t.first } satisfies Track,
      ]),
    );
    const derived = deriveContinued(
      { last, tracks },
      groupByWeek((sliceRows?.results ?? []) as { week: string; clip_id: string; rank: number }[]),
    );
    const more = weeks.length > slice.length;
    try {
      await this.db.batch([
        this.db.prepare(BUMP_VERSION).bind(source, region, (state.version ?? 0) + 1),
        ...[...derived].map(([week, entries]) =>
          this.db.prepare(UPDATE_DERIVED).bind(JSON.stringify(Object.fromEntries(entries)), source, region, week),
        ),
        more
          ? this.db
              .prepare("UPDATE derive_pending SET after_week = ?3 WHERE source = ?1 AND region = ?2")
              .bind(source, region, slice.at(-1))
          : this.db.prepare("DELETE FROM derive_pending WHERE source = ?1 AND region = ?2").bind(source, region),
      ]);
    } catch (error) {
      if (String(error).includes(CONFLICT_MARK)) return "conflict";
      throw error;
    }
    return { weeks: slice.length, done: !more };
  }
}
