// Is a chart week complete according to a Worker's public /api/status? Shared by
// `npm run wait-for-week` and `npm run deploy -- --wait`.
import { isoWeekOf, previousWeek, weekStart } from "../../worker/charts/iso-week.ts";

/** The week the weekly job works on at `now`: the ISO week that has just ended. */
export function weekJustEnded(now) {
  return previousWeek(isoWeekOf(now));
}

/**
 * Complete when every region the job covers has the week (or a later one), or when the week's
 * snapshot window has closed (Wednesday 00:00 UTC after it): the regions still missing then have
 * gaps, and nothing more will come.
 * @param {{ regions: { latestWeek: string | null }[] }} status
 */
export function weekComplete(status, week, now) {
  const closes = weekStart(week) + 9 * 86_400_000;
  if (now >= closes) return { complete: true, why: "its snapshot window has closed" };
  const missing = status.regions.filter((r) => !r.latestWeek || r.latestWeek < week).length;
  return missing === 0
    ? { complete: true, why: `all ${status.regions.length} regions have it` }
    : { complete: false, why: `${missing} of ${status.regions.length} regions still missing` };
}

/** Polls `<url>/api/status` until the week is complete or `minutes` have passed; true if complete. */
export async function waitForWeek(url, { week, minutes, log = console.log, now = () => Date.now() }) {
  const deadline = now() + minutes * 60_000;
  for (;;) {
    const status = await fetch(`${url}/api/status`)
      .then((r) => (r.ok ? r.json() : null))
      .catch(() => null);
    const state = status ? weekComplete(status, week, now()) : { complete: false, why: "no answer from /api/status" };
    log(`  ${week}: ${state.why}`);
    if (state.complete) return true;
    if (now() >= deadline) return false;
    await new Promise((resolve) => setTimeout(resolve, Math.min(60_000, Math.max(1_000, deadline - now()))));
  }
}
