import { z } from "zod";
import type { DataSource } from "../config";
import type { Derived } from "../charts/derive";
import { type Chart, type ChartEntry, chartSchema } from "../charts/schema";
import { type SlimChart, slimEntryOf } from "../schemas/slim";
import type { Sound } from "../charts/sound";

/** Row shapes, SQL and row ↔ domain mapping for the archive (used inside worker/archive/ only). */
export interface SoundWeek extends Derived {
  region: string;
  week: string;
  rank: number;
  title: string;
  author: string;
}

export interface PublishedItem {
  source: DataSource;
  region: string;
  clip_id: string;
  week: string;
  first_seen: number;
  title: string;
  author: string;
  cover: string;
  rank: number;
}

export interface GlobalPublishedItem {
  source: DataSource;
  clip_id: string;
  week: string;
  first_seen: number;
  title: string;
  author: string;
  cover: string;
  /** Global rank in its week. */
  rank: number;
  /** Global points in its week. */
  points: number;
  /** The regions it charts in that week, sorted. */
  regions: string[];
}

export interface GapRow {
  source: DataSource;
  region: string;
  week: string;
  recorded_at: number;
}

export interface SnapshotRow {
  source: DataSource;
  region: string;
  week: string;
  fetched_at: number;
  entries: string;
}

export interface DerivedRow {
  clip_id: string;
  last_week: number | null;
  peak: number;
  weeks_on_chart: number;
  first_week: string;
  movement: string;
  change: number | null;
}

export type SoundWeekRow = DerivedRow & { region: string; week: string; rank: number; title: string; author: string };

export const DERIVED_COLUMNS = "clip_id, last_week, peak, weeks_on_chart, first_week, movement, change";
export const SNAPSHOT_COLUMNS = "source, region, week, fetched_at, entries";
export const PUBLISHED_COLUMNS = "source, region, clip_id, week, first_seen, title, author, cover, rank";
export const GLOBAL_COLUMNS = "source, clip_id, week, first_seen, title, author, cover, rank, points, regions";

export const INSERT_ENTRIES = `
  INSERT INTO chart_entries (source, region, week, clip_id, rank, title, author, cover, last_week, peak, weeks_on_chart, first_week, movement, change)
  SELECT ?1, ?2, ?3, e.value ->> 'clip_id', e.value ->> 'rank', e.value ->> 'title', e.value ->> 'author', e.value ->> 'cover', e.value ->> 'lastWeek',
         e.value ->> 'peak', e.value ->> 'weeksOnChart', e.value ->> 'firstWeek', e.value ->> 'movement', e.value ->> 'change'
  FROM json_each(?4) AS e`;

export const UPDATE_DERIVED = `
  UPDATE chart_entries SET last_week = d.value ->> 'lastWeek', peak = d.value ->> 'peak', weeks_on_chart = d.value ->> 'weeksOnChart',
    first_week = d.value ->> 'firstWeek', movement = d.value ->> 'movement', change = d.value ->> 'change'
  FROM json_each(?1) AS d
  WHERE chart_entries.source = ?2 AND chart_entries.region = ?3 AND chart_entries.week = ?4 AND chart_entries.clip_id = d.key`;

/**
 * Moves the region's history version on by exactly one; the region_versions trigger aborts the
 * whole batch when another write got there first (see migrations/0003).
 */
export const BUMP_VERSION = `
  INSERT INTO region_versions (source, region, version) VALUES (?1, ?2, ?3)
  ON CONFLICT (source, region) DO UPDATE SET version = excluded.version`;

export const CONFLICT_MARK = "archive_conflict";

/** The region's weeks after ?3 are to be derived again (rederive.ts); an earlier mark covers more. */
export const MARK_LATER_PENDING = `
  INSERT INTO derive_pending (source, region, after_week) VALUES (?1, ?2, ?3)
  ON CONFLICT (source, region) DO UPDATE SET after_week = MIN(after_week, excluded.after_week)`;

// A sound is announced once per region, at its first debut: a backfill never re-dates it.
export const INSERT_PUBLISHED = `
  INSERT OR IGNORE INTO published_items (source, region, clip_id, week, first_seen, title, author, cover, rank)
  SELECT ?1, ?2, p.value ->> 'clip_id', ?3, ?4, p.value ->> 'title', p.value ->> 'author', p.value ->> 'cover', p.value ->> 'rank'
  FROM json_each(?5) AS p`;

/**
 * The all-regions log of a complete week ?2 (docs/site.md "Feeds"): one item per sound that enters the
 * source's global top 100 for the first time (global movement `new`), with its global rank and
 * points, the regions it charts in that week and, as its pubDate, the newest snapshot time of the
 * week (so publishing twice gives the same item). The source's first global week is a baseline
 * and announces nothing. INSERT OR IGNORE: an item once written is never changed, whatever a
 * late region, a backfill or an import does to the rankings later.
 */
export const PUBLISH_GLOBAL_DEBUTS = `
  INSERT OR IGNORE INTO published_global (source, clip_id, week, first_seen, title, author, cover, rank, points, regions)
  SELECT ?1, g.clip_id, ?2, (SELECT MAX(s.fetched_at) FROM snapshots s WHERE s.source = ?1 AND s.week = ?2),
         g.title, g.author, g.cover, g.rank, g.points,
         (SELECT json_group_array(region) FROM (SELECT c.region FROM chart_entries c
            WHERE c.source = ?1 AND c.week = ?2 AND c.clip_id = g.clip_id ORDER BY c.region))
  FROM global_ranks g
  WHERE g.source = ?1 AND g.week = ?2
    AND EXISTS (SELECT 1 FROM global_ranks f WHERE f.source = ?1 AND f.week < ?2)
    AND NOT EXISTS (SELECT 1 FROM global_ranks e WHERE e.source = ?1 AND e.clip_id = g.clip_id AND e.week < ?2)`;

/**
 * A week's global ranking is ranked in TypeScript (charts/global.ts rankGlobal, the rule the site
 * uses too); D1 only reads the week's regional entries and stores the result. GLOBAL_WEEK_STAMP
 * says which snapshots the entries were read from (how many, and their newest change number): the
 * writes below are made only while it is unchanged, so a snapshot stored between the read and the
 * write leaves the week due (global_due) instead of a stale ranking marked rebuilt.
 */
const GLOBAL_WEEK_STAMP = `(SELECT COUNT(*) || '/' || IFNULL(MAX(changed), 0) FROM snapshots WHERE source = ?1 AND week = ?2)`;
/** Every regional entry of week ?2, with the stamp (one row, entry columns null, when there are none). */
export const GLOBAL_WEEK_ENTRIES = `
  SELECT s.stamp, e.region, e.clip_id, e.rank, e.title, e.author, e.cover
  FROM (SELECT ${GLOBAL_WEEK_STAMP} AS stamp) AS s
  LEFT JOIN chart_entries e ON e.source = ?1 AND e.week = ?2`;
export const DELETE_GLOBAL_RANKS = `DELETE FROM global_ranks WHERE source = ?1 AND week = ?2 AND ${GLOBAL_WEEK_STAMP} = ?3`;
/** ?4: the ranked rows (charts/global.ts GlobalRank), as a JSON array. */
export const INSERT_GLOBAL_RANKS = `
  INSERT INTO global_ranks (source, week, clip_id, rank, points, regions, best_rank, number_ones, title, author, cover)
  SELECT ?1, ?2, r.value ->> 'clip_id', r.value ->> 'rank', r.value ->> 'points', r.value ->> 'regions',
         r.value ->> 'bestRank', r.value -> 'numberOne', r.value ->> 'title', r.value ->> 'author', r.value ->> 'cover'
  FROM json_each(?4) AS r WHERE ${GLOBAL_WEEK_STAMP} = ?3`;
export const CLEAR_GLOBAL_DUE = `DELETE FROM global_due WHERE source = ?1 AND week = ?2 AND ${GLOBAL_WEEK_STAMP} = ?3`;

export function pick(e: Sound) {
  return { clip_id: e.clip_id, rank: e.rank, title: e.title, author: e.author, cover: e.cover };
}

export function publishedRow(e: Sound) {
  return { clip_id: e.clip_id, title: e.title, author: e.author, cover: e.cover, rank: e.rank };
}

export function groupByWeek(rows: { week: string; clip_id: string; rank: number }[]) {
  const byWeek = new Map<string, { clip_id: string; rank: number }[]>();
  for (const row of rows) {
    const entries = byWeek.get(row.week) ?? [];
    entries.push({ clip_id: row.clip_id, rank: row.rank });
    byWeek.set(row.week, entries);
  }
  return [...byWeek].map(([week, entries]) => ({ week, entries }));
}

export function derivedOf(r: DerivedRow): Derived {
  return {
    lastWeek: r.last_week,
    peak: r.peak,
    weeksOnChart: r.weeks_on_chart,
    firstWeek: r.first_week,
    movement: r.movement as Derived["movement"],
    change: r.change,
  };
}

export function globalItemOf(row: Omit<GlobalPublishedItem, "regions"> & { regions: string }): GlobalPublishedItem {
  return { ...row, regions: z.array(z.string()).parse(JSON.parse(row.regions)) };
}

/** Joins a snapshot with its derived rows and validates the result once (a record read back). */
export function toChart(snapshot: SnapshotRow, derived: DerivedRow[]): Chart {
  const byClip = new Map(derived.map((d) => [d.clip_id, derivedOf(d)]));
  const raw: unknown = JSON.parse(snapshot.entries);
  if (!Array.isArray(raw))
    throw new Error(`archive corrupt: ${snapshot.region} ${snapshot.week} entries are not a list`);
  const entries = raw.map((e: Partial<ChartEntry>) => {
    const d = byClip.get(String(e?.clip_id));
    if (!d) throw new Error(`archive corrupt: ${snapshot.region} ${snapshot.week} has no derived row for ${e.clip_id}`);
    return { ...e, ...d };
  });
  return chartSchema.parse({
    region: snapshot.region,
    week: snapshot.week,
    fetchedAt: new Date(snapshot.fetched_at).toISOString(),
    source: snapshot.source,
    entries,
  });
}

/**
 * A snapshot and its derived rows as the slim projection the site build reads, without a schema
 * pass over the full records: what was stored was validated when it came in, and the site checks
 * every slim chart it reads (site/src/lib/archive/prepare.ts). At full scale (3,692 charts) the
 * full record's schema pass was most of a build's read time.
 */
export function toSlimChart(snapshot: SnapshotRow, derived: DerivedRow[]): SlimChart {
  const byClip = new Map(derived.map((d) => [d.clip_id, derivedOf(d)]));
  const raw: unknown = JSON.parse(snapshot.entries);
  if (!Array.isArray(raw))
    throw new Error(`archive corrupt: ${snapshot.region} ${snapshot.week} entries are not a list`);
  return {
    region: snapshot.region,
    week: snapshot.week,
    fetchedAt: new Date(snapshot.fetched_at).toISOString(),
    source: snapshot.source,
    entries: raw.map((e: ChartEntry) => {
      const d = byClip.get(String(e?.clip_id));
      if (!d)
        throw new Error(`archive corrupt: ${snapshot.region} ${snapshot.week} has no derived row for ${e?.clip_id}`);
      return slimEntryOf({ ...e, ...d });
    }),
  };
}

/** A slim chart as /api/site/charts answers it: with its change number (migrations 0007, 0009). */
export type SiteChart = SlimChart & { changed: number };

/**
 * What /api/site/charts answers for the same stored data: toSiteChart here, with
 * worker/schemas/slim.ts's slimEntryOf. Every response carries `version`, so a build can tell the
 * charts it kept from another projection and read them again. Bump `version` whenever the
 * projection changes (a field added or dropped, a value rounded or sanitised differently);
 * `fixtureHash` is the SHA-256 of the projection of a fixed input, which
 * test/unit/site-projection.test.ts recomputes, so no such change goes unnoticed. Version 1 is
 * what the route answered before it said which (no `changed`, no `projection`).
 */
export const SITE_PROJECTION = {
  version: 2,
  fixtureHash: "9d2b915df4186797a0bb74e507d3c08d911327bea60fbb0e7ef62a2a57a6207e",
} as const;

export function toSiteChart(snapshot: SnapshotRow & { changed: number }, derived: DerivedRow[]): SiteChart {
  return { ...toSlimChart(snapshot, derived), changed: snapshot.changed };
}

/** Per region, how many charts of the source are stored and the sum of their change numbers. */
export interface RegionChanges {
  weeks: number;
  changes: number;
}

/**
 * Answered from the index (source, region, week, changed) alone (migration 0009). Change numbers are
 * milliseconds of this century (below 4.1 × 10^12): a region's sum stays below 2^53, so an exact
 * JavaScript number, for its first 2,000 weeks (38 years).
 */
export const REGION_CHANGES =
  "SELECT region, COUNT(*) AS weeks, SUM(changed) AS changes FROM snapshots WHERE source = ? GROUP BY region";

export function regionChangesOf(rows: (RegionChanges & { region: string })[]): Record<string, RegionChanges> {
  return Object.fromEntries(rows.map((r) => [r.region, { weeks: r.weeks, changes: r.changes }]));
}

/** Groups derived rows by "region week" (a page of charts is read with one query for all of them). */
export function derivedBySnapshot(rows: (DerivedRow & { region: string; week: string })[]): Map<string, DerivedRow[]> {
  const grouped = new Map<string, DerivedRow[]>();
  for (const row of rows) {
    const key = `${row.region} ${row.week}`;
    const list = grouped.get(key) ?? [];
    list.push(row);
    grouped.set(key, list);
  }
  return grouped;
}

/** UTF-8 bytes, which is what D1's size limits count (a string's length counts UTF-16 units). */
export function utf8Bytes(text: string): number {
  return new TextEncoder().encode(text).byteLength;
}

/**
 * A year's weekly rows, which charts/year.ts yearOfWeeks ranks (the rule the site uses too): one
 * range of the table's primary key, at most 53 weekly charts of 100 rows whatever the archive's
 * size. ?1 = source, ?2–?3 = the year's first and last week. A region's year (?4 = region): its
 * regional ranks and movements.
 */
export const YEAR_WEEKS_REGION = `
  SELECT week, clip_id, rank, title, author, cover, movement FROM chart_entries
  WHERE source = ?1 AND region = ?4 AND week BETWEEN ?2 AND ?3`;

/**
 * The global chart's year: its weekly global ranks. `debut` marks a sound's first week in the
 * source's global top 100 ever, unless that week is the first global week (the baseline): the
 * week charts/global.ts globalDerived says `new`.
 */
export const YEAR_WEEKS_GLOBAL = `
  SELECT g.week, g.clip_id, g.rank, g.title, g.author, g.cover,
         g.week > (SELECT MIN(b.week) FROM global_ranks b WHERE b.source = ?1)
           AND NOT EXISTS (SELECT 1 FROM global_ranks e WHERE e.source = ?1 AND e.clip_id = g.clip_id AND e.week < g.week)
           AS debut
  FROM global_ranks g WHERE g.source = ?1 AND g.week BETWEEN ?2 AND ?3`;

export interface YearWeekRow {
  week: string;
  clip_id: string;
  rank: number;
  title: string;
  author: string;
  cover: string;
  /** A region's rows: the week's movement. */
  movement?: string;
  /** The global rows: 1 in a sound's debut week. */
  debut?: number;
}
