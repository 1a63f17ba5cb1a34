import { DurableObject } from "cloudflare:workers";
import { postAlert } from "../alerts";
import { writeAnswerToKv } from "../cache/tiers";
import { type ChartQuery, answerKey, canonicalChart, isUnfiltered, upstreamQueryFor } from "../cache/keys";
import { type StoredPage, freshnessOf, parseStoredPage } from "../cache/entry";
import { isPastTotal } from "../cache/slice";
import { type Budgets, CREDITS_PER_REQUEST, type DataSource } from "../config";
import type { UpstreamErrorKind } from "../errors";
import { type UpstreamOutcome, classifyResponse } from "./classify";
import { callUpstream } from "./client";
import { demoAnswer } from "./demo";
import { CLIENT_WINDOW_MS, type PauseState, type Pool, admit, nextPause } from "./gate-policy";
import { GateStore } from "./gate-store";

/** What the Worker tells the gate with every call (config is per request, never global). */
export interface GateSettings {
  source: DataSource;
  upstreamUrl: string;
  apiKey: string | null;
  timeoutMs: number;
  cacheTtlSeconds: number;
  staleTtlSeconds: number;
  budgets: Budgets;
  clientCallsPerHour: number;
  /** Where cool-downs and a drying source are reported (once per condition per UTC day). */
  alertWebhook: string | null;
}

export type GateAnswer =
  | { kind: "page"; entry: StoredPage; fetched: boolean; stale: boolean; reason: UpstreamErrorKind | null }
  | { kind: "past_total"; total: number; fetchedAt: number }
  | { kind: "error"; error: UpstreamErrorKind; message: string; retryAfter: number | null };

export interface FreshOptions {
  /** The point in time the snapshot is for (passed to the demo source; the provider only knows "now"). */
  asOf: number;
  /** Current-week pages also refresh the proxy's copies; backfills with a past asOf never do. */
  refreshProxy: boolean;
}

/**
 * The gate: the only code that spends a credit. One instance (by name) coalesces concurrent
 * questions per key into one upstream call globally, keeps the latest good body per key, and
 * enforces budgets, the per-client limit and the pauses after failures.
 */
export class Gate extends DurableObject<Env> {
  private readonly store: GateStore;
  private readonly inFlight = new Map<string, Promise<GateAnswer>>();

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    this.store = new GateStore(ctx.storage.sql);
  }

  /** A proxy question for full page `page` of a chart: served copy, joined call, or one new call. */
  async proxyPage(
    chart: ChartQuery,
    page: number,
    settings: GateSettings,
    client: string,
    now: number,
  ): Promise<GateAnswer> {
    const key = await answerKey(settings.source, chart, page);
    const stored = this.storedPage(key);
    const freshness = stored ? freshnessOf(stored.fetchedAt, now, settings) : "expired";
    if (stored && freshness === "fresh")
      return { kind: "page", entry: stored, fetched: false, stale: false, reason: null };

    const pastTotal = await this.knownPastTotal(chart, page, settings, now);
    if (pastTotal) return pastTotal;

    const usable = freshness === "stale" ? stored : null;
    const joined = this.inFlight.get(key);
    if (joined) return usable ? staleAnswer(usable, null) : joined;

    const admission = admit({
      now,
      pool: "proxy",
      isSearch: chart.searchKeyword !== null,
      cost: CREDITS_PER_REQUEST,
      pause: this.store.pause(),
      spend: this.store.spend(now),
      budgets: settings.budgets,
      clientCalls: this.store.clientCalls(client, now - CLIENT_WINDOW_MS),
      clientCallsPerHour: settings.clientCallsPerHour,
    });
    if (!admission.ok) {
      if (usable) return staleAnswer(usable, admission.kind);
      return refusal(admission.kind, Math.ceil(admission.retryAfterMs / 1000));
    }
    this.store.recordClientCall(client, now);
    const call = this.fetchAndKeep(key, chart, page, settings, "proxy", now, { asOf: now, refreshProxy: true });
    this.inFlight.set(key, call);
    void call.finally(() => this.inFlight.delete(key));
    if (usable) {
      // Stale-while-revalidate: exactly one refresh runs; every asker gets the copy at once.
      this.ctx.waitUntil(call);
      return staleAnswer(usable, null);
    }
    return call;
  }

  /** Resolves when the call in flight for this page (if any) has finished: for a caller's waitUntil. */
  async settle(chart: ChartQuery, page: number, source: DataSource): Promise<void> {
    await this.inFlight.get(await answerKey(source, chart, page));
  }

  /** Fresh mode for the snapshot job: never a cached or stale answer, charged to its reserve. */
  async freshPage(
    chart: ChartQuery,
    page: number,
    settings: GateSettings,
    options: FreshOptions,
    now: number,
  ): Promise<GateAnswer> {
    // The key first: between the admission check and the charge there must be no await.
    const key = await answerKey(settings.source, chart, page);
    const admission = admit({
      now,
      pool: "snapshot",
      isSearch: false,
      cost: CREDITS_PER_REQUEST,
      pause: this.store.pause(),
      spend: this.store.spend(now),
      budgets: settings.budgets,
      clientCalls: null,
      clientCallsPerHour: settings.clientCallsPerHour,
    });
    if (!admission.ok) return refusal(admission.kind, Math.ceil(admission.retryAfterMs / 1000));
    const keep = options.refreshProxy && chart.period === 7 && isUnfiltered(chart);
    return this.fetchAndKeep(keep ? key : null, chart, page, settings, "snapshot", now, options);
  }

  /** Spend and pause, for /api/status (admin detail). */
  async status(now: number) {
    return { pause: this.store.pause(), spend: this.store.spend(now), history: this.store.spendHistory(30) };
  }

  private async fetchAndKeep(
    key: string | null,
    chart: ChartQuery,
    page: number,
    settings: GateSettings,
    pool: Pool,
    now: number,
    options: FreshOptions,
  ): Promise<GateAnswer> {
    if (settings.source === "keyapi" && !settings.apiKey) return refusal("not_configured", 3600);
    this.store.charge(pool, chart.searchKeyword !== null, CREDITS_PER_REQUEST, now);
    const startedAt = Date.now();
    const query = upstreamQueryFor(chart, page);
    const outcome: UpstreamOutcome =
      settings.source === "demo"
        ? classifyResponse(query, 200, JSON.stringify(demoAnswer(query, options.asOf)), null)
        : await callUpstream(
            { url: settings.upstreamUrl, apiKey: settings.apiKey ?? "", timeoutMs: settings.timeoutMs },
            query,
          );
    // A pause counts from when the call ended (a timeout may have taken seconds), not began.
    const endedAt = now + (Date.now() - startedAt);
    const before = this.store.pause();
    const after = nextPause(before, outcome.ok ? null : outcome, endedAt, Math.random());
    this.store.setPause(after);
    if (!outcome.ok) {
      logFailure(outcome, before.reason, after, endedAt);
      this.alertIfDue(outcome, before.reason, after.reason, settings, endedAt);
      return refusal(outcome.kind, null, outcome.detail);
    }
    const entry: StoredPage = {
      v: 1,
      source: settings.source,
      chart: canonicalChart(chart),
      page,
      fetchedAt: now,
      message: outcome.body.message,
      requestId: outcome.body.requestId,
      pagination: outcome.body.data.pagination,
      sound_list: outcome.body.data.sound_list,
    };
    if (key !== null) {
      const body = JSON.stringify(entry);
      const lifetimeMs = (settings.cacheTtlSeconds + settings.staleTtlSeconds) * 1000;
      this.store.putAnswer(key, now, body, now - lifetimeMs);
      await writeAnswerToKv(this.env.ANSWERS, key, body, entry.fetchedAt, settings);
    }
    return { kind: "page", entry, fetched: true, stale: false, reason: null };
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
    this.ctx.waitUntil(postAlert(fetch, settings.alertWebhook, condition, details, now));
  }

  private storedPage(key: string): StoredPage | null {
    const row = this.store.answer(key);
    return row ? parseStoredPage(row.body) : null;
  }

  /** A page past a total we already know (from page 1) is answered without a call. */
  private async knownPastTotal(
    chart: ChartQuery,
    page: number,
    settings: GateSettings,
    now: number,
  ): Promise<GateAnswer | null> {
    if (page === 1) return null;
    const first = this.storedPage(await answerKey(settings.source, chart, 1));
    if (!first || freshnessOf(first.fetchedAt, now, settings) === "expired") return null;
    const total = first.pagination.total;
    return isPastTotal(page, total) ? { kind: "past_total", total, fetchedAt: first.fetchedAt } : null;
  }
}

function staleAnswer(entry: StoredPage, reason: UpstreamErrorKind | null): GateAnswer {
  return { kind: "page", entry, fetched: false, stale: true, reason };
}

const MESSAGES: Partial<Record<UpstreamErrorKind, string>> = {
  not_configured: "upstream not configured: set the KEYAPI_KEY secret (or DATA_SOURCE=demo)",
  budget: "credit budget spent for now; try again later",
  cooldown: "upstream rejected our credentials; calls are paused for a cool-down",
  paused: "upstream calls are paused after a failure; try again shortly",
  client_limit: "too many upstream calls caused by this client; try again later",
};

function refusal(kind: UpstreamErrorKind, retryAfter: number | null, detail?: string): GateAnswer {
  return { kind: "error", error: kind, message: MESSAGES[kind] ?? detail ?? "upstream failure", retryAfter };
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
