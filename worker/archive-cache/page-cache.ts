import { WEEK_MS, isoWeekOf, previousWeek, snapshotWindow } from "../charts/iso-week";

/**
 * How long a page rendered from the archive stays right: until the next snapshot can change it
 * (docs/site.md "edge-cached until the next snapshot"). Snapshots land only inside a week's window
 * (Monday 00:00 to Wednesday 00:00 UTC after the week) and at the run that closes it (Wednesday
 * 00:05, which records gaps): inside that, a page may change with any hourly run, so it is kept
 * briefly; outside, until the next window opens.
 */
export const IN_WINDOW_MAX_AGE = 300;
/** The closing run is scheduled at 00:05 (wrangler.toml); it may start a little late. */
const CLOSING_RUN_MARGIN_MS = 15 * 60_000;

export function secondsUntilNextSnapshot(now: number): number {
  const { opens, closes } = snapshotWindow(previousWeek(isoWeekOf(now)));
  if (now < closes + CLOSING_RUN_MARGIN_MS) return IN_WINDOW_MAX_AGE;
  return Math.ceil((opens + WEEK_MS - now) / 1000);
}

/** How long a browser keeps a page before it asks again: as long as every page of the site (site/public/_headers). */
export const BROWSER_MAX_AGE = 300;

/**
 * A browser's max-age for a copy that is right as of `asOf`: the time the archive state keying it
 * was read (archive/change-number.ts), which an isolate trusts up to a minute. Counted from then,
 * a change to the archive reaches every reader within BROWSER_MAX_AGE (docs/http.md "Caches: no
 * cached answer outlives what it describes").
 */
export function browserMaxAge(now: number, asOf: number = now): number {
  return Math.max(0, BROWSER_MAX_AGE - Math.ceil(Math.max(0, now - asOf) / 1000));
}

/**
 * The edge (the colo cache, keyed by source, archive state and shell version) keeps a page until
 * the next snapshot; browsers keep it five minutes like every page of the site (from `asOf`, see
 * browserMaxAge), so a page never outlives the archive it shows nor the stylesheet of a site
 * deployed after it. Worked out anew for every answer, a cached one too.
 */
export function pageCacheControl(now: number, asOf: number = now): string {
  const edge = secondsUntilNextSnapshot(now);
  return `public, max-age=${Math.min(browserMaxAge(now, asOf), edge)}, s-maxage=${edge}`;
}
