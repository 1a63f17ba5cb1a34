import { z } from "zod";
import type { Derived } from "../charts/derive";
import { type Chart, type ChartEntry, chartSchema } from "../charts/schema";
import { type Sound, soundSchema } from "../upstream/schema";

/** Row shapes, SQL and row ↔ domain mapping for the archive (used by store.ts only). */
export interface SoundWeek extends Derived {
  region: string;
  week: string;
  rank: number;
  title: string;
  author: string;
}

export interface PublishedItem {
  region: string;
  clip_id: string;
  week: string;
  first_seen: number;
  title: string;
  author: string;
  cover: string;
  rank: number;
}

export interface SnapshotRow {
  region: string;
  week: string;
  fetched_at: number;
  source: "keyapi" | "demo";
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

export const INSERT_ENTRIES = `
  INSERT INTO chart_entries (region, week, clip_id, rank, title, author, last_week, peak, weeks_on_chart, first_week, movement, change)
  SELECT ?1, ?2, e.value ->> 'clip_id', e.value ->> 'rank', e.value ->> 'title', e.value ->> 'author', e.value ->> 'lastWeek',
         e.value ->> 'peak', e.value ->> 'weeksOnChart', e.value ->> 'firstWeek', e.value ->> 'movement', e.value ->> 'change'
  FROM json_each(?3) AS e`;

export const UPDATE_DERIVED = `
  UPDATE chart_entries SET last_week = d.value ->> 'lastWeek', peak = d.value ->> 'peak', weeks_on_chart = d.value ->> 'weeksOnChart',
    first_week = d.value ->> 'firstWeek', movement = d.value ->> 'movement', change = d.value ->> 'change'
  FROM json_each(?1) AS d
  WHERE chart_entries.region = ?2 AND chart_entries.week = ?3 AND chart_entries.clip_id = d.key`;

// A sound is announced once per region, at its first debut: a backfill never re-dates it.
export const INSERT_PUBLISHED = `
  INSERT OR IGNORE INTO published_items (region, clip_id, week, first_seen, title, author, cover, rank)
  SELECT ?1, p.value ->> 'clip_id', ?2, ?3, p.value ->> 'title', p.value ->> 'author', p.value ->> 'cover', p.value ->> 'rank'
  FROM json_each(?4) AS p`;

export function pick(e: Sound) {
  return { clip_id: e.clip_id, rank: e.rank, title: e.title, author: e.author };
}

export function publishedRow(e: Sound) {
  return { clip_id: e.clip_id, title: e.title, author: e.author, cover: e.cover, rank: e.rank };
}

export function groupByWeek(rows: { week: string; clip_id: string; rank: number }[]) {
  const byWeek = new Map<string, { clip_id: string; rank: number }[]>();
  for (const row of rows)
    byWeek.set(row.week, [...(byWeek.get(row.week) ?? []), { clip_id: row.clip_id, rank: row.rank }]);
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

const storedEntriesSchema = z.array(soundSchema);

/** Joins a snapshot with its derived rows and validates the result (a record read back). */
export function toChart(snapshot: SnapshotRow, derived: DerivedRow[]): Chart {
  const byClip = new Map(derived.map((d) => [d.clip_id, derivedOf(d)]));
  const raw = storedEntriesSchema.parse(JSON.parse(snapshot.entries));
  const entries: ChartEntry[] = raw.map((e) => {
    const d = byClip.get(e.clip_id);
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
