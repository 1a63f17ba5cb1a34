/**
 * The snapshot job's own bookkeeping in the archive database: gaps, runs, build-hook claims and
 * alert claims. Part of the archive module (worker/archive/), beside store.ts.
 */
export class JobLog {
  constructor(private readonly db: D1Database) {}

  async recordGaps(regions: string[], week: string, now: number): Promise<string[]> {
    if (regions.length === 0) return [];
    const { results } = await this.db
      .prepare(
        `INSERT OR IGNORE INTO gaps (region, week, recorded_at)
         SELECT value, ?, ? FROM json_each(?) WHERE value NOT IN (SELECT region FROM snapshots WHERE week = ?)
         RETURNING region`,
      )
      .bind(week, now, JSON.stringify(regions), week)
      .all<{ region: string }>();
    return results.map((r) => r.region);
  }

  async gaps(week: string): Promise<string[]> {
    const { results } = await this.db
      .prepare("SELECT region FROM gaps WHERE week = ? ORDER BY region")
      .bind(week)
      .all<{ region: string }>();
    return results.map((r) => r.region);
  }

  async recordRun(week: string, startedAt: number, finishedAt: number, ok: boolean, summary: unknown): Promise<void> {
    await this.db
      .prepare("INSERT INTO job_runs (week, started_at, finished_at, ok, summary) VALUES (?, ?, ?, ?, ?)")
      .bind(week, startedAt, finishedAt, ok ? 1 : 0, JSON.stringify(summary))
      .run();
  }

  async lastRun(): Promise<{
    week: string;
    startedAt: number;
    finishedAt: number;
    ok: boolean;
    summary: unknown;
  } | null> {
    const row = await this.db
      .prepare("SELECT week, started_at, finished_at, ok, summary FROM job_runs ORDER BY id DESC LIMIT 1")
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
        `INSERT INTO build_hooks (week, attempts, last_attempt_at) VALUES (?, 1, ?)
         ON CONFLICT (week) DO UPDATE SET attempts = attempts + 1, last_attempt_at = excluded.last_attempt_at
           WHERE done_at IS NULL AND (last_attempt_at IS NULL OR last_attempt_at < ?)
         RETURNING attempts`,
      )
      .bind(week, now, now - staleClaimMs)
      .first<{ attempts: number }>();
    return row?.attempts ?? null;
  }

  async finishBuildHook(week: string, now: number, error: string | null): Promise<void> {
    const sql =
      error === null
        ? "UPDATE build_hooks SET done_at = ?, last_error = NULL WHERE week = ?"
        : "UPDATE build_hooks SET last_error = ?, last_attempt_at = 0 WHERE week = ?";
    await this.db
      .prepare(sql)
      .bind(error === null ? now : error, week)
      .run();
  }

  async buildHook(week: string): Promise<{ attempts: number; doneAt: number | null; lastError: string | null } | null> {
    const row = await this.db
      .prepare("SELECT attempts, done_at, last_error FROM build_hooks WHERE week = ?")
      .bind(week)
      .first<{ attempts: number; done_at: number | null; last_error: string | null }>();
    return row ? { attempts: row.attempts, doneAt: row.done_at, lastError: row.last_error } : null;
  }

  /** True the first time a condition is raised on a UTC day: the caller sends the alert then. */
  async claimAlert(condition: string, day: string, now: number): Promise<boolean> {
    const result = await this.db
      .prepare("INSERT OR IGNORE INTO alerts (condition, day, sent_at) VALUES (?, ?, ?)")
      .bind(condition, day, now)
      .run();
    return result.meta.changes > 0;
  }
}
