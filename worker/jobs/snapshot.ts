import type { GlobalStore } from "../archive/global";
import { previousWeek, weekToSnapshot } from "../charts/iso-week";
import { CREDITS_PER_REQUEST } from "../config";
import { completeWeek } from "./complete-week";
import { type FetchDeps, type RunState, chartOf, fetchRegion } from "./fetch-region";
import { sendAlert } from "./notify";

/**
 * Workers limits the job stays under (developers.cloudflare.com/workers/platform/limits, Paid):
 * 1,000 subrequests per invocation (each gate call and D1 query counts). A region costs 5 page
 * calls (+ retries) and a few D1 queries, so one run covers 71 regions in ~500 subrequests. CPU:
 * derivation is linear in a region's history, well inside the 30 s default CPU per invocation.
 */
export const WORKERS_MAX_SUBREQUESTS = 1_000;
/**
 * A Cron Trigger invocation may run 15 minutes of wall time: no new region is started, and no
 * pause is waited out, past this much, so a slow or paused upstream ends a run cleanly, summary
 * stored, instead of being killed mid-way. The next hourly run carries on.
 */
export const RUN_WALL_BUDGET_MS = 10 * 60_000;
/** A run that died without releasing its lease frees it after the longest a cron invocation can live. */
export const RUN_LEASE_MS = 15 * 60_000;
/** Subrequests one region can use at worst (5 pages twice, D1 reads and the batch). */
const SUBREQUESTS_PER_REGION = 5 * 2 + 6;

export interface SnapshotDeps extends FetchDeps {
  /** The global chart's ranking, rebuilt once a run stored regions of its week. */
  global: GlobalStore;
  /** Where completed weeks are backed up as JSON lines, when an R2 bucket is bound. */
  backup: R2Bucket | null;
  /** This run's name in the lease. */
  runId: string;
}

export interface RunSummary {
  week: string;
  source: string;
  windowOpen: boolean;
  /** Another run held the lease: this one did nothing. */
  leaseHeld: boolean;
  halfOpen: boolean;
  done: string[];
  skipped: string[];
  failed: { region: string; reason: string }[];
  deferred: string[];
  stopped: string | null;
  gaps: { week: string; regions: string[] }[];
  creditsSpent: number;
  /** How long the week's global ranking took to rebuild (in D1), when this run stored regions. */
  globalRebuildMs?: number;
  hooks: { week: string; result: string }[];
  ms: number;
}

/**
 * The weekly snapshot (DESIGN.md "Chart data model", "The snapshot job under failure"): works on
 * the ISO week that has just ended, inside its acceptance window; stores every configured region's
 * top 100 whole or not at all; records gaps for every missed week; one run at a time. Throws at the
 * end, after keeping everything that succeeded, when any region failed or was deferred.
 */
export async function runWeeklySnapshot(deps: SnapshotDeps, scheduledTime: number): Promise<RunSummary> {
  const started = deps.now();
  const { week, open } = weekToSnapshot(scheduledTime);
  const summary: RunSummary = {
    week,
    source: deps.config.dataSource,
    windowOpen: open,
    leaseHeld: false,
    halfOpen: false,
    done: [],
    skipped: [],
    failed: [],
    deferred: [],
    stopped: null,
    gaps: [],
    creditsSpent: 0,
    hooks: [],
    ms: 0,
  };
  if (!(await deps.jobLog.acquireLease(deps.runId, started, RUN_LEASE_MS))) {
    deps.log({ event: "snapshot_run_skipped", week, why: "another run holds the lease" });
    return { ...summary, leaseHeld: true };
  }
  try {
    await closeWeeks(deps, week, open, summary);
    if (open) await fetchMissing(deps, week, scheduledTime, started, summary);
  } finally {
    await deps.jobLog.releaseLease(deps.runId);
  }

  summary.ms = deps.now() - started;
  const ok = summary.failed.length === 0 && summary.deferred.length === 0;
  await deps.jobLog.recordRun(week, started, started + summary.ms, ok, summary);
  deps.log({ event: "snapshot_run", ok, ...summary });
  if (!ok) {
    await sendAlert(deps, "run_failed", { week, failed: summary.failed, deferred: summary.deferred }, started);
    const failures = summary.failed.map((f) => `${f.region} (${f.reason})`).join(", ");
    throw new Error(
      `snapshot of ${week}: ${summary.failed.length} region(s) failed, ${summary.deferred.length} deferred: ${failures}`,
    );
  }
  return summary;
}

/** Closed weeks: every missed week since each region's first gets its gap; complete weeks are announced. */
async function closeWeeks(deps: SnapshotDeps, week: string, open: boolean, summary: RunSummary): Promise<void> {
  const now = deps.now();
  const lastClosed = open ? previousWeek(week) : week;
  summary.gaps = await deps.jobLog.recordMissedWeeks(deps.config.regions, lastClosed, now);
  for (const gap of summary.gaps) await sendAlert(deps, `missed_window:${gap.week}`, gap, now);
  for (const closed of open ? [previousWeek(week)] : [previousWeek(week), week]) {
    if ((await deps.archive.regionsWithSnapshot(closed)).size === 0) continue;
    const result = await completeWeek(deps, closed, now);
    if (result !== "already" && result !== "unset") summary.hooks.push({ week: closed, result });
  }
}

async function fetchMissing(
  deps: SnapshotDeps,
  week: string,
  scheduledTime: number,
  started: number,
  summary: RunSummary,
): Promise<void> {
  const { config, archive, jobLog } = deps;
  const stored = await archive.regionsWithSnapshot(week);
  summary.skipped = config.regions.filter((r) => stored.has(r));
  const attempts = await jobLog.attempts(week);
  // Regions not yet tried in this window first (in configured order), then those that failed,
  // longest ago first: a region that keeps failing never holds up the others.
  const missing = config.regions.filter((r) => !stored.has(r));
  const order = [
    ...missing.filter((r) => !attempts.has(r)),
    ...missing
      .filter((r) => attempts.has(r))
      .sort((a, b) => (attempts.get(a)?.lastAttemptAt ?? 0) - (attempts.get(b)?.lastAttemptAt ?? 0)),
  ];
  const health = await deps.gate.health();
  const run: RunState = {
    week,
    scheduledTime,
    deadline: started + RUN_WALL_BUDGET_MS,
    probe: health.lastCallFailed,
    upstreamFailures: 0,
    calls: 0,
    stopped: null,
  };
  summary.halfOpen = run.probe && order.length > 0;
  let subrequests = 0;
  for (const region of order) {
    const outOfTime = deps.now() >= run.deadline;
    if (run.stopped !== null || outOfTime || subrequests + SUBREQUESTS_PER_REGION > WORKERS_MAX_SUBREQUESTS) {
      summary.deferred.push(region);
      continue;
    }
    const callsBefore = run.calls;
    const reason = await snapshotRegion(deps, run, region);
    subrequests += run.calls - callsBefore + 4;
    if (reason === null) summary.done.push(region);
    else {
      summary.failed.push({ region, reason });
      await jobLog.recordFailedAttempt(week, region, deps.now(), reason);
    }
    deps.log({ event: "snapshot_region", week, region, ok: reason === null, calls: run.calls - callsBefore, reason });
  }
  if (summary.done.length > 0) {
    const rebuilding = deps.now();
    await deps.global.rebuild(week);
    summary.globalRebuildMs = deps.now() - rebuilding;
  }
  summary.stopped = run.stopped;
  summary.creditsSpent = run.calls * CREDITS_PER_REQUEST;
  const complete = config.regions.every((r) => stored.has(r) || summary.done.includes(r));
  if (complete) summary.hooks.push({ week, result: await completeWeek(deps, week, deps.now()) });
}

/** One region: fetched, assembled and stored whole; null, or why not. */
async function snapshotRegion(deps: SnapshotDeps, run: RunState, region: string): Promise<string | null> {
  const fetched = await fetchRegion(deps, run, region);
  if (!fetched.ok) return fetched.reason;
  const assembled = chartOf(region, fetched.entries);
  if (!assembled.ok) return assembled.reason;
  try {
    await deps.archive.storeSnapshot({
      region,
      week: run.week,
      fetchedAt: Math.min(...fetched.entries.map((p) => p.fetchedAt)),
      source: deps.config.dataSource,
      entries: assembled.entries,
    });
    return null;
  } catch (error) {
    return `store failed: ${error instanceof Error ? error.message : String(error)}`;
  }
}
