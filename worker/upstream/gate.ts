import { DurableObject } from "cloudflare:workers";
import { postAlert } from "../alerts";
import { previousWeek, isoWeekOf } from "../charts/iso-week";
import { CREDITS_PER_REQUEST, type DataSource } from "../config";
import type { UpstreamErrorKind } from "../errors";
import { type ChartQuery, answerKey, canonicalChart, isUnfiltered, upstreamQueryFor } from "../proxy/keys";
import type { GateSettings } from "../proxy/settings";
import { isPastTotal } from "../proxy/slice";
import { type StoredPage, freshnessOf, parseStoredPage } from "../proxy/stored-page";
import { type UpstreamOutcome, classifyResponse } from "./classify";
import { callUpstream } from "./client";
import { demoAnswer } from "./demo";
import {
  CLIENT_WINDOW_MS,
  type PauseState,
  type Pool,
  admit,
  isStopRequest,
  nextPause,
  snapshotPool,
} from "./gate-policy";
import { GateStore } from "./gate-store";

export type { GateSettings } from "../proxy/settings";

export type GateAnswer =
  | {
      kind: "page";
      entry: StoredPage;
      fetched: boolean;
      stale: boolean;
      reason: UpstreamErrorKind | null;
      /** This caller writes the copy to KV (handed to one caller per copy: KV takes 1 write/s per key). */
      writeKv: boolean;
    }
  | { kind: "past_total"; total: number; fetchedAt: number }
  | {
      kind: "error";
      error: UpstreamErrorKind;
      message: string;
      /** Seconds, for the client's Retry-After. */
      retryAfter: number | null;
      /** When the pause every upstream call is now under ends (epoch ms), if any. */
      pausedUntil: number | null;
      /** A call was made (and paid for); false when the gate refused without calling. */
      charged: boolean;
    };

export interface FreshOptions {
  /** The point in time the snapshot is for (passed to the demo source; the provider only knows "now"). */
  asOf: number;
  /** The chart week whose snapshot reserve pays for the call. */
  reserveWeek: string;
  /** Current-week pages also refresh the proxy's copies; backfills with a past asOf never do. */
  keepForProxy: boolean;
  /** A half-open probe of an upstream that last failed: paid from the probes' own allowance. */
  probe?: boolean;
}

export interface GateHealth {
  pause: PauseState;
  /** The last upstream call failed: the snapshot job then starts half-open (one page first). */
  lastCallFailed: boolean;
}

/** A KV write handed out but apparently not done (its writer failed) is handed out again after this. */
const KV_CLAIM_RETRY_MS = 60_000;

/**
 * The gate: the only code that spends a credit. One instance (by name) coalesces concurrent
 * questions per key into one upstream call globally, keeps the latest good body per key, and
 * enforces budgets, the per-client limit and the pauses after failures. It times everything on
 * its own clock (the real one, from when a call ended), never on a caller's.
 */
export class Gate extends DurableObject<Env> {
  private readonly store: GateStore;
  private readonly inFlight = new Map<string, Promise<GateAnswer>>();
  private clock: () => number = () => Date.now();
  private random: () => number = () => Math.random();
  /** Questions that reached the gate since this instance started: "only misses reach the gate" is counted. */
  private questions = 0;
  /** settle() calls: a burst of stale requests should make at most one per Worker instance. */
  private settles = 0;
  /** Alerts being posted: `idle()` waits for them (tests wait on events, never on time). */
  private readonly alerting = new Set<Promise<unknown>>();

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    this.store = new GateStore(ctx.storage.sql);
  }

  /** Tests hand in their clock and randomness (through runInDurableObject), so pauses are exact. */
  useClock(clock: () => number, random: () => number): void {
    this.clock = clock;
    this.random = random;
  }

  /**
   * A proxy question for full page `page` of a chart: a kept copy, a joined call, or one new call.
   * `kvFetchedAt` is the copy the asking Worker found in KV (null: none), to decide who writes KV.
   */
  async proxyPage(
    chart: ChartQuery,
    page: number,
    settings: GateSettings,
    client: string,
    kvFetchedAt: number | null,
  ): Promise<GateAnswer> {
    this.questions++;
    const key = await answerKey(settings.source, chart, page);
    const now = this.clock();
    const stored = this.storedPage(key);
    const freshness = stored ? freshnessOf(stored.fetchedAt, now, settings) : "expired";
    if (stored && freshness === "fresh")
      return this.pageAnswer(key, stored, { fetched: false, stale: false }, kvFetchedAt);

    const pastTotal = this.knownPastTotal(await answerKey(settings.source, chart, 1), page, settings, now);
    if (pastTotal) return pastTotal;

    const usable = freshness === "stale" ? stored : null;
    const joined = this.inFlight.get(key);
    // Joiners never write KV: the asker that caused the call does.
    if (joined) return usable ? this.staleAnswer(key, usable, null, kvFetchedAt) : joined;

    const admission = admit({
      now,
      pool: "proxy",
      isSearch: chart.searchKeyword !== null,
      cost: CREDITS_PER_REQUEST,
      pause: this.store.pause(),
      spend: this.store.spend(now, currentReserveWeek(now)),
      budgets: settings.budgets,
      clientCalls: this.store.clientCalls(client, now - CLIENT_WINDOW_MS),
      clientCallsPerHour: settings.clientCallsPerHour,
    });
    if (!admission.ok) {
      if (usable) return this.staleAnswer(key, usable, admission.kind, kvFetchedAt);
      return refusal(admission.kind, admission.retryAfterMs, now);
    }
    this.store.recordClientCall(client, now);
    const call = this.fetchAndKeep(key, chart, page, settings, "proxy", {
      asOf: now,
      reserveWeek: currentReserveWeek(now),
      keepForProxy: true,
    });
    this.inFlight.set(key, call);
    call.finally(() => this.inFlight.delete(key)).catch(() => undefined);
    if (usable) {
      // Stale-while-revalidate: exactly one refresh runs; every asker gets the copy at once.
      this.ctx.waitUntil(call);
      return this.staleAnswer(key, usable, null, kvFetchedAt);
    }
    const answer = await call;
    return answer.kind === "page" ? { ...answer, writeKv: this.claimKv(key, answer.entry, kvFetchedAt) } : answer;
  }

  /**
   * Resolves when the call in flight for this page (if any) has finished, saying how it went: for
   * a caller's waitUntil, which holds its stale copy when the refresh failed.
   */
  async settle(chart: ChartQuery, page: number, source: DataSource): Promise<"none" | "refreshed" | "failed"> {
    this.settles++;
    const call = this.inFlight.get(await answerKey(source, chart, page));
    if (!call) return "none";
    return (await call).kind === "page" ? "refreshed" : "failed";
  }

  /**
   * Fresh mode for the snapshot job: never a cached or stale answer, charged to its reserve (a
   * half-open probe to the probes' own allowance while it lasts).
   */
  async freshPage(chart: ChartQuery, page: number, settings: GateSettings, options: FreshOptions): Promise<GateAnswer> {
    this.questions++;
    // The key first: between the admission check and the charge there must be no await.
    const key = await answerKey(settings.source, chart, page);
    const now = this.clock();
    const spend = this.store.spend(now, options.reserveWeek);
    const pool = snapshotPool(options.probe === true, spend, CREDITS_PER_REQUEST);
    const admission = admit({
      now,
      pool,
      isSearch: false,
      cost: CREDITS_PER_REQUEST,
      pause: this.store.pause(),
      spend,
      budgets: settings.budgets,
      clientCalls: null,
      clientCallsPerHour: settings.clientCallsPerHour,
    });
    if (!admission.ok) return refusal(admission.kind, admission.retryAfterMs, now);
    const keep = options.keepForProxy && chart.period === 7 && isUnfiltered(chart);
    const answer = await this.fetchAndKeep(keep ? key : null, chart, page, settings, pool, options);
    return answer.kind === "page" && keep ? { ...answer, writeKv: this.claimKv(key, answer.entry, null) } : answer;
  }

  /** The pause and whether the last call failed: the snapshot job's half-open start reads it. */
  async health(): Promise<GateHealth> {
    const pause = this.store.pause();
    return { pause, lastCallFailed: pause.failures > 0 };
  }

  /** Resolves once no call is in flight and every alert has been posted. */
  async idle(): Promise<void> {
    await Promise.allSettled([...this.inFlight.values(), ...this.alerting]);
  }

  /** Spend, pause, questions and settle() calls received, for /api/status (admin detail) and tests. */
  async status() {
    const now = this.clock();
    return {
      pause: this.store.pause(),
      spend: this.store.spend(now, currentReserveWeek(now)),
      history: this.store.spendHistory(30),
      questions: this.questions,
      settles: this.settles,
    };
  }

  private async fetchAndKeep(
    key: string | null,
    chart: ChartQuery,
    page: number,
    settings: GateSettings,
    pool: Pool,
    options: FreshOptions,
  ): Promise<GateAnswer> {
    if (settings.source === "keyapi" && !settings.apiKey) return refusal("not_configured", 3_600_000, this.clock());
    this.store.charge(pool, chart.searchKeyword !== null, CREDITS_PER_REQUEST, this.clock(), options.reserveWeek);
    // From the charge on, anything that throws is a failed call: it pauses like one, and never
    // leaves a rejected promise behind for the joiners.
    try {
      return await this.callAndKeep(key, chart, page, settings, options);
    } catch (error) {
      const name = error instanceof Error ? error.name : "unknown";
      return this.failed(
        { ok: false, kind: "network", status: null, retryAfter: null, detail: `the call failed (${name})` },
        settings,
      );
    }
  }

  private async callAndKeep(
    key: string | null,
    chart: ChartQuery,
    page: number,
    settings: GateSettings,
    options: FreshOptions,
  ): Promise<GateAnswer> {
    const outcome = await this.ask(upstreamQueryFor(chart, page), settings, options.asOf);
    if (!outcome.ok) return this.failed(outcome, settings);
    // A pause counts from when the call ended (a timeout may have taken seconds), on the real clock.
    const endedAt = this.clock();
    this.store.setPause(nextPause(this.store.pause(), null, endedAt, this.random()));
    const entry: StoredPage = {
      v: 1,
      source: settings.source,
      chart: canonicalChart(chart),
      page,
      // The demo source answers "as of" a point in time (a seeded past week): that is its fetch time.
      fetchedAt: settings.source === "demo" ? options.asOf : endedAt,
      message: outcome.body.message,
      requestId: outcome.body.requestId,
      pagination: outcome.body.data.pagination,
      sound_list: outcome.body.data.sound_list,
    };
    if (key !== null) {
      const lifetimeMs = (settings.cacheTtlSeconds + settings.staleTtlSeconds) * 1000;
      this.store.putAnswer(key, entry.fetchedAt, JSON.stringify(entry), endedAt - lifetimeMs);
    }
    return { kind: "page", entry, fetched: true, stale: false, reason: null, writeKv: false };
  }

  /** A failed call: the pause every caller is now under, the log line, the alert if due, the answer. */
  private failed(outcome: Extract<UpstreamOutcome, { ok: false }>, settings: GateSettings): GateAnswer {
    const endedAt = this.clock();
    const before = this.store.pause();
    const after = nextPause(before, outcome, endedAt, this.random());
    this.store.setPause(after);
    logFailure(outcome, before.reason, after, endedAt);
    this.alertIfDue(outcome, before.reason, after.reason, settings, endedAt);
    return failure(outcome, after, endedAt);
  }

  private async ask(query: ReturnType<typeof upstreamQueryFor>, settings: GateSettings, asOf: number) {
    if (settings.source === "demo") {
      return classifyResponse(query, 200, JSON.stringify(demoAnswer(query, asOf)), null);
    }
    const target = { url: settings.upstreamUrl, apiKey: settings.apiKey ?? "", timeoutMs: settings.timeoutMs };
    return callUpstream(target, query);
  }

  private pageAnswer(
    key: string,
    entry: StoredPage,
    how: { fetched: boolean; stale: boolean; reason?: UpstreamErrorKind | null },
    kvFetchedAt: number | null,
  ): GateAnswer {
    const writeKv = this.claimKv(key, entry, kvFetchedAt);
    return { kind: "page", entry, fetched: how.fetched, stale: how.stale, reason: how.reason ?? null, writeKv };
  }

  private staleAnswer(
    key: string,
    entry: StoredPage,
    reason: UpstreamErrorKind | null,
    kvFetchedAt: number | null,
  ): GateAnswer {
    return this.pageAnswer(key, entry, { fetched: false, stale: true, reason }, kvFetchedAt);
  }

  /** Whether this caller should write `entry` to KV: only if KV lacks it, and once per copy. */
  private claimKv(key: string, entry: StoredPage, kvFetchedAt: number | null): boolean {
    if (kvFetchedAt !== null && kvFetchedAt >= entry.fetchedAt) return false;
    return this.store.claimKvWrite(key, entry.fetchedAt, this.clock(), KV_CLAIM_RETRY_MS);
  }

  private alertIfDue(
    outcome: Extract<UpstreamOutcome, { ok: false }>,
    previous: PauseState["reason"],
    current: PauseState["reason"],
    settings: GateSettings,
    now: number,
  ): void {
    const condition =
      current === "cooldown" && previous !== "cooldown"
        ? "upstream_cooldown"
        : outcome.kind === "deprecated"
          ? "upstream_dried_up"
          : null;
    if (!condition || !settings.alertWebhook || !this.store.claimAlert(condition, now)) return;
    const details = { kind: outcome.kind, status: outcome.status, detail: outcome.detail };
    const posting = postAlert(fetch, settings.alertWebhook, condition, details, now);
    this.alerting.add(posting);
    posting.finally(() => this.alerting.delete(posting)).catch(() => undefined);
    this.ctx.waitUntil(posting);
  }

  private storedPage(key: string): StoredPage | null {
    const row = this.store.answer(key);
    return row ? parseStoredPage(row.body) : null;
  }

  /** A page past a total we already know (from page 1) is answered without a call. */
  private knownPastTotal(firstKey: string, page: number, settings: GateSettings, now: number): GateAnswer | null {
    if (page === 1) return null;
    const first = this.storedPage(firstKey);
    if (!first || freshnessOf(first.fetchedAt, now, settings) === "expired") return null;
    const total = first.pagination.total;
    return isPastTotal(page, total) ? { kind: "past_total", total, fetchedAt: first.fetchedAt } : null;
  }
}

/** The chart week whose snapshot reserve is being spent at `now` (the week that just ended). */
function currentReserveWeek(now: number): string {
  return previousWeek(isoWeekOf(now));
}

const MESSAGES: Partial<Record<UpstreamErrorKind, string>> = {
  not_configured: "upstream not configured: set the KEYAPI_KEY secret (or DATA_SOURCE=demo)",
  budget: "credit budget spent for now; try again later",
  cooldown: "upstream rejected our credentials; calls are paused for a cool-down",
  paused: "upstream calls are paused after a failure; try again shortly",
  client_limit: "too many upstream calls caused by this client; try again later",
};

function refusal(kind: UpstreamErrorKind, retryAfterMs: number, now: number, charged = false): GateAnswer {
  const pausedUntil = kind === "cooldown" || kind === "paused" ? now + retryAfterMs : null;
  return {
    kind: "error",
    error: kind,
    message: MESSAGES[kind] ?? "upstream failure",
    retryAfter: Math.max(1, Math.ceil(retryAfterMs / 1000)),
    pausedUntil,
    charged,
  };
}

/**
 * What the asker whose call failed is told. When the upstream asked us to stop (401/402/403/429),
 * it is the same 503 + Retry-After every later asker gets during the pause; otherwise the failure
 * itself (our own words: `detail` never holds upstream text).
 */
function failure(outcome: Extract<UpstreamOutcome, { ok: false }>, pause: PauseState, endedAt: number): GateAnswer {
  if (isStopRequest(outcome.status) && pause.until > endedAt) {
    return refusal(pause.reason === "cooldown" ? "cooldown" : "paused", pause.until - endedAt, endedAt, true);
  }
  return {
    kind: "error",
    error: outcome.kind,
    message: outcome.detail,
    retryAfter: null,
    pausedUntil: pause.until > endedAt ? pause.until : null,
    charged: true,
  };
}

function logFailure(
  outcome: Extract<UpstreamOutcome, { ok: false }>,
  previous: string | null,
  after: { until: number; reason: string | null },
  now: number,
) {
  // Structured and key-free: only our own words and numbers, never the provider's text.
  const event = after.reason === "cooldown" && previous !== "cooldown" ? "upstream_cooldown" : "upstream_failure";
  console.warn(
    JSON.stringify({
      event,
      kind: outcome.kind,
      status: outcome.status,
      detail: outcome.detail,
      pausedForMs: after.until - now,
    }),
  );
}
