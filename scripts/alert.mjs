// `npm run alert -- <condition> "<message>"`: one JSON POST to ALERT_WEBHOOK (from the
// environment), as the Worker sends its own alerts. The rebuild workflow uses it when a step
// failed, so the webhook's secret never reaches the build. Without ALERT_WEBHOOK it only prints.
import { postAlert } from "../worker/alerts.ts";

const [condition = "alert", message = ""] = process.argv.slice(2);
const url = process.env.ALERT_WEBHOOK;
console.error(`alert ${condition}: ${message}`);
if (url) {
  const result = await postAlert(fetch, url, condition, { message }, Date.now());
  if (!result.ok) console.error(`the alert webhook did not accept it (${result.status ?? "no answer"})`);
}
