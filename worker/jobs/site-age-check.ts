import { type CompleteWeek, newestCompleteWeek, type SiteAge, siteAge } from "../archive/site-age";
import type { ArchiveStore } from "../archive/store";
import type { LiveSiteRecord } from "../site-record";
import { type NotifyDeps, sendAlert } from "./notify";

/**
 * The site-age check's reads (docs/operations.md "The site's age is health"), shared by /healthz/data and
 * the daily cron: the live site's record and the archive's newest complete week. The newest two
 * weeks are enough: a week's snapshots are taken only once the week before's window has closed,
 * so the week before the newest one is complete.
 */
const WEEKS_LOOKED_AT = 2;

export interface LiveSiteAge {
  site: LiveSiteRecord | null;
  complete: CompleteWeek | null;
  age: SiteAge;
}

export async function liveSiteAge(
  archive: ArchiveStore,
  regions: readonly string[],
  readSite: () => Promise<LiveSiteRecord | null>,
  now: number,
): Promise<LiveSiteAge> {
  const [weeks, site] = await Promise.all([archive.newestWeeks(regions, WEEKS_LOOKED_AT), readSite()]);
  const complete = newestCompleteWeek(archive.source, weeks, regions.length, now);
  return { site, complete, age: siteAge(site, complete, now) };
}

export interface SiteAgeDeps extends NotifyDeps {
  readSite: () => Promise<LiveSiteRecord | null>;
}

/**
 * The daily cron: one JSON log line either way; when the site is behind, one alert per complete
 * week and source (the claim's period is the week, so the daily runs after the first say nothing
 * more until the next week is complete and still not live).
 */
export async function runSiteAgeCheck(deps: SiteAgeDeps, now: number): Promise<LiveSiteAge> {
  const checked = await liveSiteAge(deps.archive, deps.config.regions, deps.readSite, now);
  const { site, complete, age } = checked;
  deps.log({
    event: age.ok ? "site_age_ok" : "site_behind",
    source: deps.config.dataSource,
    liveWeek: site?.newestWeek ?? null,
    liveCharts: site?.newestWeekCharts ?? null,
    completeWeek: complete?.week ?? null,
    completeCharts: complete?.charts ?? null,
    ...(age.ok ? {} : { reason: age.reason }),
  });
  if (!age.ok && complete) {
    const details = {
      week: complete.week,
      completedAt: new Date(complete.completedAt).toISOString(),
      liveWeek: site?.newestWeek ?? null,
      liveChange: site?.change ?? null,
      reason: age.reason,
    };
    await sendAlert(deps, "site_behind", details, now, complete.week);
  }
  return checked;
}
