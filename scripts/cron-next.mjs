// `npm run cron:next`: runs the weekly snapshot job on the running `npm start` for the week after
// the newest one archived (as the cron would on that Monday), then waits until that week's pages
// are served — the job's build hook rebuilds the site on the same URL. URL (or PORT) picks the server.
import { nextWeek, weekStart } from "../worker/charts/iso-week.ts";

const base = (process.env.URL || `http://127.0.0.1:${process.env.PORT || 8787}`).replace(/\/+$/, "");
const CRON = "17 * * * MON,TUE";

const status = await fetch(`${base}/api/status`)
  .then((r) => r.json())
  .catch(() => null);
if (!status) {
  console.error(`no Trending Sounds at ${base}: start it with npm start (or set URL / PORT)`);
  process.exit(2);
}
const newest = status.regions
  .map((r) => r.latestWeek)
  .filter(Boolean)
  .sort()
  .at(-1);
if (!newest) {
  console.error("the archive is empty: nothing to follow (npm start seeds it on the demo source)");
  process.exit(2);
}
const week = nextWeek(newest);
// Monday 00:17 UTC after the week: the first hourly run of its snapshot window.
const time = weekStart(nextWeek(week)) + 17 * 60_000;
console.log(`• running the snapshot job for ${week} (scheduled time ${new Date(time).toISOString()})`);
const response = await fetch(`${base}/cdn-cgi/local/scheduled?cron=${encodeURIComponent(CRON)}&time=${time}`);
const outcome = await response.text();
const run = (await (await fetch(`${base}/api/status`)).json()).lastRun;
console.log(
  `  ${outcome}: ${run?.summary?.done?.length ?? 0} regions stored, ${run?.summary?.failed?.length ?? 0} failed`,
);
const region = status.regions.find((r) => r.latestWeek)?.region;
const page = `${base}/charts/${region}/${week}/`;
console.log(`• waiting for the site to be rebuilt with ${week}`);
// Asked five times a second (a miss is the Worker's small 404 page): seen within 0.2 s of being served.
for (const deadline = Date.now() + 300_000; Date.now() < deadline; ) {
  const answer = await fetch(page).catch(() => null);
  if (answer?.ok) {
    console.log(`  live: ${page}`);
    process.exit(0);
  }
  await answer?.body?.cancel();
  await new Promise((resolve) => setTimeout(resolve, 200));
}
console.error(`  ${page} did not appear within 5 minutes: is npm start running, with its build hook?`);
process.exit(1);
