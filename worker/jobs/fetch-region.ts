import { type ChartQuery, answerKey } from "../answers/keys";
import { gateSettings } from "../answers/settings";
import type { StoredPage } from "../answers/stored-page";
import { writeAnswerToKv } from "../cache/tiers";
import type { UpstreamErrorKind } from "../errors";
import type { FreshOptions, Gate, GateAnswer } from "../upstream/gate";
import { SNAPSHOT_PAGES, assembleChart } from "./assemble";
import type { NotifyDeps } from "./notify";

/**
 * One region's top 100 for the snapshot job, under DESIGN.md "The snapshot job under failure":
 * region-specific failures fail the region, never the run; upstream-wide failures pause every
 * caller, and the job obeys the pause like the proxy, retries a failed page at most once per run
 * and only after the pause ended, and stops the run at its second upstream-wide failure, when a
 * pause outlasts its wall-time budget, or at once when a half-open probe fails.
 */
export interface FetchDeps extends NotifyDeps {
  gate: DurableObjectStub<Gate>;
  /** The proxy's KV, for the current week's pages (period 7, unfiltered) when refreshProxy is set. */
  kv: KVNamespace;
  /** The real clock: pauses and the wall-time budget are timed on it, never on scheduledTime. */
  now: () => number;
  refreshProxy: boolean;
}

/** What a run shares between its regions. */
export interface RunState {
  week: string;
  scheduledTime: number;
  /** No new waits or regions past this point (epoch ms). */
  deadline: number;
  /** The last upstream call failed before this run: its first call is a probe that stops the run if it fails. */
  probe: boolean;
  upstreamFailures: number;
  /** Credits-bearing calls made (each costs CREDITS_PER_REQUEST). */
  calls: number;
  /** Why the run stopped taking regions, once it has. */
  stopped: string | null;
}

export type RegionResult = { ok: true; entries: StoredPage[] } | { ok: false; reason: string };

/** Failures of the upstream as a whole (DESIGN.md): every caller is paused, not just this region. */
const UPSTREAM_WIDE: ReadonlySet<UpstreamErrorKind> = new Set(["timeout", "network", "http", "cooldown", "paused"]);
/** Refusals no wait can cure within this run. */
const STOPS_THE_RUN: ReadonlySet<UpstreamErrorKind> = new Set(["budget", "not_configured", "client_limit"]);
/** Tries per page in one run: the first, and one retry after the pause. */
export const PAGE_ATTEMPTS = 2;

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
  const tries = new Map(pages.map((p) => [p, 0]));
  let pending = pages;
  while (pending.length > 0) {
    const answers = await Promise.all(
      pending.map(async (page) => ({
        page,
        answer: (await deps.gate.freshPage(chart, page, settings, options)) as GateAnswer,
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
      if (answer.writeKv) await refreshProxyCopy(deps, chart, answer.entry);
    }
    if (failed.length === 0) break;
    const wasProbe = run.probe;
    if (answers.some(({ answer }) => answer.kind === "page" || (answer.kind === "error" && answer.charged)))
      run.probe = false;

    const stopper = failed.find(({ answer }) => STOPS_THE_RUN.has(answer.error));
    if (stopper) return stop(run, describe(stopper.answer));
    const regional = failed.find(({ answer }) => answer.charged && !UPSTREAM_WIDE.has(answer.error));
    if (regional) {
      if (wasProbe) return stop(run, `half-open probe failed: ${describe(regional.answer)}`);
      return { ok: false, reason: describe(regional.answer) };
    }
    const called = failed.filter(({ answer }) => answer.charged);
    if (called.length > 0) {
      run.upstreamFailures++;
      if (wasProbe) return stop(run, `half-open probe failed: ${describe(called[0]!.answer)}`);
      if (run.upstreamFailures >= 2) return stop(run, `upstream failing: ${describe(called[0]!.answer)}`);
      for (const { page } of called) tries.set(page, (tries.get(page) ?? 0) + 1);
      const spent = called.find(({ page }) => (tries.get(page) ?? 0) >= PAGE_ATTEMPTS);
      if (spent) return { ok: false, reason: describe(spent.answer) };
    }
    // Obey the pause every caller is under, then try the failed pages again.
    const until = Math.max(...failed.map(({ answer }) => answer.pausedUntil ?? 0));
    if (until > run.deadline)
      return stop(run, `upstream paused past this run's time budget (${describe(failed[0]!.answer)})`);
    const wait = until - deps.now();
    if (wait > 0) await deps.sleep(wait);
    pending = failed.map(({ page }) => page);
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

/** The current week's pages are the proxy's newest answers too: its KV copies get them. */
async function refreshProxyCopy(deps: FetchDeps, chart: ChartQuery, entry: StoredPage): Promise<void> {
  const key = await answerKey(deps.config.dataSource, chart, entry.page);
  await writeAnswerToKv(deps.kv, key, JSON.stringify(entry), entry.fetchedAt, deps.config);
}

/** Pages → one validated chart (pure assembly), or why not. */
export function chartOf(region: string, pages: StoredPage[]) {
  return assembleChart(
    region,
    pages.map((p) => ({ page: p.page, total: p.pagination.total, rows: p.sound_list })),
  );
}
