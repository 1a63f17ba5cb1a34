// `npm run alert -- <condition> "<message>"`: one JSON POST to ALERT_WEBHOOK (from the
// environment), as the Worker sends its own alerts. The rebuild workflow uses it when a step
// failed, so the webhook's secret never reaches the build. Without ALERT_WEBHOOK it only prints.
// When DEPLOY_REPORT names a file that exists (the deploy's journal of steps, scripts/deploy.mjs),
// its content is appended to the message: the alert then says which steps ran and what
// production is serving, even when the deploy itself could not send it.
import { existsSync, readFileSync } from "node:fs";
import { parseArgs } from "node:util";
import { postAlert } from "../worker/alerts.ts";

/** The journal's tail: the steps that matter most are the last ones. */
const MAX_REPORT_CHARS = 4_000;

const {
  positionals: [condition = "alert", given = ""],
} = parseArgs({ allowPositionals: true });
const reportFile = process.env.DEPLOY_REPORT;
const report = reportFile && existsSync(reportFile) ? readFileSync(reportFile, "utf8").trim() : "";
const message = report ? `${given}\n\nthe deploy's steps:\n${report.slice(-MAX_REPORT_CHARS)}` : given;
const url = process.env.ALERT_WEBHOOK;
console.error(`alert ${condition}: ${message}`);
if (url) {
  const result = await postAlert(fetch, url, condition, { message }, Date.now());
  if (!result.ok) console.error(`the alert webhook did not accept it (${result.status ?? "no answer"})`);
}
