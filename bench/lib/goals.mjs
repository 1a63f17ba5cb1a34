// The goals of issues 10 and 18, checked against the measured results: one row each, met or not,
// with the figure. Every verdict reads the quantity its goal names and can fail
// (test/unit/bench-goals.test.ts feeds each one a failing result). `met: null` marks a row that
// is information, not a goal.
import { hitGoals, tierGoals, fixedRateGoals } from "./goals-timing.mjs";
import { siteGoals } from "./goals-site.mjs";

export const row = (section, goal, measured, met) => ({ section, goal, measured, met });

function credits(c, rows) {
  for (const [key, label] of [
    ["workerStampede1s", "1,000 concurrent on a cold key, upstream 1 s → 1 request"],
    ["workerStampede8s", "1,000 concurrent on a cold key, upstream 8 s → 1 request"],
  ]) {
    const s = c[key];
    if (!s) continue;
    const ok = s.answers["200 MISS"] ?? 0;
    rows.push(
      row(
        "credits",
        label,
        `${s.upstreamRequests} request(s), ${ok}/1000 answered 200, ${s.wallSeconds} s wall (p50 ${s.p50Ms} ms)`,
        s.upstreamRequests === 1 && ok === 1000,
      ),
    );
  }
  for (const [key, label] of [
    ["workerKvOnlyStampede1s", "the Worker without the colo cache tier, upstream 1 s (comparison)"],
    ["nginxStampede1s", "nginx, same stampede, upstream 1 s (comparison)"],
    ["nginxStampede8s", "nginx, same stampede, upstream 8 s (comparison)"],
  ]) {
    const s = c[key];
    if (s)
      rows.push(
        row("credits", label, `${s.upstreamRequests} request(s), ${s.wallSeconds} s wall (p50 ${s.p50Ms} ms)`, null),
      );
  }
  if (c.zipf) rows.push(zipf(c.zipf));
  if (c.staleBurst) {
    const s = c.staleBurst;
    rows.push(
      row(
        "credits",
        "burst of 1,000 right after a key turns stale → 1 refresh, every client served the stale copy",
        `${s.refreshes} refresh(es), ${s.servedStale}/1000 STALE, ${s.wallSeconds} s wall`,
        s.refreshes === 1 && s.servedStale === 1000,
      ),
    );
  }
  if (c.invalid) {
    const v = c.invalid;
    rows.push(
      row(
        "credits",
        "10,000 invalid / cache-busting / spelling variants → 0 for invalid (400), 1 per real key, every variant 200",
        `${v.upstreamRequests} requests for ${v.realKeys} real keys; ${v.invalidAnswered400}/${v.invalidRequests} invalid answered 400, ${v.variantsAnswered200}/${v.variantRequests} variants 200`,
        v.upstreamRequests === v.realKeys &&
          v.invalidAnswered400 === v.invalidRequests &&
          v.variantsAnswered200 === v.variantRequests &&
          v.unexpectedAtFake === 0,
      ),
    );
  }
  if (c.job) {
    const j = c.job;
    rows.push(
      row(
        "credits",
        "weekly job twice, 71 regions → 355 requests, then 0",
        `${j.first.upstreamRequests} (${j.first.seconds} s), then ${j.second.upstreamRequests}; ${j.regionsStored}/71 regions stored`,
        j.first.upstreamRequests === 355 && j.second.upstreamRequests === 0 && j.regionsStored === 71,
      ),
    );
  }
}

/**
 * Judged against the minimum under the Worker's page-1-first policy (page 1 fetched to learn a
 * chart's total before a later page that may lie past it), the policy's price shown beside.
 */
function zipf(z) {
  const page1 = z.page1OnlyForTotal ?? z.minimumIfPage1First - z.minimumNeeded;
  const direct = z.minimumIfAskedDirectly;
  return row(
    "credits",
    "10,000 Zipf requests, 120 charts, every page/limit → no more than the minimum with page 1 first, ≤ 5 per chart, no page twice",
    `${z.upstreamRequests} requests vs ${z.minimumIfPage1First} minimum with page 1 first ` +
      `(any cache: ${z.minimumNeeded}; +${page1}: page 1 fetched to learn the total of a chart whose clients asked only for later pages)` +
      `${direct === undefined ? "" : `; asking each page directly: ${direct}`}; max ${z.maxPerChart} per chart, same page twice: ${z.samePageTwice}`,
    z.upstreamRequests <= z.minimumIfPage1First &&
      z.maxPerChart <= 5 &&
      z.samePageTwice === 0 &&
      (z.unexpectedAtFake ?? 0) === 0,
  );
}

function outage(o, rows) {
  rows.push(
    row(
      "credits",
      "whole-window outage (49 failing runs) → ≤ 10 % of the 1,420-credit reserve",
      `${o.outage.upstreamRequests} requests = ${o.outage.credits} credits` +
        (o.outage.creditsFromReserve === undefined
          ? ""
          : ` (${o.outage.creditsFromReserve} from the reserve, ${o.outage.creditsFromProbeAllowance} from the probes' allowance)`) +
        `: ${o.outage.percentOfReserve} % of the reserve (harness clock); recovery run: ${o.recovery.recoveryRunRequests} requests, ${o.recovery.regionsStored}/71 stored`,
      o.outage.percentOfReserve <= 10,
    ),
  );
}

/**
 * Every row for these results. `extra`: verdicts of sections owned elsewhere, by result key
 * (run.mjs passes the ten-year archive's `archive10yGoals` when that section exists).
 * @param {Record<string, any>} results
 * @param {Record<string, (result: any, rowOf: typeof row) => ReturnType<typeof row>[]>} [extra]
 */
export function evaluate(results, extra = {}) {
  const rows = [];
  if (results.credits) credits(results.credits, rows);
  if (results.outage) outage(results.outage, rows);
  if (results.hitPath) rows.push(...hitGoals(results.hitPath, row));
  if (results.tierPath) rows.push(...tierGoals(results.tierPath, row));
  if (results.fixedRate) rows.push(...fixedRateGoals(results.fixedRate, row));
  if (results.site) rows.push(...siteGoals(results.site, row));
  for (const [key, goals] of Object.entries(extra)) if (results[key]) rows.push(...goals(results[key], row));
  return rows;
}

/** A plain-text table for the terminal. */
export function table(rows) {
  const mark = (met) => (met === null ? "info" : met ? "met" : "NOT MET");
  const goalWidth = Math.min(70, Math.max(...rows.map((r) => r.goal.length)));
  const lines = [];
  let section = null;
  for (const r of rows) {
    if (r.section !== section) {
      section = r.section;
      lines.push("", `== ${section}`);
    }
    lines.push(`${mark(r.met).padEnd(8)}${r.goal.padEnd(goalWidth)}  ${r.measured}`);
  }
  return lines.join("\n");
}
