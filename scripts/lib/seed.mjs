// Seeds local history by running the real snapshot job (the Worker's own `scheduled`) once per
// past week, each with its own scheduled time, through wrangler's local cron endpoint.
import { isoWeekOf, previousWeek } from "../../worker/charts/iso-week.ts";

const DAY = 86_400_000;
const CRON = "17 * * * MON,TUE";

/** Monday 00:00 UTC of the ISO week containing `now`. */
function mondayOf(now) {
  const d = new Date(now);
  return Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate() - ((d.getUTCDay() + 6) % 7));
}

/** Scheduled times for the last `weeks` completed ISO weeks, oldest first: each one's Monday 00:01 after. */
export function seedTimes(now, weeks) {
  const monday = mondayOf(now);
  return Array.from({ length: weeks }, (_, i) => Math.min(now, monday - (weeks - 1 - i) * 7 * DAY + 60_000));
}

export async function seedHistory(baseUrl, { weeks = 12, now = Date.now(), log = console.log } = {}) {
  const times = seedTimes(now, weeks);
  for (const [i, time] of times.entries()) {
    const started = Date.now();
    const url = `${baseUrl}/cdn-cgi/local/scheduled?cron=${encodeURIComponent(CRON)}&time=${time}&format=json`;
    const { outcome } = await (await fetch(url)).json().catch(() => ({ outcome: "no answer" }));
    const status = await (await fetch(`${baseUrl}/api/status`)).json().catch(() => null);
    const run = status?.lastRun?.summary;
    const expected = previousWeek(isoWeekOf(time));
    // The job records every run it makes; a run it did not record was refused its lease or died.
    const recorded = run?.week === expected;
    const what = recorded
      ? `${run.week}: ${run.done.length} stored, ${run.skipped.length} already there, ${run.failed.length} failed`
      : `${expected}: no run recorded (outcome: ${outcome})`;
    log(`  [${i + 1}/${times.length}] ${what} (${((Date.now() - started) / 1000).toFixed(1)} s)`);
    if (!recorded) throw new Error(`the snapshot run for ${expected} did not run (outcome: ${outcome})`);
  }
}
