import { snapshotWindow } from "../charts/iso-week";
import type { LiveSiteRecord } from "../site-record";

/**
 * docs/operations.md "The site's age is health": the live site says which archive week it was built from;
 * once it is more than two days behind the archive's newest complete week, something upstream of
 * it failed (a disabled workflow, a lost hook, a failing deploy) and the operator must hear of it.
 * Pure: the record, the archive's weeks (ArchiveStore.newestWeeks) and the time are passed in;
 * worker/jobs/site-age-check.ts reads them.
 */
export const SITE_MAX_LAG_MS = 2 * 86_400_000;

/** One of the archive's newest weeks: its snapshots, of every region and of the configured ones. */
export interface ArchiveWeek {
  week: string;
  charts: number;
  configuredRegions: number;
  /** The newest fetched_at among the configured regions' snapshots (null: none of them has it). */
  lastFetchedAt: number | null;
}

/** A week every configured region has, or whose snapshot window has closed, and since when. */
export interface CompleteWeek {
  source: string;
  week: string;
  /** Charts of the week in the archive: what a site built from it shows of that week. */
  charts: number;
  completedAt: number;
}

export type SiteAge = { ok: true } | { ok: false; reason: string };

/**
 * When `week` became complete, or null if it is not yet at `now`: when the last configured region
 * got it, or when its window closed (the regions missing then have gaps), whichever came first.
 */
export function completedAt(week: ArchiveWeek, regionCount: number, now: number): number | null {
  const closes = snapshotWindow(week.week).closes;
  const allRegions =
    week.configuredRegions >= regionCount && week.lastFetchedAt !== null
      ? week.lastFetchedAt
      : Number.POSITIVE_INFINITY;
  const at = Math.min(allRegions, closes);
  return at <= now ? at : null;
}

/** The newest complete week among the archive's newest weeks (any order), or null. */
export function newestCompleteWeek(
  source: string,
  weeks: readonly ArchiveWeek[],
  regionCount: number,
  now: number,
): CompleteWeek | null {
  for (const week of [...weeks].sort((a, b) => (a.week < b.week ? 1 : -1))) {
    const at = completedAt(week, regionCount, now);
    if (at !== null) return { source, week: week.week, charts: week.charts, completedAt: at };
  }
  return null;
}

/** Whether the live site is healthy: not behind the complete week, or behind it for two days at most. */
export function siteAge(site: LiveSiteRecord | null, complete: CompleteWeek | null, now: number): SiteAge {
  if (complete === null) return { ok: true };
  const shows = behindBy(site, complete);
  if (shows === null) return { ok: true };
  const lag = now - complete.completedAt;
  if (lag <= SITE_MAX_LAG_MS) return { ok: true };
  const since = new Date(complete.completedAt).toISOString().replace(".000Z", "Z");
  const days = (lag / 86_400_000).toFixed(1);
  return { ok: false, reason: `${shows}; ${complete.week} has been complete since ${since} (${days} days)` };
}

/** What the site shows, said as the reason it is behind; null when it is not behind. */
function behindBy(site: LiveSiteRecord | null, complete: CompleteWeek): string | null {
  if (site === null) return "the live site does not say which week it was built from";
  if (site.source !== complete.source) return `the live site shows ${site.source} data, not ${complete.source}`;
  if (site.newestWeek === null) return "the live site shows no chart week";
  if (site.newestWeek < complete.week) return `the live site shows ${site.newestWeek}`;
  if (site.newestWeek === complete.week && site.newestWeekCharts < complete.charts)
    return `the live site shows ${site.newestWeekCharts} of ${complete.week}'s ${complete.charts} charts`;
  return null;
}
