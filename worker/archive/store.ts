import { type DerivedWeek, debutsOf, deriveAppended } from "../charts/derive";
import { previousWeek } from "../charts/iso-week";
import type { Chart } from "../charts/schema";
import type { Sound } from "../charts/sound";
import type { DataSource } from "../config";
import { SEARCH_INDEX_WRITE_QUERIES, searchIndexStatements } from "../search/index-rows";
import { D1_MAX_ROW_BYTES } from "./limits";
import { Rederivation } from "./rederive";
import {
  BUMP_VERSION,
  CONFLICT_MARK,
  DERIVED_COLUMNS,
  type DerivedRow,
  derivedBySnapshot,
  derivedOf,
  INSERT_ENTRIES,
  INSERT_PUBLISHED,
  MARK_LATER_PENDING,
  pick,
  publishedRow,
  REGION_CHANGES,
  type RegionChanges,
  regionChangesOf,
  type SiteChart,
  SNAPSHOT_COLUMNS,
  type SnapshotRow,
  type SoundWeek,
  type SoundWeekRow,
  toChart,
  toSiteChart,
  utf8Bytes,
} from "./rows";
import type { ArchiveWeek } from "./site-age";

export type { SoundWeek } from "./rows";

/**
 * The archive's charts in D1 (with published.ts, dump.ts and job-log.ts, the one module that
 * touches D1). A store is opened for the configured data source: everything it reads is that
 * source's alone (docs/weekly-archive.md "One visible source"); what it writes carries the source it came from.
 * Records are validated when read back (a row that fails is a bug or corruption, reported, never
 * served as a chart).
 */
export interface SnapshotInput {
  region: string;
  week: string;
  fetchedAt: number;
  source: DataSource;
  /** The upstream's rows, already validated and sanitised, rank order. */
  entries: Sound[];
}

/** A write that lost the race for its region is derived again from what is there now. */
interface DeriveResult {
  version: number;
  thisWeek: DerivedWeek;
  /** Weeks of the region are stored after this one (a backfill): their history changes too. */
  later: boolean;
}

const MAX_DERIVE_ATTEMPTS = 3;
/** readForDerive's batch. */
const READ_QUERIES = 4;
/**
 * writeStatements: the version, snapshot, entries, gap and pending mark, and the search index's
 * rows (worker/search); with publishing, the region's log.
 */
const WRITE_QUERIES = 5 + SEARCH_INDEX_WRITE_QUERIES;
const PUBLISH_QUERIES = 1;

/**
 * D1 queries one storeSnapshot call costs at most with `deferLater`, every attempt included,
 * whatever the length of the region's history.
 */
export function storeQueriesAtMost(publish: boolean): number {
  return MAX_DERIVE_ATTEMPTS * (READ_QUERIES + WRITE_QUERIES + (publish ? PUBLISH_QUERIES : 0));
}

export class ArchiveStore {
  private readonly db: D1Database;
  readonly source: DataSource;

  constructor(db: D1Database, source: DataSource) {
    this.db = db;
    this.source = source;
  }

  async regionsWithSnapshot(week: string): Promise<Set<string>> {
    const { results } = await this.db
      .prepare("SELECT region FROM snapshots WHERE source = ? AND week = ?")
      .bind(this.source, week)
      .all<{ region: string }>();
    return new Set(results.map((r) => r.region));
  }

  /**
   * Stores one region-week (of the input's source) in one atomic batch: the snapshot, its derived
   * entries, its debuts for the feeds, and the region's version. Returns false when the week was
   * already stored (nothing written). The batch fails if the region changed since it was read (a
   * concurrent import): then it derives again. A week stored before others (a backfill) marks the
   * later weeks to be derived again (rederive.ts), then derives them here a slice at a time —
   * unless `deferLater`: an import leaves them to its bounded follow-up requests.
   */
  async storeSnapshot(
    input: SnapshotInput,
    options: { publish?: boolean; deferLater?: boolean } = {},
  ): Promise<boolean> {
    const entriesJson = JSON.stringify(input.entries);
    if (utf8Bytes(entriesJson) > D1_MAX_ROW_BYTES)
      throw new Error(`snapshot ${input.region} ${input.week} is too large for one D1 row`);
    for (let attempt = 1; ; attempt++) {
      const read = await this.readForDerive(input);
      if (read === "stored") return false;
      try {
        await this.db.batch(this.writeStatements(input, entriesJson, read, options.publish !== false));
      } catch (error) {
        if (!String(error).includes(CONFLICT_MARK) || attempt >= MAX_DERIVE_ATTEMPTS) throw error;
        continue;
      }
      if (read.later && !options.deferLater) await this.deriveLater(input.region);
      return true;
    }
  }

  /** Derives the region's pending later weeks to the end, a bounded slice per batch. */
  private async deriveLater(region: string): Promise<void> {
    const later = new Rederivation(this.db);
    for (let conflicts = 0; ; ) {
      const step = await later.step(this.source, region);
      if (step === "conflict") {
        if (++conflicts >= MAX_DERIVE_ATTEMPTS) throw new Error(`${region}: later weeks kept changing while derived`);
      } else if (step.done) return;
    }
  }

  /**
   * What the region's history says about the week to store, read in one consistent batch: the
   * week before's ranks and each sound's track over the weeks before it — bounded, however long
   * the history, and the same whether the week comes after every stored one or before some.
   */
  private async readForDerive(input: SnapshotInput): Promise<"stored" | DeriveResult> {
    const { source, region, week } = input;
    const clips = JSON.stringify(input.entries.map((e) => e.clip_id));
    const [versionRows, extentRows, beforeRows, trackRows] = await this.db.batch<unknown>([
      this.db.prepare("SELECT version FROM region_versions WHERE source = ? AND region = ?").bind(source, region),
      this.db
        .prepare(
          `SELECT COUNT(*) FILTER (WHERE week > ?3) AS after, COUNT(*) FILTER (WHERE week = ?3) AS here,
             COUNT(*) FILTER (WHERE week < ?3) AS before FROM snapshots WHERE source = ?1 AND region = ?2`,
        )
        .bind(source, region, week),
      this.db
        .prepare("SELECT clip_id, rank FROM chart_entries WHERE source = ? AND region = ? AND week = ?")
        .bind(source, region, previousWeek(week)),
      this.db
        .prepare(
          `SELECT clip_id, MIN(rank) AS peak, COUNT(*) AS weeks, MIN(week) AS first FROM chart_entries
           WHERE source = ? AND region = ? AND week < ? AND clip_id IN (SELECT value FROM json_each(?)) GROUP BY clip_id`,
        )
        .bind(source, region, week, clips),
    ]);
    const version = ((versionRows?.results ?? []) as { version: number }[])[0]?.version ?? 0;
    const extent = ((extentRows?.results ?? []) as { after: number; here: number; before: number }[])[0];
    if ((extent?.here ?? 0) > 0) return "stored";
    const ranked = input.entries.map((e) => ({ clip_id: e.clip_id, rank: e.rank }));
    const before = (beforeRows?.results ?? []) as { clip_id: string; rank: number }[];
    const previous =
      (extent?.before ?? 0) === 0 ? null : before.length > 0 ? new Map(before.map((r) => [r.clip_id, r.rank])) : "gap";
    const tracks = new Map(
      ((trackRows?.results ?? []) as { clip_id: string; peak: number; weeks: number; first: string }[]).map((t) => [
        t.clip_id,
        { peak: t.peak, weeksOnChart: t.weeks, firstWeek: t.first },
      ]),
    );
    return {
      version,
      thisWeek: deriveAppended(week, ranked, previous, tracks),
      later: (extent?.after ?? 0) > 0,
    };
  }

  private writeStatements(
    input: SnapshotInput,
    entriesJson: string,
    { version, thisWeek, later }: DeriveResult,
    publish: boolean,
  ): D1PreparedStatement[] {
    const { source, region, week } = input;
    const rows = input.entries.map((e) => ({ ...pick(e), ...thisWeek.get(e.clip_id) }));
    // An import restores the published log from its own lines: it must not announce anything anew.
    const debuts = new Set(publish ? debutsOf(thisWeek) : []);
    const debutRows = JSON.stringify(input.entries.filter((e) => debuts.has(e.clip_id)).map(publishedRow));
    return [
      this.db.prepare(BUMP_VERSION).bind(source, region, version + 1),
      this.db
        .prepare(
          "INSERT INTO snapshots (source, region, week, fetched_at, entry_count, entries) VALUES (?, ?, ?, ?, ?, ?)",
        )
        .bind(source, region, week, input.fetchedAt, input.entries.length, entriesJson),
      this.db.prepare(INSERT_ENTRIES).bind(source, region, week, JSON.stringify(rows)),
      ...(later ? [this.db.prepare(MARK_LATER_PENDING).bind(source, region, week)] : []),
      // A backfilled week is no longer missing.
      this.db.prepare("DELETE FROM gaps WHERE source = ? AND region = ? AND week = ?").bind(source, region, week),
      // The all-regions log is written when the week is complete (GlobalStore.publishDebuts).
      ...(debuts.size > 0
        ? [this.db.prepare(INSERT_PUBLISHED).bind(source, region, week, input.fetchedAt, debutRows)]
        : []),
      ...searchIndexStatements(this.db, input),
    ];
  }

  async chart(region: string, week: string): Promise<Chart | null> {
    const [snapshot, derived] = await this.db.batch<unknown>([
      this.db
        .prepare(`SELECT ${SNAPSHOT_COLUMNS} FROM snapshots WHERE source = ? AND region = ? AND week = ?`)
        .bind(this.source, region, week),
      this.db
        .prepare(`SELECT ${DERIVED_COLUMNS} FROM chart_entries WHERE source = ? AND region = ? AND week = ?`)
        .bind(this.source, region, week),
    ]);
    const row = (snapshot?.results as SnapshotRow[] | undefined)?.[0];
    return row ? toChart(row, (derived?.results ?? []) as DerivedRow[]) : null;
  }

  /** The configured source's charts after `after` in (region, week) order: one page, two queries. */
  async chartsPage(after: { region: string; week: string } | null, size: number): Promise<Chart[]> {
    return this.withDerived(await this.snapshotsAfter(after, size));
  }

  /**
   * The slim charts whose change number (migrations 0007, 0009) is above `since`, in (region, week)
   * order after `after`, each with its number, and the source's change number now; on the first
   * page (no `after`), every region's count and sum of change numbers too, so the reader can check
   * what it kept from earlier reads. One consistent batch of three queries, four on the first
   * page. A build that reads every page and then asks again `since` that number misses no change.
   */
  async slimChangesPage(
    since: number,
    after: { region: string; week: string } | null,
    size: number,
  ): Promise<{ charts: SiteChart[]; seq: number; regions?: Record<string, RegionChanges> }> {
    const page = `SELECT region, week FROM snapshots WHERE source = ?1 AND changed > ?2 AND (region, week) > (?3, ?4)
      ORDER BY region, week LIMIT ?5`;
    const [seqRows, snapshotRows, derivedRows, regionRows] = await this.db.batch<unknown>([
      this.db.prepare("SELECT seq FROM change_seq WHERE source = ?").bind(this.source),
      this.db
        .prepare(
          `SELECT ${SNAPSHOT_COLUMNS}, changed FROM snapshots WHERE source = ?1 AND (region, week) IN (${page})
           ORDER BY region, week`,
        )
        .bind(this.source, since, after?.region ?? "", after?.week ?? "", size),
      this.db
        .prepare(
          `SELECT region, week, ${DERIVED_COLUMNS} FROM chart_entries WHERE source = ?1 AND (region, week) IN (${page})`,
        )
        .bind(this.source, since, after?.region ?? "", after?.week ?? "", size),
      ...(after === null ? [this.db.prepare(REGION_CHANGES).bind(this.source)] : []),
    ]);
    const seq = ((seqRows?.results ?? []) as { seq: number }[])[0]?.seq ?? 0;
    const grouped = derivedBySnapshot(
      (derivedRows?.results ?? []) as (DerivedRow & { region: string; week: string })[],
    );
    const charts = ((snapshotRows?.results ?? []) as (SnapshotRow & { changed: number })[]).map((s) =>
      toSiteChart(s, grouped.get(`${s.region} ${s.week}`) ?? []),
    );
    if (!regionRows) return { charts, seq };
    return { charts, seq, regions: regionChangesOf(regionRows.results as (RegionChanges & { region: string })[]) };
  }

  private async snapshotsAfter(after: { region: string; week: string } | null, size: number): Promise<SnapshotRow[]> {
    const { results } = await this.db
      .prepare(
        `SELECT ${SNAPSHOT_COLUMNS} FROM snapshots WHERE source = ? AND (region, week) > (?, ?)
         ORDER BY region, week LIMIT ?`,
      )
      .bind(this.source, after?.region ?? "", after?.week ?? "", size)
      .all<SnapshotRow>();
    return results;
  }

  /** Joins snapshots (of one source, in key order) with their derived rows in one more query. */
  async withDerived(snapshots: SnapshotRow[]): Promise<Chart[]> {
    const grouped = await this.derivedOf(snapshots);
    return snapshots.map((s) => toChart(s, grouped.get(`${s.region} ${s.week}`) ?? []));
  }

  private async derivedOf(snapshots: SnapshotRow[]): Promise<Map<string, DerivedRow[]>> {
    const first = snapshots[0];
    const last = snapshots.at(-1);
    if (!first || !last) return new Map();
    const { results } = await this.db
      .prepare(
        `SELECT region, week, ${DERIVED_COLUMNS} FROM chart_entries
         WHERE source = ? AND (region, week) >= (?, ?) AND (region, week) <= (?, ?)`,
      )
      .bind(first.source, first.region, first.week, last.region, last.week)
      .all<DerivedRow & { region: string; week: string }>();
    return derivedBySnapshot(results);
  }

  async weeks(region: string): Promise<{ week: string; fetchedAt: number; source: string; entryCount: number }[]> {
    const { results } = await this.db
      .prepare(
        "SELECT week, fetched_at, source, entry_count FROM snapshots WHERE source = ? AND region = ? ORDER BY week DESC",
      )
      .bind(this.source, region)
      .all<{ week: string; fetched_at: number; source: string; entry_count: number }>();
    return results.map((r) => ({ week: r.week, fetchedAt: r.fetched_at, source: r.source, entryCount: r.entry_count }));
  }

  async regionSummaries(): Promise<{ region: string; weeks: number; latestWeek: string; latestFetchedAt: number }[]> {
    const { results } = await this.db
      .prepare(
        `SELECT s.region, COUNT(*) AS weeks, MAX(s.week) AS latest_week,
           (SELECT fetched_at FROM snapshots l WHERE l.source = s.source AND l.region = s.region
            ORDER BY l.week DESC LIMIT 1) AS latest_fetched_at
         FROM snapshots s WHERE s.source = ? GROUP BY s.region`,
      )
      .bind(this.source)
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
      .prepare("SELECT MAX(fetched_at) AS newest FROM snapshots WHERE source = ?")
      .bind(this.source)
      .first<{ newest: number | null }>();
    return row?.newest ?? null;
  }

  /**
   * The newest `count` weeks that have snapshots of this source: how many charts each has, how
   * many of them are of `regions`, and the newest fetch among those (for the site-age check,
   * worker/archive/site-age.ts). Reads the snapshots_by_week index backwards and stops after `count`
   * weeks: a few hundred rows however long the archive.
   */
  async newestWeeks(regions: readonly string[], count: number): Promise<ArchiveWeek[]> {
    const { results } = await this.db
      .prepare(
        `SELECT week, COUNT(*) AS charts,
           COUNT(*) FILTER (WHERE region IN (SELECT value FROM json_each(?2))) AS configured,
           MAX(fetched_at) FILTER (WHERE region IN (SELECT value FROM json_each(?2))) AS last_fetched_at
         FROM snapshots WHERE source = ?1 GROUP BY week ORDER BY week DESC LIMIT ?3`,
      )
      .bind(this.source, JSON.stringify(regions), count)
      .all<{ week: string; charts: number; configured: number; last_fetched_at: number | null }>();
    return results.map((r) => ({
      week: r.week,
      charts: r.charts,
      configuredRegions: r.configured,
      lastFetchedAt: r.last_fetched_at,
    }));
  }

  async soundHistory(clipId: string): Promise<SoundWeek[]> {
    const { results } = await this.db
      .prepare(
        `SELECT region, week, rank, title, author, last_week, peak, weeks_on_chart, first_week, movement, change
         FROM chart_entries WHERE source = ? AND clip_id = ? ORDER BY region, week`,
      )
      .bind(this.source, clipId)
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

  /** Every chart of one week (for the R2 backup of a completed week): two queries. */
  async chartsOfWeek(week: string): Promise<Chart[]> {
    const { results } = await this.db
      .prepare(`SELECT ${SNAPSHOT_COLUMNS} FROM snapshots WHERE source = ? AND week = ? ORDER BY region`)
      .bind(this.source, week)
      .all<SnapshotRow>();
    const { results: derived } = await this.db
      .prepare(`SELECT region, week, ${DERIVED_COLUMNS} FROM chart_entries WHERE source = ? AND week = ?`)
      .bind(this.source, week)
      .all<DerivedRow & { region: string; week: string }>();
    const grouped = derivedBySnapshot(derived);
    return results.map((s) => toChart(s, grouped.get(`${s.region} ${s.week}`) ?? []));
  }
}
