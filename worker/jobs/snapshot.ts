import type { ChartQuery } from "../cache/keys";
import { gateSettings } from "../cache/answers";
import { previousWeek, weekToSnapshot } from "../charts/iso-week";
import type { UpstreamErrorKind } from "../errors";
import type { FreshOptions, Gate, GateAnswer } from "../upstream/gate";
import { assembleChart, SNAPSHOT_PAGES } from "./assemble";
import { callBuildHook, type NotifyDeps, sendAlert } from "./notify";

/**
 * Workers limits the job stays under (developers.cloudflare.com/workers/platform/limits, Paid):
 * 1,000 subrequests per invocation (each gate call and D1 query counts) and 6 simultaneous open
 * connections. A region costs 5 page calls (+5 retries at most) and ~4 D1 queries, so one run
 * covers 71 regions in ~700 subrequests at worst. CPU: derivation is linear in a region's
 * history, well inside the 30 s default CPU per invocation.
 */
export const WORKERS_MAX_SUBREQUESTS = 1_000;
/** Pages of one region are fetched together (5), under the 6 simultaneous connections allowed. */
export const WORKERS_MAX_OPEN_CONNECTIONS = 6;
/** CPU per invocation on Workers Paid by default (up to 5 min with `limits.cpu_ms`); a region costs milliseconds. */
export const WORKERS_CPU_MS_PER_INVOCATION = 30_000;
/**
 * A Cron Trigger invocation may run 15 minutes of wall time; new regions are not started after
 * this much, so a slow upstream (10 s timeouts) ends a run cleanly, summary stored, instead of
 * being killed mid-way. The next hourly run carries on.
 */
export const RUN_WALL_BUDGET_MS = 10 * 60_000;
/** One try plus one retry per page: the reserve (20 credits a region) pays for exactly that. */
export const PAGE_ATTEMPTS = 2;
/** Wait before a page's retry: the upstream just failed (the job is not held by the proxy's backoff). */
export const PAGE_RETRY_DELAY_MS = 2_000;
/**
 * Regions failing in a row before a run stops: an upstream outage must not burn the whole weekly
 * reserve (every region × 2 attempts) in one run; the next hourly run retries the rest.
 */
export const MAX_FAILED_REGIONS_IN_A_ROW = 2;
/** Subrequests one region can use at worst; a run stops taking new regions before the limit. */
const SUBREQUESTS_PER_REGION = SNAPSHOT_PAGES * PAGE_ATTEMPTS + 6;

export interface SnapshotDeps extends NotifyDeps {
  gate: DurableObjectStub<Gate>;
  /** Current-week runs also refresh the proxy's copies; backfills (a past scheduled time) never do. */
  refreshProxy: boolean;
  /** Where completed weeks are backed up as JSON lines, when an R2 bucket is bound. */
  backup: R2Bucket | null;
}

export interface RunSummary {
  week: string;
  windowOpen: boolean;
  done: string[];
  skipped: string[];
  failed: { region: string; reason: string }[];
  deferred: string[];
  gaps: { week: string; regions: string[] }[];
  creditsSpent: number;
  hooks: { week: string; result: string }[];
  ms: number;
}

/** Refusals the gate answers without calling: retrying them in this run is pointless. */
const STOPS_THE_RUN: ReadonlySet<UpstreamErrorKind> = new Set(["cooldown", "paused", "budget", "not_configured"]);

export async function runWeeklySnapshot(deps: SnapshotDeps, scheduledTime: number): Promise<RunSummary> {
  const started = Date.now();
  const { week, open } = weekToSnapshot(scheduledTime);
  const summary: RunSummary = {
    week,
    windowOpen: open,
    done: [],
    skipped: [],
    failed: [],
    deferred: [],
    gaps: [],
    creditsSpent: 0,
    hooks: [],
    ms: 0,
  };
  const { config, archive } = deps;

  // Weeks whose window has closed: the one before (always), and this one when the run is late.
  for (const closed of open ? [previousWeek(week)] : [previousWeek(week), week])
    await closeWeek(deps, closed, scheduledTime, summary);

  if (open) {
    const stored = await archive.regionsWithSnapshot(week);
    summary.skipped = config.regions.filter((r) => stored.has(r));
    let stopped: string | null = null;
    let subrequests = 0;
    let failedInARow = 0;
    for (const region of config.regions.filter((r) => !stored.has(r))) {
      const outOfTime = Date.now() - started > RUN_WALL_BUDGET_MS;
      if (stopped !== null || outOfTime || subrequests + SUBREQUESTS_PER_REGION > WORKERS_MAX_SUBREQUESTS) {
        summary.deferred.push(region);
        continue;
      }
      const result = await snapshotRegion(deps, region, week, scheduledTime);
      subrequests += result.calls + 4;
      summary.creditsSpent += result.calls * 2;
      if (result.ok) summary.done.push(region);
      else summary.failed.push({ region, reason: result.reason });
      failedInARow = result.ok ? 0 : failedInARow + 1;
      if (!result.ok && result.stop) stopped = result.reason;
      if (failedInARow >= MAX_FAILED_REGIONS_IN_A_ROW) stopped = "upstream failing: the next run retries";
      // Cool-downs and a drying source are alerted by the gate, which sees them first.
      deps.log({
        event: "snapshot_region",
        week,
        region,
        ok: result.ok,
        calls: result.calls,
        ...(result.ok ? {} : { reason: result.reason }),
      });
    }
    const complete = config.regions.every((r) => stored.has(r) || summary.done.includes(r));
    if (complete) summary.hooks.push({ week, result: await completeWeek(deps, week, scheduledTime) });
  }

  summary.ms = Date.now() - started;
  const ok = summary.failed.length === 0 && summary.deferred.length === 0;
  await deps.jobLog.recordRun(week, scheduledTime, scheduledTime + summary.ms, ok, summary);
  deps.log({ event: "snapshot_run", ok, ...summary });
  if (!ok) {
    await sendAlert(deps, "run_failed", { week, failed: summary.failed, deferred: summary.deferred }, scheduledTime);
    throw new Error(
      `snapshot of ${week}: ${summary.failed.length} region(s) failed, ${summary.deferred.length} deferred: ${summary.failed.map((f) => `${f.region} (${f.reason})`).join(", ")}`,
    );
  }
  return summary;
}

/** A closed week: regions without a snapshot get a gap, and the (now final) week is announced. */
async function closeWeek(deps: SnapshotDeps, week: string, now: number, summary: RunSummary): Promise<void> {
  const stored = await deps.archive.regionsWithSnapshot(week);
  const started = await deps.archive.regionsArchivedBefore(week);
  // Only regions already archived can have a gap: a region's history starts with its first week.
  const missing = deps.config.regions.filter((r) => !stored.has(r) && started.has(r));
  const newGaps = await deps.jobLog.recordGaps(missing, week, now);
  if (newGaps.length > 0) {
    summary.gaps.push({ week, regions: newGaps });
    await sendAlert(deps, `missed_window:${week}`, { week, regions: newGaps }, now);
  }
  if (stored.size > 0) {
    const result = await completeWeek(deps, week, now);
    if (result !== "already" && result !== "unset") summary.hooks.push({ week, result });
  }
}

/** A week every region that will get a snapshot has one: back it up, then ask for the site build. */
async function completeWeek(deps: SnapshotDeps, week: string, now: number): Promise<string> {
  if (deps.backup) {
    const key = `weeks/${week}.jsonl`;
    try {
      const stored = (await deps.archive.regionsWithSnapshot(week)).size;
      const existing = await deps.backup.head(key);
      // Rewritten only when the week grew (a late region): the object always holds the whole week.
      // Counted first, so an unchanged week costs no load of its charts.
      if (existing?.customMetadata?.charts !== String(stored)) {
        const charts = await deps.archive.chartsOfWeek(week);
        await deps.backup.put(
          key,
          charts
            .map((chart) => JSON.stringify(chart))
            .join("\n")
            .concat("\n"),
          {
            httpMetadata: { contentType: "application/x-ndjson" },
            customMetadata: { charts: String(charts.length) },
          },
        );
        deps.log({ event: "week_backed_up", week, key, charts: charts.length });
      }
    } catch (error) {
      // The archive in D1 is intact; the backup is retried when the week is closed next run.
      deps.log({ event: "backup_failed", week, error: String(error) });
    }
  }
  return callBuildHook(deps, week, now);
}

type RegionResult =
  | { ok: true; calls: number }
  | { ok: false; calls: number; reason: string; kind: UpstreamErrorKind | "invalid_chart" | "store"; stop: boolean };

async function snapshotRegion(
  deps: SnapshotDeps,
  region: string,
  week: string,
  scheduledTime: number,
): Promise<RegionResult> {
  const chart: ChartQuery = { region, period: 7, newToTop100: false, commercialMusic: false, searchKeyword: null };
  const settings = gateSettings(deps.config);
  const options: FreshOptions = { asOf: scheduledTime, refreshProxy: deps.refreshProxy };
  let calls = 0;
  const fetchPage = async (page: number): Promise<GateAnswer> => {
    let answer: GateAnswer = { kind: "error", error: "network", message: "not tried", retryAfter: null };
    for (let attempt = 0; attempt < PAGE_ATTEMPTS; attempt++) {
      if (attempt > 0) await deps.sleep(PAGE_RETRY_DELAY_MS);
      answer = (await deps.gate.freshPage(chart, page, settings, options, scheduledTime)) as GateAnswer;
      if (answer.kind !== "error" || !STOPS_THE_RUN.has(answer.error)) calls++;
      if (answer.kind !== "error" || STOPS_THE_RUN.has(answer.error)) break;
    }
    return answer;
  };
  const answers = await Promise.all(Array.from({ length: SNAPSHOT_PAGES }, (_, i) => fetchPage(i + 1)));
  const failure = answers.find((a) => a.kind === "error");
  if (failure?.kind === "error") {
    return {
      ok: false,
      calls,
      reason: `${failure.error}: ${failure.message}`,
      kind: failure.error,
      stop: STOPS_THE_RUN.has(failure.error),
    };
  }
  const pages = answers.flatMap((a) =>
    a.kind === "page" ? [{ page: a.entry.page, total: a.entry.pagination.total, rows: a.entry.sound_list }] : [],
  );
  const assembled = assembleChart(pages);
  if (!assembled.ok) return { ok: false, calls, reason: assembled.reason, kind: "invalid_chart", stop: false };
  const fetchedAt = Math.min(...answers.map((a) => (a.kind === "page" ? a.entry.fetchedAt : scheduledTime)));
  try {
    await deps.archive.storeSnapshot({
      region,
      week,
      fetchedAt,
      source: deps.config.dataSource,
      entries: assembled.entries,
    });
    return { ok: true, calls };
  } catch (error) {
    return {
      ok: false,
      calls,
      reason: `store failed: ${error instanceof Error ? error.message : String(error)}`,
      kind: "store",
      stop: false,
    };
  }
}
