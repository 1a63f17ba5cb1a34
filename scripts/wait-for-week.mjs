// `npm run wait-for-week -- --url https://<worker> [--week 2026-W47] [--minutes 45]`: waits until
// the Worker's /api/status shows the week complete (default: the week that just ended), or the time
// limit passes (then it says so and exits 0: a late region must not block the weekly rebuild).
import { parseArgs } from "node:util";
import { waitForWeek, weekJustEnded } from "./lib/week-status.mjs";

const { values: options } = parseArgs({
  options: { url: { type: "string" }, week: { type: "string" }, minutes: { type: "string", default: "45" } },
});
const url = (options.url || process.env.SITE_ORIGIN || "").replace(/\/+$/, "");
const week = options.week || weekJustEnded(Date.now());
const minutes = Number(options.minutes);
if (!url || !Number.isFinite(minutes) || minutes < 0) {
  console.error("usage: npm run wait-for-week -- --url https://<your worker> [--week YYYY-Www] [--minutes 45]");
  process.exit(2);
}
console.log(`• waiting up to ${minutes} min for ${week} to be complete at ${url}`);
const complete = await waitForWeek(url, { week, minutes });
console.log(complete ? `• ${week} is complete` : `• time limit reached: going on with what is there`);
