import type { DataSource } from "../config";
import type { SoundEntryRow, SoundPageRows, SoundRegionSpanRow } from "./sound-rows";

const SOUND_REGIONS = "SELECT DISTINCT region FROM chart_entries WHERE source = ?1 AND clip_id = ?2";

/**
 * What a sound's page shows, read from D1 in one batch of six queries whatever the archive's size
 * (docs/weekly-archive.md "Bounded per request"): the sound's ranks in every region, the span and gaps of the
 * regions it charted in, its global ranks, the newest week with charts, and its newest upstream
 * record's link and business-use mark. Rows grow with the sound's own history (and the recorded
 * gaps of its regions: weeks a snapshot was missed), never with the archive's charts. Each query
 * reads through an index keyed by source and clip id or region.
 */
export async function readSoundPage(db: D1Database, source: DataSource, clipId: string): Promise<SoundPageRows> {
  const [entries, regions, gaps, globalRanks, latest, record] = await db.batch<unknown>([
    db
      .prepare(
        `SELECT region, week, rank, title, author, cover FROM chart_entries
         WHERE source = ?1 AND clip_id = ?2 ORDER BY region, week`,
      )
      .bind(source, clipId),
    db
      .prepare(
        `SELECT region, MIN(week) AS first_week, MAX(week) AS latest_week FROM snapshots
         WHERE source = ?1 AND region IN (${SOUND_REGIONS}) GROUP BY region`,
      )
      .bind(source, clipId),
    db.prepare(`SELECT region, week FROM gaps WHERE source = ?1 AND region IN (${SOUND_REGIONS})`).bind(source, clipId),
    db
      .prepare("SELECT week, rank, regions FROM global_ranks WHERE source = ?1 AND clip_id = ?2 ORDER BY week")
      .bind(source, clipId),
    db
      .prepare(
        `SELECT week, COUNT(*) AS regions FROM snapshots
         WHERE source = ?1 AND week = (SELECT MAX(week) FROM snapshots WHERE source = ?1) GROUP BY week`,
      )
      .bind(source),
    // The newest chart it is on (best rank that week): the one record of it whose JSON is opened.
    db
      .prepare(
        `SELECT j.value ->> 'link' AS link, j.value ->> 'if_cml' AS if_cml
         FROM snapshots s, json_each(s.entries) j
         WHERE (s.source, s.region, s.week) = (SELECT source, region, week FROM chart_entries
                 WHERE source = ?1 AND clip_id = ?2 ORDER BY week DESC, rank, region LIMIT 1)
           AND j.value ->> 'clip_id' = ?2
         LIMIT 1`,
      )
      .bind(source, clipId),
  ]);
  const rows = <T>(result: D1Result<unknown> | undefined) => (result?.results ?? []) as T[];
  return {
    entries: rows<SoundEntryRow>(entries),
    regions: rows<SoundRegionSpanRow>(regions),
    gaps: rows<{ region: string; week: string }>(gaps),
    globalRanks: rows<{ week: string; rank: number; regions: number }>(globalRanks),
    latest: rows<{ week: string; regions: number }>(latest)[0] ?? null,
    record: rows<{ link: string | null; if_cml: number | null }>(record)[0] ?? null,
  };
}
