import type { DataSource } from "../config";
import type { IsoWeek } from "../charts/iso-week";
import { tiktokSoundUrl } from "../charts/sound";
import { YEAR_CHART_SIZE, globalYearGaps, yearBounds, yearComplete, yearSpan } from "../charts/year";
import type { YearChart, YearChartEntry } from "../charts/year-schema";
import { YEAR_RANKS_GLOBAL, YEAR_RANKS_REGION, type YearRankRow } from "./rows";

/**
 * Year-end charts of a source in D1 (docs/weekly-archive.md "Year-end charts"), asked on read rather than kept
 * in a table: a year is at most 53 weekly charts of 100 rows, which one aggregate query reads as
 * one range of the primary key (chart_entries by source, region, week; global_ranks by source,
 * week), so the work is bounded whatever the archive's size — and nothing needs rebuilding after a
 * backfill or an import, which a stored ranking would. One batch of four (region) or three
 * (global) queries a request.
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
  constructor(
    private readonly db: D1Database,
    readonly source: DataSource,
    /** The configured regions: a year is complete once each has its last week (charts/year.ts yearComplete). */
    private readonly regions: readonly string[],
  ) {}

  /** A region's year-end chart as of `now`, or null when the region has no chart that year. */
  async region(region: string, year: number, now: number): Promise<YearChart | null> {
    const { first, last } = yearBounds(year);
    const [ranks, weeks, gaps, span] = await this.db.batch<unknown>([
      this.db.prepare(YEAR_RANKS_REGION).bind(YEAR_CHART_SIZE, this.source, first, last, region),
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
      entries: entriesOf(ranks),
    };
  }

  /** The global chart's year-end chart as of `now`, or null when no region charted that year. */
  async global(year: number, now: number): Promise<YearChart | null> {
    const { first, last } = yearBounds(year);
    const [ranks, weeks, span] = await this.db.batch<unknown>([
      this.db.prepare(YEAR_RANKS_GLOBAL).bind(YEAR_CHART_SIZE, this.source, first, last),
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
      entries: entriesOf(ranks),
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

function entriesOf(result: D1Result<unknown> | undefined): YearChartEntry[] {
  return ((result?.results ?? []) as YearRankRow[]).map((row, i) => ({
    rank: i + 1,
    clip_id: row.clip_id,
    title: row.title,
    author: row.author,
    cover: row.cover,
    link: tiktokSoundUrl(row.clip_id),
    points: row.points,
    weeks: row.weeks,
    peak: row.peak,
    peakWeek: row.peak_week,
    firstWeek: row.first_week,
    firstRank: row.first_rank,
    debut: row.debut === 1,
  }));
}
