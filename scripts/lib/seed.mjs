// Seeds local history by running the real snapshot job (the Worker's own `scheduled`) once per
// past week, each with its own scheduled time, through wrangler's local cron endpoint.
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
    const response = await fetch(`${baseUrl}/cdn-cgi/local/scheduled?cron=${encodeURIComponent(CRON)}&time=${time}`);
    await response.text();
    const status = await (await fetch(`${baseUrl}/api/status`)).json().catch(() => null);
    const run = status?.lastRun?.summary;
    const what = run
      ? `${run.week}: ${run.done.length} stored, ${run.skipped.length} already there, ${run.failed.length} failed`
      : `run at ${new Date(time).toISOString()}`;
    log(`  [${i + 1}/${times.length}] ${what} (${((Date.now() - started) / 1000).toFixed(1)} s)`);
    if (!response.ok && !run)
      throw new Error(`the snapshot run at ${new Date(time).toISOString()} failed: HTTP ${response.status}`);
  }
}
