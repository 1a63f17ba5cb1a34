import type { DataSource } from "../config";
import type { IsoWeek } from "../charts/iso-week";
import { tiktokSoundUrl } from "../charts/sound";
import {
  type RankedWeek,
  type WeeklyRank,
  globalYearGaps,
  yearBounds,
  yearComplete,
  yearOfWeeks,
  yearSpan,
} from "../charts/year";
import type { YearChart, YearChartEntry } from "../schemas/year-chart";
import { YEAR_WEEKS_GLOBAL, YEAR_WEEKS_REGION, type YearWeekRow } from "./rows";

/**
 * Year-end charts of a source in D1 (docs/weekly-archive.md "Year-end charts"), ranked on read rather than
 * kept in a table: a year is at most 53 weekly charts of 100 rows, which one query reads as one
 * range of the primary key (chart_entries by source, region, week; global_ranks by source, week)
 * and charts/year.ts yearOfWeeks ranks, the code the site build ranks with. The work is bounded
 * whatever the archive's size, and nothing needs rebuilding after a backfill or an import, which a
 * stored ranking would. One batch of four (region) or three (global) queries a request.
 */

/**
 * The source's archived span: its first and newest week with a snapshot (two index look-ups), and
 * how many of the configured regions (?3, comma-separated) have the year's last week (?2) settled:
 * a chart or a recorded gap (yearComplete). One statement, so the batch stays the same size.
 */
const SPAN = `SELECT (SELECT MIN(week) FROM snapshots WHERE source = ?1) AS first,
                     (SELECT MAX(week) FROM snapshots WHERE source = ?1) AS latest,
                     (SELECT COUNT(*) FROM (SELECT region FROM snapshots WHERE source = ?1 AND week = ?2
                                            UNION SELECT region FROM gaps WHERE source = ?1 AND week = ?2)
                       WHERE instr(',' || ?3 || ',', ',' || region || ',') > 0) AS settled`;

export class YearStore {
  private readonly db: D1Database;
  readonly source: DataSource;
  /** The configured regions: a year is complete once each has its last week (charts/year.ts yearComplete). */
  private readonly regions: readonly string[];

  constructor(db: D1Database, source: DataSource, regions: readonly string[]) {
    this.db = db;
    this.source = source;
    this.regions = regions;
  }

  /** A region's year-end chart as of `now`, or null when the region has no chart that year. */
  async region(region: string, year: number, now: number): Promise<YearChart | null> {
    const { first, last } = yearBounds(year);
    const [ranks, weeks, gaps, span] = await this.db.batch<unknown>([
      this.db.prepare(YEAR_WEEKS_REGION).bind(this.source, first, last, region),
      this.db
        .prepare("SELECT week FROM snapshots WHERE source = ? AND region = ? AND week BETWEEN ? AND ? ORDER BY week")
        .bind(this.source, region, first, last),
      this.db
        .prepare("SELECT week FROM gaps WHERE source = ? AND region = ? AND week BETWEEN ? AND ? ORDER BY week")
        .bind(this.source, region, first, last),
      this.span(last),
    ]);
    const charted = weekList(weeks);
    const archived = spanOf(span);
    const latest = archived.latest;
    if (charted.length === 0 || latest === null) return null;
    const { throughWeek, soFar } = yearSpan(year, latest, this.complete(year, archived.settled, now));
    return {
      region,
      year,
      source: this.source,
      soFar,
      throughWeek,
      weeks: charted,
      gaps: weekList(gaps).filter((week) => week <= throughWeek),
      entries: entriesOf(year, ranks),
    };
  }

  /** The global chart's year-end chart as of `now`, or null when no region charted that year. */
  async global(year: number, now: number): Promise<YearChart | null> {
    const { first, last } = yearBounds(year);
    const [ranks, weeks, span] = await this.db.batch<unknown>([
      this.db.prepare(YEAR_WEEKS_GLOBAL).bind(this.source, first, last),
      this.db
        .prepare("SELECT DISTINCT week FROM global_ranks WHERE source = ? AND week BETWEEN ? AND ? ORDER BY week")
        .bind(this.source, first, last),
      this.span(last),
    ]);
    const charted = weekList(weeks);
    const archived = spanOf(span);
    if (charted.length === 0 || archived.first === null || archived.latest === null) return null;
    const { throughWeek, soFar } = yearSpan(year, archived.latest, this.complete(year, archived.settled, now));
    return {
      region: "global",
      year,
      source: this.source,
      soFar,
      throughWeek,
      weeks: charted,
      gaps: globalYearGaps(year, charted, archived.first, throughWeek),
      entries: entriesOf(year, ranks),
    };
  }

  private span(lastWeek: IsoWeek): D1PreparedStatement {
    return this.db.prepare(SPAN).bind(this.source, lastWeek, this.regions.join(","));
  }

  private complete(year: number, settledRegions: number, now: number): boolean {
    return yearComplete(year, { settledRegions, configuredRegions: this.regions.length }, now);
  }
}

function weekList(result: D1Result<unknown> | undefined): IsoWeek[] {
  return ((result?.results ?? []) as { week: string }[]).map((row) => row.week);
}

interface SpanRow {
  first: IsoWeek | null;
  latest: IsoWeek | null;
  settled: number;
}

function spanOf(result: D1Result<unknown> | undefined): SpanRow {
  const row = (result?.results ?? [])[0] as Partial<SpanRow> | undefined;
  return { first: row?.first ?? null, latest: row?.latest ?? null, settled: row?.settled ?? 0 };
}

/**
 * The year's weekly rows, grouped by week, ranked by yearOfWeeks. A global row's `debut` flag is
 * the movement `new` the site's global history gives that week.
 */
function entriesOf(year: number, result: D1Result<unknown> | undefined): YearChartEntry[] {
  const byWeek = new Map<IsoWeek, WeeklyRank[]>();
  for (const row of (result?.results ?? []) as YearWeekRow[]) {
    const movement = row.movement ?? (row.debut === 1 ? "new" : undefined);
    const entry: WeeklyRank = {
      clip_id: row.clip_id,
      rank: row.rank,
      title: row.title,
      author: row.author,
      cover: row.cover,
    };
    const week = byWeek.get(row.week) ?? [];
    week.push(movement === undefined ? entry : { ...entry, movement });
    byWeek.set(row.week, week);
  }
  const weeks: RankedWeek[] = [...byWeek].map(([week, entries]) => ({ week, entries }));
  return yearOfWeeks(year, weeks).map(({ rank, clip_id, title, author, cover, ...counts }) => ({
    rank,
    clip_id,
    title,
    author,
    cover,
    link: tiktokSoundUrl(clip_id),
    ...counts,
  }));
}
