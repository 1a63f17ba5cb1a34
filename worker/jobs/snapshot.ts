import type { GlobalStore } from "../archive/global";
import { previousWeek, weekToSnapshot } from "../charts/iso-week";
import { D1_MAX_QUERIES_PER_INVOCATION } from "../archive/limits";
import { CREDITS_PER_REQUEST } from "../config";
import { completeWeek } from "./complete-week";
import { type FetchDeps, type RunState, chartOf, fetchRegion } from "./fetch-region";
import { sendAlert } from "./notify";

/**
 * Workers Paid limits (developers.cloudflare.com/workers/platform/limits): 10,000 subrequests per
 * invocation, and a Cron Trigger on an hourly (or longer) schedule may use up to 15 minutes of CPU.
 * Neither is close: a full 71-region run makes about 71 × 5 gate calls, 71 × 5 KV writes and a few
 * D1 queries per region, and derivation reads only the week before. The real headroom is D1's
 * 1,000 queries per invocation (D1_MAX_QUERIES_PER_INVOCATION): the run counts its queries,
 * starts no region that could pass the limit, and reports the count (`d1Queries`).
 */
export const WORKERS_MAX_SUBREQUESTS = 10_000;
/**
 * A Cron Trigger invocation may run 15 minutes of wall time: no new region is started, and no
 * pause is waited out, past this much, so a slow or paused upstream ends a run cleanly, summary
 * stored, instead of being killed mid-way. The next hourly run carries on.
 */
export const RUN_WALL_BUDGET_MS = 10 * 60_000;
/** A run that died without releasing its lease frees it after the longest a cron invocation can live. */
export const RUN_LEASE_MS = 15 * 60_000;
/** Global rankings left due by earlier runs that one run rebuilds at most (4 queries each: GlobalStore.rebuild). */
const DUE_REBUILDS_PER_RUN = 8;
/**
 * D1 queries one region can make at worst: its store reads a batch of 4 and writes a batch of 4
 * (measured: 581 queries for a whole 71-region run, about 8 a region), twice after a conflict
 * with an import, plus an attempt record.
 */
export const D1_QUERIES_PER_REGION = 20;
/**
 * What a run does in D1 after its last region: rebuilds, the hook claim, its record, the lease,
 * and a completed week's global debuts (one query for each of at most three completeWeek calls).
 */
const RUN_TAIL_D1_QUERIES = 4 * DUE_REBUILDS_PER_RUN + 15;
/** Subrequests one region can use at worst: 5 pages (a retry and a probe besides), 5 KV writes, D1. */
const SUBREQUESTS_PER_REGION = 5 + 2 + 5 + D1_QUERIES_PER_REGION;

export interface SnapshotDeps extends FetchDeps {
  /** The global chart's ranking, rebuilt once a run stored regions of its week. */
  global: GlobalStore;
  /** Where completed weeks are backed up as JSON lines, when an R2 bucket is bound. */
  backup: R2Bucket | null;
  /** This run's name in the lease. */
  runId: string;
  /** D1 queries this invocation has made so far (the binding counts them). */
  d1Queries: () => number;
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
  /** Weeks whose global ranking this run rebuilt: its own week, and any an earlier run left due. */
  globalRebuilt: string[];
  /** How long those rebuilds took (in D1). */
  globalRebuildMs?: number;
  hooks: { week: string; result: string }[];
  /** Runs that started and never finished, found (and recorded as failed) by this one. */
  diedRuns: { week: string; startedAt: number }[];
  /** Why the run itself failed, when something threw. */
  error?: string;
  /** D1 queries of the run, up to its own record (D1 allows 1,000 per invocation). */
  d1Queries: number;
  /** Subrequests of the run: gate calls, KV writes and D1 queries (Workers Paid allows 10,000). */
  subrequests: number;
  ms: number;
}

/**
 * The weekly snapshot (docs/data-model.md "Chart data model", "The snapshot job under failure"): works on
 * the ISO week that has just ended, inside its acceptance window; stores every configured region's
 * top 100 whole or not at all; records gaps for every missed week; one run at a time. A run is
 * recorded when it starts and when it ends, so one that dies in between is found, recorded and
 * alerted by the next, which also rebuilds any global ranking it left due. Throws at the end,
 * after keeping and recording everything that succeeded, when any region failed or was deferred.
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
    globalRebuilt: [],
    hooks: [],
    diedRuns: [],
    d1Queries: 0,
    subrequests: 0,
    ms: 0,
  };
  if (!(await deps.jobLog.acquireLease(deps.runId, started, RUN_LEASE_MS))) {
    deps.log({ event: "snapshot_run_skipped", week, why: "another run holds the lease" });
    return { ...summary, leaseHeld: true };
  }
  let crashed: unknown = null;
  try {
    const runRow = await deps.jobLog.startRun(week, started, deps.runId);
    try {
      await finishEarlierRuns(deps, runRow, summary);
      await rebuildDueRankings(deps, summary);
      await closeWeeks(deps, week, open, summary);
      if (open) await fetchMissing(deps, week, scheduledTime, started, summary);
    } catch (error) {
      crashed = error;
      summary.error = error instanceof Error ? error.message : String(error);
    }
    summary.ms = deps.now() - started;
    summary.d1Queries = deps.d1Queries();
    summary.subrequests += summary.d1Queries;
    const ok = crashed === null && summary.failed.length === 0 && summary.deferred.length === 0;
    await deps.jobLog.finishRun(runRow, started + summary.ms, ok, summary);
    deps.log({ event: "snapshot_run", ok, ...summary });
    if (!ok) {
      const details = { week, failed: summary.failed, deferred: summary.deferred, error: summary.error };
      await sendAlert(deps, "run_failed", details, deps.now());
    }
  } finally {
    await deps.jobLog.releaseLease(deps.runId);
  }
  if (crashed !== null) throw crashed;
  if (summary.failed.length > 0 || summary.deferred.length > 0) {
    const failures = summary.failed.map((f) => `${f.region} (${f.reason})`).join(", ");
    throw new Error(
      `snapshot of ${week}: ${summary.failed.length} region(s) failed, ${summary.deferred.length} deferred: ${failures}`,
    );
  }
  return summary;
}

/** Runs that died before recording their end: recorded as failed and alerted, once each. */
async function finishEarlierRuns(deps: SnapshotDeps, runRow: number, summary: RunSummary): Promise<void> {
  summary.diedRuns = await deps.jobLog.closeDiedRuns(runRow, deps.now());
  if (summary.diedRuns.length > 0) await sendAlert(deps, "run_died", { runs: summary.diedRuns }, deps.now());
}

/**
 * Every week whose snapshots changed since its global ranking was rebuilt: the weeks this run
 * stored, and any an earlier run stored and died (or threw) before rebuilding.
 */
async function rebuildDueRankings(deps: SnapshotDeps, summary: RunSummary): Promise<void> {
  const due = (await deps.global.dueWeeks()).slice(-DUE_REBUILDS_PER_RUN);
  if (due.length === 0) return;
  const rebuilding = deps.now();
  for (const week of due) {
    await deps.global.rebuild(week);
    summary.globalRebuilt.push(week);
  }
  summary.globalRebuildMs = (summary.globalRebuildMs ?? 0) + deps.now() - rebuilding;
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
    gateCalls: 0,
    kvWrites: 0,
    stopped: null,
  };
  summary.halfOpen = run.probe && order.length > 0;
  for (const region of order) {
    if (run.stopped !== null || deps.now() >= run.deadline || !roomForRegion(deps, run)) {
      summary.deferred.push(region);
      continue;
    }
    const callsBefore = run.calls;
    const reason = await snapshotRegion(deps, run, region);
    if (reason === null) summary.done.push(region);
    else {
      summary.failed.push({ region, reason });
      await jobLog.recordFailedAttempt(week, region, deps.now(), reason);
    }
    deps.log({ event: "snapshot_region", week, region, ok: reason === null, calls: run.calls - callsBefore, reason });
  }
  summary.stopped = run.stopped;
  summary.creditsSpent = run.calls * CREDITS_PER_REQUEST;
  summary.subrequests = run.gateCalls + run.kvWrites;
  // The week's global ranking before its hook: the site build reads it.
  await rebuildDueRankings(deps, summary);
  const complete = config.regions.every((r) => stored.has(r) || summary.done.includes(r));
  if (complete) summary.hooks.push({ week, result: await completeWeek(deps, week, deps.now()) });
}

/** Whether one more region fits in what is left of the invocation's D1 queries and subrequests. */
function roomForRegion(deps: SnapshotDeps, run: RunState): boolean {
  const d1 = deps.d1Queries();
  const queriesLeft = D1_MAX_QUERIES_PER_INVOCATION - RUN_TAIL_D1_QUERIES - d1;
  const subrequests = run.gateCalls + run.kvWrites + d1;
  return queriesLeft >= D1_QUERIES_PER_REGION && subrequests + SUBREQUESTS_PER_REGION <= WORKERS_MAX_SUBREQUESTS;
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
