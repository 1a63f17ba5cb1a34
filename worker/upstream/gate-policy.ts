import type { Budgets } from "../config";
import type { UpstreamErrorKind } from "../errors";

/**
 * The gate's rules as pure functions over plain state: when a call may be made, what it costs,
 * and how long every upstream call pauses after a failure (docs/http.md, "One upstream attempt").
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

/**
 * Who pays for a call: the proxy's daily budgets, the snapshot job's weekly reserve, or the job's
 * half-open probes, which have an allowance of their own (docs/weekly-archive.md "The snapshot job under
 * failure": probing never eats the credits the recovery needs to store every region).
 */
export type Pool = "proxy" | "snapshot" | "probe";

export interface SpendState {
  proxyToday: number;
  searchToday: number;
  snapshotThisWeek: number;
  probesThisWeek: number;
}

/**
 * The probes' own weekly allowance, whatever the number of regions: one probe per hourly run of
 * the 48-hour window, the closing run, and one retry after a run's first failure, 2 credits each.
 * Past it a probe is paid from the reserve (a flapping upstream), never refused for it.
 */
export const PROBES_PER_WEEK = 50;
export const PROBE_WEEKLY_CREDITS = PROBES_PER_WEEK * 2;

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
  // One upstream: a pause holds every caller, the snapshot job's calls included.
  if (now < pause.until) {
    return { ok: false, kind: pause.reason === "cooldown" ? "cooldown" : "paused", retryAfterMs: pause.until - now };
  }
  // A probe is admitted only while its allowance lasts (see snapshotPool).
  if (input.pool === "probe") return { ok: true };
  if (input.pool === "snapshot") {
    if (spend.snapshotThisWeek + cost > budgets.snapshotWeeklyCredits) {
      // The reserve is per chart week: it is refilled when the next week's window opens.
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

/** Which pool pays for a snapshot call: a probe from its own allowance while it lasts, else the reserve. */
export function snapshotPool(probe: boolean, spend: SpendState, cost: number): Pool {
  return probe && spend.probesThisWeek + cost <= PROBE_WEEKLY_CREDITS ? "probe" : "snapshot";
}

/**
 * Retry-After as delay-seconds or an HTTP date (RFC 9110 §10.2.3). Returns ms, or null when it is
 * absent, 0, negative, over an hour or garbage: then the ordinary backoff applies.
 */
export function parseRetryAfter(value: string | null, now: number): number | null {
  if (value === null) return null;
  const text = value.trim();
  let ms: number;
  if (/^\d+$/.test(text)) ms = Number(text) * 1000;
  else {
    const at = parseHttpDate(text, now);
    if (at === null) return null;
    ms = at - now;
  }
  return ms > 0 && ms <= RETRY_AFTER_MAX_MS ? ms : null;
}

const MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];
const IMF_FIXDATE = /^(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun), (\d{2}) ([A-Z][a-z]{2}) (\d{4}) (\d{2}):(\d{2}):(\d{2}) GMT$/;
const RFC_850 =
  /^(?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday), (\d{2})-([A-Z][a-z]{2})-(\d{2}) (\d{2}):(\d{2}):(\d{2}) GMT$/;
const ASCTIME = /^(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun) ([A-Z][a-z]{2}) ([ \d]\d) (\d{2}):(\d{2}):(\d{2}) (\d{4})$/;

/**
 * The three HTTP-date forms a recipient must accept (RFC 9110 §5.6.7): IMF-fixdate, the obsolete
 * RFC 850 form and asctime. A two-digit RFC 850 year more than 50 years ahead of `now` is the most
 * recent past year with those digits. Epoch ms, or null for anything else.
 */
export function parseHttpDate(text: string, now: number): number | null {
  const parts = imfFixdate(text) ?? rfc850(text, now) ?? asctime(text);
  if (!parts) return null;
  const { day, month, year, h, m, s } = parts;
  const monthIndex = MONTHS.indexOf(month);
  if (monthIndex < 0 || Number(h) > 23 || Number(m) > 59 || Number(s) > 60) return null;
  const ms = Date.UTC(year, monthIndex, Number(day), Number(h), Number(m), Number(s));
  // Date.UTC rolls 31 Feb over into March: such a date is not a date.
  return new Date(ms).getUTCDate() === Number(day) ? ms : null;
}

interface DateParts {
  day: string;
  month: string;
  year: number;
  h: string;
  m: string;
  s: string;
}

function imfFixdate(text: string): DateParts | null {
  const match = IMF_FIXDATE.exec(text);
  return (
    match && { day: match[1]!, month: match[2]!, year: Number(match[3]), h: match[4]!, m: match[5]!, s: match[6]! }
  );
}

function rfc850(text: string, now: number): DateParts | null {
  const match = RFC_850.exec(text);
  if (!match) return null;
  const currentYear = new Date(now).getUTCFullYear();
  let year = Math.floor(currentYear / 100) * 100 + Number(match[3]);
  if (year > currentYear + 50) year -= 100;
  return { day: match[1]!, month: match[2]!, year, h: match[4]!, m: match[5]!, s: match[6]! };
}

function asctime(text: string): DateParts | null {
  const match = ASCTIME.exec(text);
  return (
    match && {
      day: match[2]!.trim(),
      month: match[1]!,
      year: Number(match[6]),
      h: match[3]!,
      m: match[4]!,
      s: match[5]!,
    }
  );
}

/**
 * Jittered exponential backoff: at least 1 s after the first failure, the floor doubling per
 * consecutive failure, never over 60 s. The jitter lies above the floor (up to twice it), so the
 * contract's "starts at 1 s" holds for every random draw; the floor stops at half the cap, so even
 * at the cap the pause stays jittered (30–60 s), never in lockstep.
 */
export function backoffMs(failures: number, random: number): number {
  const floor = Math.min(BACKOFF_CAP_MS / 2, BACKOFF_START_MS * 2 ** Math.max(0, failures - 1));
  return Math.round(floor + floor * random);
}

export interface FailureInfo {
  kind: UpstreamErrorKind;
  status: number | null;
  retryAfter: string | null;
}

/**
 * The pause after an outcome. Pauses never shorten: a failure can only move the end later (the
 * longer pause's reason is kept), and a success ends a backoff but never a cool-down or a
 * Retry-After the upstream asked for (a parallel call's success must not cut those short).
 * `now` is when the call ended, on the real clock.
 */
export function nextPause(pause: PauseState, failure: FailureInfo | null, now: number, random: number): PauseState {
  const running = now < pause.until;
  if (failure === null) {
    const asked = (pause.reason === "cooldown" || pause.reason === "retry_after") && running;
    return asked ? { ...pause, failures: 0 } : NO_PAUSE;
  }
  const failures = pause.failures + 1;
  const proposed = pauseFor(failure, failures, now, random);
  if (running && pause.until >= proposed.until) return { until: pause.until, reason: pause.reason, failures };
  return { ...proposed, failures };
}

function pauseFor(failure: FailureInfo, failures: number, now: number, random: number): Omit<PauseState, "failures"> {
  if (failure.status === 401 || failure.status === 402 || failure.status === 403) {
    return { until: now + COOLDOWN_MS, reason: "cooldown" };
  }
  if (failure.status === 429) {
    const retryAfter = parseRetryAfter(failure.retryAfter, now);
    if (retryAfter !== null) return { until: now + retryAfter, reason: "retry_after" };
  }
  return { until: now + backoffMs(failures, random), reason: "backoff" };
}

/** The upstream asked us to stop (401/402/403 or 429): the asker gets 503 with the pause's Retry-After. */
export function isStopRequest(status: number | null): boolean {
  return status === 401 || status === 402 || status === 403 || status === 429;
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
