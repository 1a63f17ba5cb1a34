import type { Budgets } from "../config";
import type { UpstreamErrorKind } from "../errors";

/**
 * The gate's rules as pure functions over plain state: when a call may be made, what it costs,
 * and how long every upstream call pauses after a failure (DESIGN.md, "One upstream attempt").
 */
export const COOLDOWN_MS = 15 * 60_000;
export const BACKOFF_START_MS = 1_000;
export const BACKOFF_CAP_MS = 60_000;
/** A Retry-After longer than this is not believed: the backoff applies instead. */
export const RETRY_AFTER_MAX_MS = 3_600_000;
export const CLIENT_WINDOW_MS = 3_600_000;

export interface PauseState {
  until: number;
  /** cooldown: 401/402/403 · retry_after: the upstream's 429 · backoff: any other failure. */
  reason: "cooldown" | "retry_after" | "backoff" | null;
  failures: number;
}

export const NO_PAUSE: PauseState = { until: 0, reason: null, failures: 0 };

export type Pool = "proxy" | "snapshot";

export interface SpendState {
  proxyToday: number;
  searchToday: number;
  snapshotThisWeek: number;
}

export type Admission =
  | { ok: true }
  | {
      ok: false;
      kind: Extract<UpstreamErrorKind, "cooldown" | "paused" | "budget" | "client_limit">;
      retryAfterMs: number;
    };

export interface AdmissionInput {
  now: number;
  pool: Pool;
  isSearch: boolean;
  cost: number;
  pause: PauseState;
  spend: SpendState;
  budgets: Budgets;
  /** Times (ms) of the calls this client caused in the last hour; null for the snapshot job. */
  clientCalls: number[] | null;
  clientCallsPerHour: number;
}

export function admit(input: AdmissionInput): Admission {
  const { now, pause, spend, budgets, cost } = input;
  // The snapshot job is not held by the generic backoff: it makes its own few, budgeted retries
  // and must not lose a region-week to a proxy miss that failed a second earlier. It does obey
  // the cool-down and an explicit Retry-After: those are the upstream asking us to stop.
  const binding = input.pool === "proxy" || pause.reason !== "backoff";
  if (now < pause.until && binding) {
    return { ok: false, kind: pause.reason === "cooldown" ? "cooldown" : "paused", retryAfterMs: pause.until - now };
  }
  if (input.pool === "snapshot") {
    if (spend.snapshotThisWeek + cost > budgets.snapshotWeeklyCredits) {
      return { ok: false, kind: "budget", retryAfterMs: msUntilNextIsoWeek(now) };
    }
    return { ok: true };
  }
  const overProxy = spend.proxyToday + cost > budgets.proxyDailyCredits;
  const overSearch = input.isSearch && spend.searchToday + cost > budgets.searchDailyCredits;
  if (overProxy || overSearch) return { ok: false, kind: "budget", retryAfterMs: msUntilNextUtcDay(now) };
  const calls = (input.clientCalls ?? []).filter((t) => t > now - CLIENT_WINDOW_MS).sort((a, b) => a - b);
  if (calls.length >= input.clientCallsPerHour) {
    const oldest = calls[calls.length - input.clientCallsPerHour] ?? now;
    return { ok: false, kind: "client_limit", retryAfterMs: oldest + CLIENT_WINDOW_MS - now };
  }
  return { ok: true };
}

/**
 * Retry-After as seconds or an HTTP date (RFC 9110 §10.2.3). Returns ms, or null when it is
 * absent, 0, negative, over an hour or garbage: then the ordinary backoff applies.
 */
export function parseRetryAfter(value: string | null, now: number): number | null {
  if (value === null) return null;
  const text = value.trim();
  let ms: number;
  if (/^\d+$/.test(text)) ms = Number(text) * 1000;
  else if (/^[A-Za-z]{3}, /.test(text) && !Number.isNaN(Date.parse(text))) ms = Date.parse(text) - now;
  else return null;
  return ms > 0 && ms <= RETRY_AFTER_MAX_MS ? ms : null;
}

/** Jittered exponential backoff: 1 s doubling per consecutive failure, capped at 60 s. */
export function backoffMs(failures: number, random: number): number {
  const ceiling = Math.min(BACKOFF_CAP_MS, BACKOFF_START_MS * 2 ** Math.max(0, failures - 1));
  // Half fixed, half random ("equal jitter"): never zero, never in lockstep across colos.
  return Math.round(ceiling / 2 + (ceiling / 2) * random);
}

export interface FailureInfo {
  kind: UpstreamErrorKind;
  status: number | null;
  retryAfter: string | null;
}

/**
 * The pause after an outcome. A success resets the backoff; a cool-down or a Retry-After the
 * upstream asked for still runs to its end (a parallel call's success must not cut it short).
 */
export function nextPause(pause: PauseState, failure: FailureInfo | null, now: number, random: number): PauseState {
  if (failure === null) {
    const asked = (pause.reason === "cooldown" || pause.reason === "retry_after") && now < pause.until;
    return asked ? { ...pause, failures: 0 } : NO_PAUSE;
  }
  if (failure.status === 401 || failure.status === 402 || failure.status === 403) {
    return { until: now + COOLDOWN_MS, reason: "cooldown", failures: pause.failures + 1 };
  }
  const failures = pause.failures + 1;
  if (failure.status === 429) {
    const retryAfter = parseRetryAfter(failure.retryAfter, now);
    if (retryAfter !== null) return { until: now + retryAfter, reason: "retry_after", failures };
  }
  return { until: now + backoffMs(failures, random), reason: "backoff", failures };
}

export function utcDay(now: number): string {
  return new Date(now).toISOString().slice(0, 10);
}

export function msUntilNextUtcDay(now: number): number {
  const d = new Date(now);
  return Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate() + 1) - now;
}

/** ISO weeks start on Monday 00:00 UTC. */
export function msUntilNextIsoWeek(now: number): number {
  const d = new Date(now);
  const daysSinceMonday = (d.getUTCDay() + 6) % 7;
  return Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate() - daysSinceMonday + 7) - now;
}
