import { type PauseState, NO_PAUSE, type Pool, type SpendState, utcDay } from "./gate-policy";

/**
 * The gate's own SQLite storage (the only module that touches it): the latest good body per key,
 * the pause state, credits spent per period, the calls each client caused, and which copy each
 * key's KV write was last handed out for.
 * `sql.exec` is synchronous, so the gate's check-and-charge runs without interleaving.
 */
export class GateStore {
  private readonly sql: SqlStorage;

  constructor(sql: SqlStorage) {
    this.sql = sql;
    sql.exec(`
      CREATE TABLE IF NOT EXISTS answers (key TEXT PRIMARY KEY, fetched_at INTEGER NOT NULL, body TEXT NOT NULL);
      CREATE TABLE IF NOT EXISTS pause (id INTEGER PRIMARY KEY CHECK (id = 1), until INTEGER NOT NULL, reason TEXT, failures INTEGER NOT NULL);
      CREATE TABLE IF NOT EXISTS spend (pool TEXT NOT NULL, period TEXT NOT NULL, credits INTEGER NOT NULL, calls INTEGER NOT NULL, PRIMARY KEY (pool, period));
      CREATE TABLE IF NOT EXISTS client_calls (client TEXT NOT NULL, at INTEGER NOT NULL);
      CREATE INDEX IF NOT EXISTS client_calls_by_client ON client_calls (client, at);
      CREATE TABLE IF NOT EXISTS alerts (condition TEXT NOT NULL, day TEXT NOT NULL, PRIMARY KEY (condition, day));
      CREATE TABLE IF NOT EXISTS kv_claims (key TEXT PRIMARY KEY, fetched_at INTEGER NOT NULL, claimed_at INTEGER NOT NULL);
    `);
  }

  answer(key: string): { fetchedAt: number; body: string } | null {
    const row = this.sql
      .exec<{ fetched_at: number; body: string }>("SELECT fetched_at, body FROM answers WHERE key = ?", key)
      .toArray()[0];
    return row ? { fetchedAt: row.fetched_at, body: row.body } : null;
  }

  putAnswer(key: string, fetchedAt: number, body: string, pruneBefore: number): void {
    this.sql.exec("INSERT OR REPLACE INTO answers (key, fetched_at, body) VALUES (?, ?, ?)", key, fetchedAt, body);
    this.sql.exec("DELETE FROM answers WHERE fetched_at < ?", pruneBefore);
    this.sql.exec("DELETE FROM kv_claims WHERE fetched_at < ?", pruneBefore);
  }

  /**
   * Hands out the KV write of copy `fetchedAt` to one caller: true once per copy, and again only
   * after `retryAfterMs` (the writer may have failed). KV allows one write per second per key, so
   * 200 joiners of one call must not all write it.
   */
  claimKvWrite(key: string, fetchedAt: number, now: number, retryAfterMs: number): boolean {
    const written = this.sql.exec(
      `INSERT INTO kv_claims (key, fetched_at, claimed_at) VALUES (?, ?, ?)
       ON CONFLICT (key) DO UPDATE SET fetched_at = excluded.fetched_at, claimed_at = excluded.claimed_at
         WHERE kv_claims.fetched_at < excluded.fetched_at OR kv_claims.claimed_at <= ?`,
      key,
      fetchedAt,
      now,
      now - retryAfterMs,
    ).rowsWritten;
    return written > 0;
  }

  pause(): PauseState {
    const row = this.sql
      .exec<{ until: number; reason: string | null; failures: number }>(
        "SELECT until, reason, failures FROM pause WHERE id = 1",
      )
      .toArray()[0];
    if (!row) return NO_PAUSE;
    return { until: row.until, reason: row.reason as PauseState["reason"], failures: row.failures };
  }

  setPause(p: PauseState): void {
    this.sql.exec(
      "INSERT OR REPLACE INTO pause (id, until, reason, failures) VALUES (1, ?, ?, ?)",
      p.until,
      p.reason,
      p.failures,
    );
  }

  /** Spend of today's proxy pools, and of the snapshot reserve and probe allowance of chart week `reserveWeek`. */
  spend(now: number, reserveWeek: string): SpendState {
    const credits = (pool: string, period: string) =>
      this.sql
        .exec<{ credits: number }>("SELECT credits FROM spend WHERE pool = ? AND period = ?", pool, period)
        .toArray()[0]?.credits ?? 0;
    const day = utcDay(now);
    return {
      proxyToday: credits("proxy", day),
      searchToday: credits("search", day),
      snapshotThisWeek: credits("snapshot", reservePeriod(reserveWeek)),
      probesThisWeek: credits("probe", reservePeriod(reserveWeek)),
    };
  }

  /** Failed requests are charged too (the provider does not say otherwise): charge before calling. */
  charge(pool: Pool, isSearch: boolean, cost: number, now: number, reserveWeek: string): void {
    const add = (name: string, period: string) =>
      this.sql.exec(
        `INSERT INTO spend (pool, period, credits, calls) VALUES (?, ?, ?, 1)
         ON CONFLICT (pool, period) DO UPDATE SET credits = credits + excluded.credits, calls = calls + 1`,
        name,
        period,
        cost,
      );
    if (pool !== "proxy") return void add(pool, reservePeriod(reserveWeek));
    add("proxy", utcDay(now));
    if (isSearch) add("search", utcDay(now));
  }

  /** Totals per pool and period, newest first: for the admin status. */
  spendHistory(limit: number): { pool: string; period: string; credits: number; calls: number }[] {
    return this.sql
      .exec<{ pool: string; period: string; credits: number; calls: number }>(
        "SELECT pool, period, credits, calls FROM spend ORDER BY period DESC, pool LIMIT ?",
        limit,
      )
      .toArray();
  }

  /** True the first time `condition` is raised on the UTC day of `now`. */
  claimAlert(condition: string, now: number): boolean {
    return (
      this.sql.exec("INSERT OR IGNORE INTO alerts (condition, day) VALUES (?, ?)", condition, utcDay(now)).rowsWritten >
      0
    );
  }

  clientCalls(client: string, since: number): number[] {
    this.sql.exec("DELETE FROM client_calls WHERE at < ?", since);
    return this.sql
      .exec<{ at: number }>("SELECT at FROM client_calls WHERE client = ?", client)
      .toArray()
      .map((r) => r.at);
  }

  recordClientCall(client: string, now: number): void {
    this.sql.exec("INSERT INTO client_calls (client, at) VALUES (?, ?)", client, now);
  }
}

/** The snapshot reserve is per chart week (the week being snapshotted, whenever the run happens). */
function reservePeriod(week: string): string {
  return `week:${week}`;
}
