import type { DataSource } from "../config";
import { type IsoWeek, nextWeek, weeksBetween } from "../charts/iso-week";

/**
 * The snapshot job's own bookkeeping in the archive database: gaps, attempts, runs, the run
 * lease, build-hook claims and alert claims. Part of the archive module (worker/archive/), beside
 * store.ts. Everything it records is per data source, like the snapshots it is about: a demo run
 * never claims a real week's hook or alert, and never stands in for the real source's last run.
 */
export class JobLog {
  private readonly db: D1Database;
  readonly source: DataSource;

  constructor(db: D1Database, source: DataSource) {
    this.db = db;
    this.source = source;
  }

  /**
   * Records a gap for every week up to `lastClosed` that a region missed since its first week
   * (of this source), however long ago: each region's history is checked from its last known week,
   * and scanned whole only when it has holes. Returns the new gaps by week.
   */
  async recordMissedWeeks(
    regions: readonly string[],
    lastClosed: IsoWeek,
    now: number,
  ): Promise<{ week: string; regions: string[] }[]> {
    const { results: extents } = await this.db
      .prepare(
        `SELECT region, MIN(week) AS first, MAX(week) AS latest, COUNT(*) AS known FROM (
           SELECT region, week FROM snapshots WHERE source = ?1 AND week <= ?2
           UNION SELECT region, week FROM gaps WHERE source = ?1 AND week <= ?2)
         GROUP BY region`,
      )
      .bind(this.source, lastClosed)
      .all<{ region: string; first: string; latest: string; known: number }>();
    const wanted = new Set(regions);
    const missing: { region: string; week: string }[] = [];
    for (const { region, first, latest, known } of extents) {
      if (!wanted.has(region)) continue;
      const hasHoles = known < weeksBetween(first, latest).length;
      const seen = hasHoles ? await this.knownWeeks(region, lastClosed) : null;
      const candidates = hasHoles ? weeksBetween(first, lastClosed) : weeksBetween(nextWeek(latest), lastClosed);
      for (const week of candidates) if (!seen?.has(week)) missing.push({ region, week });
    }
    if (missing.length === 0) return [];
    const { results } = await this.db
      .prepare(
        `INSERT OR IGNORE INTO gaps (source, region, week, recorded_at)
         SELECT ?1, g.value ->> 'region', g.value ->> 'week', ?2 FROM json_each(?3) AS g
         WHERE NOT EXISTS (SELECT 1 FROM snapshots s WHERE s.source = ?1 AND s.region = g.value ->> 'region'
                             AND s.week = g.value ->> 'week')
         RETURNING region, week`,
      )
      .bind(this.source, now, JSON.stringify(missing))
      .all<{ region: string; week: string }>();
    const byWeek = new Map<string, string[]>();
    for (const { region, week } of results) byWeek.set(week, [...(byWeek.get(week) ?? []), region]);
    return [...byWeek].sort(([a], [b]) => (a < b ? -1 : 1)).map(([week, rs]) => ({ week, regions: rs.sort() }));
  }

  private async knownWeeks(region: string, lastClosed: IsoWeek): Promise<Set<string>> {
    const { results } = await this.db
      .prepare(
        `SELECT week FROM snapshots WHERE source = ?1 AND region = ?2 AND week <= ?3
         UNION SELECT week FROM gaps WHERE source = ?1 AND region = ?2 AND week <= ?3`,
      )
      .bind(this.source, region, lastClosed)
      .all<{ week: string }>();
    return new Set(results.map((r) => r.week));
  }

  async gaps(week: string): Promise<string[]> {
    const { results } = await this.db
      .prepare("SELECT region FROM gaps WHERE source = ? AND week = ? ORDER BY region")
      .bind(this.source, week)
      .all<{ region: string }>();
    return results.map((r) => r.region);
  }

  /** Every gap of this source, by region (weeks oldest first): for /api/regions and the pages. */
  async gapsByRegion(): Promise<Map<string, string[]>> {
    const { results } = await this.db
      .prepare("SELECT region, week FROM gaps WHERE source = ? ORDER BY region, week")
      .bind(this.source)
      .all<{ region: string; week: string }>();
    const byRegion = new Map<string, string[]>();
    for (const { region, week } of results) byRegion.set(region, [...(byRegion.get(region) ?? []), week]);
    return byRegion;
  }

  /** Attempts per region at `week`'s snapshot (regions never tried this window are absent). */
  async attempts(week: string): Promise<Map<string, { attempts: number; lastAttemptAt: number }>> {
    const { results } = await this.db
      .prepare("SELECT region, attempts, last_attempt_at FROM snapshot_attempts WHERE source = ? AND week = ?")
      .bind(this.source, week)
      .all<{ region: string; attempts: number; last_attempt_at: number }>();
    return new Map(results.map((r) => [r.region, { attempts: r.attempts, lastAttemptAt: r.last_attempt_at }]));
  }

  async recordFailedAttempt(week: string, region: string, now: number, error: string): Promise<void> {
    await this.db
      .prepare(
        `INSERT INTO snapshot_attempts (source, week, region, attempts, last_attempt_at, last_error) VALUES (?, ?, ?, 1, ?, ?)
         ON CONFLICT (source, week, region) DO UPDATE SET attempts = attempts + 1,
           last_attempt_at = excluded.last_attempt_at, last_error = excluded.last_error`,
      )
      .bind(this.source, week, region, now, error.slice(0, 200))
      .run();
  }

  /** One run at a time: true when `holder` now holds the lease (free, expired, or already its own). */
  async acquireLease(holder: string, now: number, ttlMs: number): Promise<boolean> {
    const result = await this.db
      .prepare(
        `INSERT INTO job_lease (id, holder, expires_at) VALUES (1, ?1, ?2)
         ON CONFLICT (id) DO UPDATE SET holder = excluded.holder, expires_at = excluded.expires_at
           WHERE job_lease.expires_at <= ?3 OR job_lease.holder = ?1`,
      )
      .bind(holder, now + ttlMs, now)
      .run();
    return result.meta.changes > 0;
  }

  async releaseLease(holder: string): Promise<void> {
    await this.db.prepare("DELETE FROM job_lease WHERE holder = ?").bind(holder).run();
  }

  /**
   * Records a run as it starts: until `finishRun`, the row says the run is under way. A run that
   * died (killed mid-way, out of time) leaves such a row; the next run finds it (`diedRuns`).
   */
  async startRun(week: string, startedAt: number, runId: string): Promise<number> {
    const row = await this.db
      .prepare(
        `INSERT INTO job_runs (source, week, started_at, finished_at, ok, summary) VALUES (?, ?, ?, NULL, 0, ?)
         RETURNING id`,
      )
      .bind(this.source, week, startedAt, JSON.stringify({ runId, state: "running" }))
      .first<{ id: number }>();
    if (!row) throw new Error("job_runs: the insert returned no id");
    return row.id;
  }

  async finishRun(id: number, finishedAt: number, ok: boolean, summary: unknown): Promise<void> {
    await this.db
      .prepare("UPDATE job_runs SET finished_at = ?, ok = ?, summary = ? WHERE id = ?")
      .bind(finishedAt, ok ? 1 : 0, JSON.stringify(summary), id)
      .run();
  }

  /**
   * Runs of this source that started and never finished, other than `exceptId`: called by the
   * lease holder, so none of them can still be running. Each is closed as failed (`died`), and
   * returned once, for the alert.
   */
  async closeDiedRuns(exceptId: number, now: number): Promise<{ week: string; startedAt: number }[]> {
    const { results } = await this.db
      .prepare(
        `UPDATE job_runs SET finished_at = ?1, ok = 0,
           summary = json_set(summary, '$.state', 'died', '$.closedAt', ?1)
         WHERE source = ?2 AND finished_at IS NULL AND id != ?3
         RETURNING week, started_at`,
      )
      .bind(now, this.source, exceptId)
      .all<{ week: string; started_at: number }>();
    return results.map((r) => ({ week: r.week, startedAt: r.started_at }));
  }

  /** The newest finished run of this source (one that died counts, once the next run closed it). */
  async lastRun(): Promise<{
    week: string;
    startedAt: number;
    finishedAt: number;
    ok: boolean;
    summary: unknown;
  } | null> {
    const row = await this.db
      .prepare(
        `SELECT week, started_at, finished_at, ok, summary FROM job_runs
         WHERE source = ? AND finished_at IS NOT NULL ORDER BY id DESC LIMIT 1`,
      )
      .bind(this.source)
      .first<{ week: string; started_at: number; finished_at: number; ok: number; summary: string }>();
    if (!row) return null;
    return {
      week: row.week,
      startedAt: row.started_at,
      finishedAt: row.finished_at,
      ok: row.ok === 1,
      summary: JSON.parse(row.summary),
    };
  }

  /** Claims the build hook of a week for one attempt; null when it was already called (or claimed just now). */
  async claimBuildHook(week: string, now: number, staleClaimMs: number): Promise<number | null> {
    const row = await this.db
      .prepare(
        `INSERT INTO build_hooks (source, week, attempts, last_attempt_at) VALUES (?1, ?2, 1, ?3)
         ON CONFLICT (source, week) DO UPDATE SET attempts = attempts + 1, last_attempt_at = excluded.last_attempt_at
           WHERE done_at IS NULL AND (last_attempt_at IS NULL OR last_attempt_at < ?4)
         RETURNING attempts`,
      )
      .bind(this.source, week, now, now - staleClaimMs)
      .first<{ attempts: number }>();
    return row?.attempts ?? null;
  }

  async finishBuildHook(week: string, now: number, error: string | null): Promise<void> {
    const sql =
      error === null
        ? "UPDATE build_hooks SET done_at = ?1, last_error = NULL WHERE source = ?2 AND week = ?3"
        : "UPDATE build_hooks SET last_error = ?1, last_attempt_at = 0 WHERE source = ?2 AND week = ?3";
    await this.db
      .prepare(sql)
      .bind(error === null ? now : error, this.source, week)
      .run();
  }

  async buildHook(week: string): Promise<{ attempts: number; doneAt: number | null; lastError: string | null } | null> {
    const row = await this.db
      .prepare("SELECT attempts, done_at, last_error FROM build_hooks WHERE source = ? AND week = ?")
      .bind(this.source, week)
      .first<{ attempts: number; done_at: number | null; last_error: string | null }>();
    return row ? { attempts: row.attempts, doneAt: row.done_at, lastError: row.last_error } : null;
  }

  /** True the first time a condition is raised on a UTC day: the caller sends the alert then. */
  async claimAlert(condition: string, day: string, now: number): Promise<boolean> {
    const result = await this.db
      .prepare("INSERT OR IGNORE INTO alerts (source, condition, day, sent_at) VALUES (?, ?, ?, ?)")
      .bind(this.source, condition, day, now)
      .run();
    return result.meta.changes > 0;
  }
}
