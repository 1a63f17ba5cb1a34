import type { UpstreamErrorKind } from "../errors";
import { type ChartQuery, answerKey } from "../proxy/keys";
import { gateSettings } from "../proxy/settings";
import type { StoredPage } from "../proxy/stored-page";
import { writeAnswerToKv } from "../proxy/tiers";
import type { FreshOptions, Gate, GateAnswer } from "../upstream/gate";
import { SNAPSHOT_PAGES, assembleChart } from "./assemble";
import type { NotifyDeps } from "./notify";

/**
 * One region's top 100 for the snapshot job, under docs/weekly-archive.md "The snapshot job under failure":
 * region-specific failures fail the region, never the run; upstream-wide failures pause every
 * caller, and the job obeys the pause like the proxy, retries after the pause ended with one page
 * (a probe) before fanning out again, and stops the run at its second upstream-wide failure (so a
 * failed page is retried at most once), when a pause outlasts its wall-time budget, or at once
 * when a half-open probe fails. A probe that gets an answer from the upstream, even a bad chart
 * for its region, has proved the upstream is up: the run goes on.
 */
export interface FetchDeps extends NotifyDeps {
  gate: DurableObjectStub<Gate>;
  /** The proxy's KV, for the current week's pages (period 7, unfiltered) when refreshProxy is set. */
  kv: KVNamespace;
  /** The real clock: pauses and the wall-time budget are timed on it, never on scheduledTime. */
  now: () => number;
  refreshProxy: boolean;
  /** The invocation's waitUntil: work the run starts but must not wait on (KV writes). */
  waitUntil: (promise: Promise<unknown>) => void;
}

/** What a run shares between its regions. */
export interface RunState {
  week: string;
  scheduledTime: number;
  /** No new waits or regions past this point (epoch ms). */
  deadline: number;
  /** The last upstream call failed before this run: its first call is a probe that stops the run if it fails. */
  probe: boolean;
  /** Upstream-wide failures so far; parallel failures of one batch count once. */
  upstreamFailures: number;
  /** Credits-bearing calls made (each costs CREDITS_PER_REQUEST). */
  calls: number;
  /** Questions to the gate (subrequests, whether or not the gate called the upstream). */
  gateCalls: number;
  /** KV writes handed to waitUntil (subrequests too). */
  kvWrites: number;
  /** Why the run stopped taking regions, once it has. */
  stopped: string | null;
}

export type RegionResult = { ok: true; entries: StoredPage[] } | { ok: false; reason: string };

/** Failures of the upstream as a whole (docs/weekly-archive.md): every caller is paused, not just this region. */
const UPSTREAM_WIDE: ReadonlySet<UpstreamErrorKind> = new Set(["timeout", "network", "http", "cooldown", "paused"]);
/** Refusals no wait can cure within this run. */
const STOPS_THE_RUN: ReadonlySet<UpstreamErrorKind> = new Set(["budget", "not_configured", "client_limit"]);

type ErrorAnswer = Extract<GateAnswer, { kind: "error" }>;

export async function fetchRegion(deps: FetchDeps, run: RunState, region: string): Promise<RegionResult> {
  const chart: ChartQuery = { region, period: 7, newToTop100: false, commercialMusic: false, searchKeyword: null };
  const options: FreshOptions = {
    asOf: run.scheduledTime,
    reserveWeek: run.week,
    keepForProxy: deps.refreshProxy,
  };
  // Page 1 alone first: a failing upstream then costs one call, not five.
  const first = await fetchPages(deps, run, chart, options, [1]);
  if (!first.ok) return first;
  const rest = await fetchPages(
    deps,
    run,
    chart,
    options,
    Array.from({ length: SNAPSHOT_PAGES - 1 }, (_, i) => i + 2),
  );
  if (!rest.ok) return rest;
  return { ok: true, entries: [...first.entries, ...rest.entries] };
}

async function fetchPages(
  deps: FetchDeps,
  run: RunState,
  chart: ChartQuery,
  options: FreshOptions,
  pages: number[],
): Promise<RegionResult> {
  const settings = gateSettings(deps.config);
  const got: StoredPage[] = [];
  let pending = pages;
  while (pending.length > 0) {
    // Half-open (the upstream's last call failed): one page, paid as a probe, before any fan-out.
    const probing = run.probe;
    const batch = probing ? pending.slice(0, 1) : pending;
    run.gateCalls += batch.length;
    const answers = await Promise.all(
      batch.map(async (page) => ({
        page,
        answer: (await deps.gate.freshPage(chart, page, settings, { ...options, probe: probing })) as GateAnswer,
      })),
    );
    const failed: { page: number; answer: ErrorAnswer }[] = [];
    for (const { page, answer } of answers) {
      if (answer.kind === "error") {
        if (answer.charged) run.calls++;
        failed.push({ page, answer });
        continue;
      }
      if (answer.kind !== "page") return { ok: false, reason: "upstream answered no page" };
      run.calls++;
      got.push(answer.entry);
      if (answer.writeKv) refreshProxyCopy(deps, run, chart, answer.entry);
    }
    pending = pending.filter((page) => !got.some((entry) => entry.page === page));
    // Any answer from the upstream itself, even a bad chart for this region, proves it is up.
    const upstreamAnswered = answers.some(
      ({ answer }) =>
        answer.kind === "page" || (answer.kind === "error" && answer.charged && !UPSTREAM_WIDE.has(answer.error)),
    );
    if (upstreamAnswered) run.probe = false;
    if (failed.length === 0) continue;

    const stopper = failed.find(({ answer }) => STOPS_THE_RUN.has(answer.error));
    if (stopper) return stop(run, describe(stopper.answer));
    const regional = failed.find(({ answer }) => answer.charged && !UPSTREAM_WIDE.has(answer.error));
    if (regional) return { ok: false, reason: describe(regional.answer) };
    const called = failed.find(({ answer }) => answer.charged);
    if (called) {
      // Parallel failures of one batch are one failure: the upstream failed once, for all of them.
      run.upstreamFailures++;
      if (run.upstreamFailures >= 2) return stop(run, `upstream failing: ${describe(called.answer)}`);
      if (probing) return stop(run, `half-open probe failed: ${describe(called.answer)}`);
      // The retry after the pause is a probe: one page proves the upstream is back before the
      // rest fan out again, so a run never pays for more failed calls than its stop rule allows.
      run.probe = true;
    }
    // Obey the pause every caller is under, then try the failed pages again.
    const until = Math.max(...failed.map(({ answer }) => answer.pausedUntil ?? 0));
    if (until > run.deadline)
      return stop(run, `upstream paused past this run's time budget (${describe(failed[0]!.answer)})`);
    const wait = until - deps.now();
    if (wait > 0) await deps.sleep(wait);
  }
  return { ok: true, entries: got };
}

function stop(run: RunState, reason: string): RegionResult {
  run.stopped = reason;
  return { ok: false, reason };
}

function describe(answer: ErrorAnswer): string {
  return `${answer.error}: ${answer.message}`;
}

/**
 * The current week's pages are the proxy's newest answers too: its KV copies get them. Handed to
 * the invocation's waitUntil, never awaited by the run: a KV write that never settles must not
 * hold the run (and its lease) up. The gate keeps the copy meanwhile.
 */
function refreshProxyCopy(deps: FetchDeps, run: RunState, chart: ChartQuery, entry: StoredPage): void {
  run.kvWrites++;
  deps.waitUntil(
    answerKey(deps.config.dataSource, chart, entry.page).then((key) =>
      writeAnswerToKv(deps.kv, key, JSON.stringify(entry), entry.fetchedAt, deps.config),
    ),
  );
}

/** Pages → one validated chart (pure assembly), or why not. */
export function chartOf(region: string, pages: StoredPage[]) {
  return assembleChart(
    region,
    pages.map((p) => ({ page: p.page, total: p.pagination.total, rows: p.sound_list })),
  );
}
