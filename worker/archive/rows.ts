import { z } from "zod";
import type { DataSource } from "../config";
import type { Derived } from "../charts/derive";
import { type Chart, type ChartEntry, chartSchema } from "../charts/schema";
import { type SlimChart, slimEntryOf } from "../charts/slim";
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
 * A week's global ranking, rebuilt from its regional entries (charts/global.ts states the rule and
 * ranks the same way in TypeScript; a test holds the two to the same answers): points = Σ 101 −
 * rank; ties by regions (more first), best rank, clip id as text. Title, author and cover as the
 * best-ranked region lists them. Two statements, run server-side in D1: nothing is transferred.
 */
export const DELETE_GLOBAL_RANKS = "DELETE FROM global_ranks WHERE source = ?1 AND week = ?2";
export const INSERT_GLOBAL_RANKS = `
  INSERT INTO global_ranks (source, week, clip_id, rank, points, regions, best_rank, number_ones, title, author, cover)
  SELECT ?1, ?2, g.clip_id, ROW_NUMBER() OVER (ORDER BY g.points DESC, g.regions DESC, g.best_rank, g.clip_id),
         g.points, g.regions, g.best_rank,
         (SELECT json_group_array(region) FROM (SELECT o.region FROM chart_entries o
            WHERE o.source = ?1 AND o.week = ?2 AND o.clip_id = g.clip_id AND o.rank = 1 ORDER BY o.region)),
         b.title, b.author, b.cover
  FROM (SELECT clip_id, SUM(101 - rank) AS points, COUNT(*) AS regions, MIN(rank) AS best_rank
        FROM chart_entries WHERE source = ?1 AND week = ?2 GROUP BY clip_id
        ORDER BY points DESC, regions DESC, best_rank, clip_id LIMIT ?3) AS g
  JOIN chart_entries b ON b.source = ?1 AND b.week = ?2 AND b.clip_id = g.clip_id
    AND b.region = (SELECT r.region FROM chart_entries r WHERE r.source = ?1 AND r.week = ?2 AND r.clip_id = g.clip_id
                    ORDER BY r.rank, r.region LIMIT 1)`;

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
 * worker/charts/slim.ts's slimEntryOf. Every response carries `version`, so a build can tell the
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
 * A year's ranking (charts/year.ts states the rule and ranks the same way in TypeScript; a test
 * holds the two to the same answers): points = Σ over the year's weeks of 101 − rank; ties by
 * weeks charted (more first), best rank, clip id as text; title, author and cover from the first
 * week it reached its peak. `weekly` reads one week's rows per line (clip_id, week, rank, title,
 * author, cover, debut) for the year ?2 = source, ?3–?4 = first and last week; ?1 = how many.
 * Bounded whatever the archive's size: a year is at most 53 weekly charts of 100 rows, read as one
 * range of the table's primary key.
 */
function yearRanksFrom(weekly: string): string {
  return `
  WITH weekly AS (${weekly}),
  tally AS (
    SELECT clip_id, SUM(101 - rank) AS points, COUNT(*) AS weeks, MIN(rank) AS peak, MAX(debut) AS debut
    FROM weekly GROUP BY clip_id
    ORDER BY points DESC, weeks DESC, peak, clip_id LIMIT ?1),
  ordered AS (
    SELECT clip_id, week, rank, title, author, cover,
           ROW_NUMBER() OVER (PARTITION BY clip_id ORDER BY rank, week) AS by_peak,
           ROW_NUMBER() OVER (PARTITION BY clip_id ORDER BY week) AS by_week
    FROM weekly WHERE clip_id IN (SELECT clip_id FROM tally))
  SELECT t.clip_id, t.points, t.weeks, t.peak, t.debut, p.week AS peak_week, p.title, p.author, p.cover,
         f.week AS first_week, f.rank AS first_rank
  FROM tally t
  JOIN ordered p ON p.clip_id = t.clip_id AND p.by_peak = 1
  JOIN ordered f ON f.clip_id = t.clip_id AND f.by_week = 1
  ORDER BY t.points DESC, t.weeks DESC, t.peak, t.clip_id`;
}

/** A region's year (?5 = region): its regional ranks; a debut is a week whose movement is `new`. */
export const YEAR_RANKS_REGION = yearRanksFrom(`
    SELECT clip_id, week, rank, title, author, cover, movement = 'new' AS debut FROM chart_entries
    WHERE source = ?2 AND region = ?5 AND week BETWEEN ?3 AND ?4`);

/**
 * The global chart's year: its weekly global ranks. A debut is a sound's first week in the
 * source's global top 100 ever, unless that week is the first global week (the baseline), as
 * charts/global.ts globalDerived says `new`.
 */
export const YEAR_RANKS_GLOBAL = yearRanksFrom(`
    SELECT g.clip_id, g.week, g.rank, g.title, g.author, g.cover,
           g.week > (SELECT MIN(b.week) FROM global_ranks b WHERE b.source = ?2)
             AND NOT EXISTS (SELECT 1 FROM global_ranks e WHERE e.source = ?2 AND e.clip_id = g.clip_id AND e.week < g.week)
             AS debut
    FROM global_ranks g WHERE g.source = ?2 AND g.week BETWEEN ?3 AND ?4`);

export interface YearRankRow {
  clip_id: string;
  points: number;
  weeks: number;
  peak: number;
  debut: number;
  peak_week: string;
  title: string;
  author: string;
  cover: string;
  first_week: string;
  first_rank: number;
}
