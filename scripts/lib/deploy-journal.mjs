// The deploy's journal: each step as it happens, on the console and, when DEPLOY_REPORT names a
// file, in that file (plain text lines, written as it goes), so that a workflow's separate alert
// step — the only one that holds ALERT_WEBHOOK — can say what ran even when the deploy itself was
// killed (scripts/alert.mjs appends the file to its message).
import { appendFileSync, writeFileSync } from "node:fs";

export class Journal {
  /** @param {string | undefined} reportFile */
  constructor(reportFile) {
    this.lines = [];
    this.reportFile = reportFile || null;
    if (this.reportFile) writeFileSync(this.reportFile, "");
  }

  /** Records a step (done, or about to start). */
  note(line) {
    this.#record(line);
    console.log(`• ${line}`);
  }

  /** Records the failure that ended the deploy. */
  fail(line) {
    this.#record(line);
    console.error(`✗ ${line}`);
  }

  #record(line) {
    this.lines.push(line);
    if (this.reportFile) appendFileSync(this.reportFile, `${line}\n`);
  }

  /** Everything noted so far, one step a line. */
  text() {
    return this.lines.map((line) => `- ${line}`).join("\n");
  }
}
