import { describe, expect, it } from "vitest";
import type { Budgets } from "../../worker/config";
import {
  type AdmissionInput,
  admit,
  BACKOFF_CAP_MS,
  backoffMs,
  CLIENT_WINDOW_MS,
  COOLDOWN_MS,
  msUntilNextIsoWeek,
  msUntilNextUtcDay,
  NO_PAUSE,
  nextPause,
  type PauseState,
  parseHttpDate,
  parseRetryAfter,
  utcDay,
} from "../../worker/upstream/gate-policy";

// Wednesday 2026-03-11 12:00:00 UTC.
const NOW = Date.UTC(2026, 2, 11, 12, 0, 0);
const HOUR = 3_600_000;
const DAY = 86_400_000;

describe("parseRetryAfter", () => {
  it("reads whole seconds as milliseconds", () => {
    expect(parseRetryAfter("1", NOW)).toBe(1_000);
    expect(parseRetryAfter("120", NOW)).toBe(120_000);
    expect(parseRetryAfter("3600", NOW)).toBe(HOUR);
  });

  it("trims surrounding whitespace before reading seconds", () => {
    expect(parseRetryAfter(" 12 ", NOW)).toBe(12_000);
  });

  it("reads an HTTP date relative to now", () => {
    const at = new Date(NOW + 90_000).toUTCString();
    expect(at).toMatch(/^[A-Z][a-z]{2}, /);
    expect(parseRetryAfter(at, NOW)).toBe(90_000);
  });

  it("rejects an HTTP date in the past or at now", () => {
    expect(parseRetryAfter(new Date(NOW - 5_000).toUTCString(), NOW)).toBeNull();
    expect(parseRetryAfter(new Date(NOW).toUTCString(), NOW)).toBeNull();
  });

  it("rejects an HTTP date more than an hour ahead", () => {
    expect(parseRetryAfter(new Date(NOW + HOUR).toUTCString(), NOW)).toBe(HOUR);
    expect(parseRetryAfter(new Date(NOW + HOUR + 1_000).toUTCString(), NOW)).toBeNull();
  });

  it.each([
    ["zero", "0"],
    ["a negative number", "-5"],
    ["one second over an hour", "3601"],
    ["a day", "86400"],
    ["a word", "soon"],
    ["an empty string", ""],
    ["blank space", "   "],
    ["a fraction", "1.5"],
    ["an exponent", "1e3"],
    ["a signed number", "+5"],
  ])("returns null for %s", (_what, value) => {
    expect(parseRetryAfter(value, NOW)).toBeNull();
  });

  it("returns null when the header is absent", () => {
    expect(parseRetryAfter(null, NOW)).toBeNull();
  });
});

describe("parseHttpDate: the three forms of RFC 9110 §5.6.7", () => {
  const at = Date.UTC(1994, 10, 6, 8, 49, 37);
  const now = Date.UTC(2026, 10, 23);

  it.each([
    ["IMF-fixdate", "Sun, 06 Nov 1994 08:49:37 GMT"],
    ["RFC 850", "Sunday, 06-Nov-94 08:49:37 GMT"],
    ["asctime", "Sun Nov  6 08:49:37 1994"],
  ])("reads %s", (_form, text) => {
    expect(parseHttpDate(text, Date.UTC(2030, 0, 1))).toBe(at);
  });

  it("reads a two-digit RFC 850 year more than 50 years ahead as the last century's", () => {
    expect(parseHttpDate("Monday, 23-Nov-26 12:02:00 GMT", now)).toBe(Date.UTC(2026, 10, 23, 12, 2));
    expect(parseHttpDate("Wednesday, 01-Jan-76 00:00:00 GMT", now)).toBe(Date.UTC(2076, 0, 1));
    expect(parseHttpDate("Saturday, 01-Jan-77 00:00:00 GMT", now)).toBe(Date.UTC(1977, 0, 1));
  });

  it.each([
    "Sun, 6 Nov 1994 08:49:37 GMT",
    "Sun, 06 Nov 1994 08:49:37 UTC",
    "Sun, 31 Feb 1994 08:49:37 GMT",
    "Sun, 06 Nov 1994 24:49:37 GMT",
    "Sun, 06 Foo 1994 08:49:37 GMT",
    "1994-11-06T08:49:37Z",
    "",
  ])("rejects %j", (text) => {
    expect(parseHttpDate(text, now)).toBeNull();
  });

  it("makes parseRetryAfter accept all three forms", () => {
    const base = Date.UTC(2026, 10, 23, 12);
    for (const text of ["Mon, 23 Nov 2026 12:02:00 GMT", "Monday, 23-Nov-26 12:02:00 GMT", "Mon Nov 23 12:02:00 2026"])
      expect(parseRetryAfter(text, base)).toBe(120_000);
  });
});

describe("backoffMs", () => {
  it("waits at least one second after the first failure, whatever the jitter", () => {
    expect(backoffMs(1, 0)).toBe(1_000);
    expect(backoffMs(1, 0.999)).toBe(1_999);
  });

  it("doubles its floor per consecutive failure, from 1 s, and stops the floor at 30 s (random 0)", () => {
    expect([1, 2, 3, 4, 5, 6, 7, 8].map((n) => backoffMs(n, 0))).toEqual([
      1_000, 2_000, 4_000, 8_000, 16_000, 30_000, 30_000, 30_000,
    ]);
  });

  it("adds jitter up to the next step and never passes 60 s (random ≈ 1)", () => {
    expect([1, 2, 3, 4, 5, 6, 7, 8].map((n) => backoffMs(n, 0.999))).toEqual([
      1_999, 3_998, 7_996, 15_992, 31_984, 59_970, 59_970, 59_970,
    ]);
    expect(backoffMs(50, 1)).toBe(BACKOFF_CAP_MS);
    expect(backoffMs(5_000, 1)).toBe(60_000);
  });

  it("stays jittered at the cap: 30–60 s, never in lockstep", () => {
    expect(backoffMs(100, 0)).toBe(30_000);
    expect(backoffMs(100, 0.5)).toBe(45_000);
    expect(backoffMs(100, 1)).toBe(60_000);
  });

  it("is never zero, even for zero failures", () => {
    expect(backoffMs(0, 0)).toBe(1_000);
  });
});

describe("nextPause", () => {
  const paused: PauseState = { until: NOW + 10_000, reason: "backoff", failures: 4 };

  it("resets the backoff on success", () => {
    expect(nextPause(paused, null, NOW, 0.5)).toEqual(NO_PAUSE);
  });

  it("keeps a cool-down or a Retry-After pause running through a parallel call's success", () => {
    const cooldown: PauseState = { until: NOW + COOLDOWN_MS, reason: "cooldown", failures: 1 };
    expect(nextPause(cooldown, null, NOW, 0.5)).toEqual({ ...cooldown, failures: 0 });
    const asked: PauseState = { until: NOW + 30_000, reason: "retry_after", failures: 2 };
    expect(nextPause(asked, null, NOW, 0.5)).toEqual({ ...asked, failures: 0 });
    expect(nextPause(asked, null, NOW + 30_000, 0.5)).toEqual(NO_PAUSE);
  });

  it.each([401, 402, 403])("cools down for 15 minutes after %i", (status) => {
    expect(nextPause(NO_PAUSE, { kind: "http", status, retryAfter: "5" }, NOW, 0.5)).toEqual({
      until: NOW + 15 * 60_000,
      reason: "cooldown",
      failures: 1,
    });
  });

  it("follows a valid Retry-After on 429", () => {
    expect(nextPause(NO_PAUSE, { kind: "http", status: 429, retryAfter: "30" }, NOW, 0.5)).toEqual({
      until: NOW + 30_000,
      reason: "retry_after",
      failures: 1,
    });
  });

  it("follows a Retry-After date on 429", () => {
    const retryAfter = new Date(NOW + 45_000).toUTCString();
    expect(nextPause(paused, { kind: "http", status: 429, retryAfter }, NOW, 0.5)).toEqual({
      until: NOW + 45_000,
      reason: "retry_after",
      failures: 5,
    });
  });

  it.each([null, "0", "-5", "86400", "soon"])("backs off on 429 with Retry-After %j", (retryAfter) => {
    expect(nextPause(paused, { kind: "http", status: 429, retryAfter }, NOW, 1)).toEqual({
      until: NOW + 32_000,
      reason: "backoff",
      failures: 5,
    });
  });

  it("ignores Retry-After on statuses other than 429", () => {
    expect(nextPause(NO_PAUSE, { kind: "http", status: 503, retryAfter: "30" }, NOW, 1)).toEqual({
      until: NOW + 2_000,
      reason: "backoff",
      failures: 1,
    });
  });

  it.each([
    ["timeout", null],
    ["network", null],
    ["invalid", 200],
    ["deprecated", 200],
    ["http", 500],
  ] as const)("backs off with one more failure after a %s failure (floor 16 s, random 0)", (kind, status) => {
    const ended: PauseState = { ...paused, until: NOW - 1 };
    expect(nextPause(ended, { kind, status, retryAfter: null }, NOW, 0)).toEqual({
      until: NOW + 16_000,
      reason: "backoff",
      failures: 5,
    });
  });

  describe("never shortens a pause", () => {
    const cooldown: PauseState = { until: NOW + COOLDOWN_MS, reason: "cooldown", failures: 1 };

    it("keeps a cool-down when a parallel call then fails with a 500 (a backoff of seconds would end it)", () => {
      expect(nextPause(cooldown, { kind: "http", status: 500, retryAfter: null }, NOW + 1_000, 0.5)).toEqual({
        until: NOW + COOLDOWN_MS,
        reason: "cooldown",
        failures: 2,
      });
    });

    it("keeps a Retry-After when a shorter 429 or a timeout follows", () => {
      const asked: PauseState = { until: NOW + 600_000, reason: "retry_after", failures: 1 };
      expect(nextPause(asked, { kind: "http", status: 429, retryAfter: "5" }, NOW, 0.5)).toEqual({
        ...asked,
        failures: 2,
      });
      expect(nextPause(asked, { kind: "timeout", status: null, retryAfter: null }, NOW, 0.5)).toEqual({
        ...asked,
        failures: 2,
      });
    });

    it("moves the end later, with the longer pause's reason, when the new failure asks for longer", () => {
      const backoff: PauseState = { until: NOW + 60_000, reason: "backoff", failures: 7 };
      expect(nextPause(backoff, { kind: "http", status: 402, retryAfter: null }, NOW, 0.5)).toEqual({
        until: NOW + COOLDOWN_MS,
        reason: "cooldown",
        failures: 8,
      });
      const asked: PauseState = { until: NOW + 60_000, reason: "retry_after", failures: 1 };
      expect(nextPause(asked, { kind: "http", status: 429, retryAfter: "120" }, NOW, 0.5)).toEqual({
        until: NOW + 120_000,
        reason: "retry_after",
        failures: 2,
      });
    });

    it("ends a backoff on success but never a cool-down", () => {
      expect(nextPause({ until: NOW + 60_000, reason: "backoff", failures: 7 }, null, NOW, 0.5)).toEqual(NO_PAUSE);
      expect(nextPause(cooldown, null, NOW, 0.5)).toEqual({ ...cooldown, failures: 0 });
    });
  });

  it("doubles the backoff over consecutive failures up to the cap", () => {
    let pause = NO_PAUSE;
    const waits: number[] = [];
    for (let i = 0; i < 9; i++) {
      pause = nextPause(pause, { kind: "timeout", status: null, retryAfter: null }, NOW, 1);
      waits.push(pause.until - NOW);
    }
    expect(waits).toEqual([2_000, 4_000, 8_000, 16_000, 32_000, 60_000, 60_000, 60_000, 60_000]);
  });
});

const BUDGETS: Budgets = { proxyDailyCredits: 100, searchDailyCredits: 20, snapshotWeeklyCredits: 40 };

function input(overrides: Partial<AdmissionInput> = {}): AdmissionInput {
  return {
    now: NOW,
    pool: "proxy",
    isSearch: false,
    cost: 2,
    pause: NO_PAUSE,
    spend: { proxyToday: 0, searchToday: 0, snapshotThisWeek: 0, probesThisWeek: 0 },
    budgets: BUDGETS,
    clientCalls: [],
    clientCallsPerHour: 3,
    ...overrides,
  };
}

describe("admit: pauses", () => {
  it("admits a proxy call with nothing spent and no pause", () => {
    expect(admit(input())).toEqual({ ok: true });
  });

  it.each([
    ["backoff", "paused"],
    ["retry_after", "paused"],
    ["cooldown", "cooldown"],
  ] as const)("holds a proxy call during a %s pause as %s until it ends", (reason, kind) => {
    const pause: PauseState = { until: NOW + 7_000, reason, failures: 1 };
    expect(admit(input({ pause }))).toEqual({ ok: false, kind, retryAfterMs: 7_000 });
  });

  it("admits a proxy call once the pause has ended", () => {
    const pause: PauseState = { until: NOW, reason: "cooldown", failures: 1 };
    expect(admit(input({ pause }))).toEqual({ ok: true });
  });

  it.each([
    ["cooldown", "cooldown"],
    ["retry_after", "paused"],
    ["backoff", "paused"],
  ] as const)("holds the snapshot job during a %s pause (one upstream: a pause holds every caller)", (reason, kind) => {
    const pause: PauseState = { until: NOW + 30_000, reason, failures: 1 };
    expect(admit(input({ pool: "snapshot", clientCalls: null, pause }))).toEqual({
      ok: false,
      kind,
      retryAfterMs: 30_000,
    });
  });
});

describe("admit: budgets", () => {
  it("admits a proxy call that spends the budget exactly", () => {
    const spend = { proxyToday: 98, searchToday: 0, snapshotThisWeek: 0, probesThisWeek: 0 };
    expect(admit(input({ spend }))).toEqual({ ok: true });
  });

  it("refuses a proxy call over the daily budget until the next UTC day", () => {
    const spend = { proxyToday: 99, searchToday: 0, snapshotThisWeek: 0, probesThisWeek: 0 };
    expect(admit(input({ spend }))).toEqual({ ok: false, kind: "budget", retryAfterMs: 12 * HOUR });
  });

  it("refuses a search over its share while plain calls still pass", () => {
    const spend = { proxyToday: 30, searchToday: 20, snapshotThisWeek: 0, probesThisWeek: 0 };
    expect(admit(input({ spend, isSearch: true }))).toEqual({ ok: false, kind: "budget", retryAfterMs: 12 * HOUR });
    expect(admit(input({ spend, isSearch: false }))).toEqual({ ok: true });
  });

  it("admits a search that spends its share exactly", () => {
    const spend = { proxyToday: 18, searchToday: 18, snapshotThisWeek: 0, probesThisWeek: 0 };
    expect(admit(input({ spend, isSearch: true }))).toEqual({ ok: true });
  });

  it("refuses a search when the proxy budget is spent even if its share is not", () => {
    const spend = { proxyToday: 100, searchToday: 0, snapshotThisWeek: 0, probesThisWeek: 0 };
    expect(admit(input({ spend, isSearch: true }))).toMatchObject({ ok: false, kind: "budget" });
  });

  it("never lets a proxy call spend the snapshot reserve", () => {
    const budgets = { ...BUDGETS, proxyDailyCredits: 0 };
    expect(admit(input({ budgets }))).toMatchObject({ ok: false, kind: "budget" });
  });

  it("lets the snapshot job spend its reserve regardless of the proxy's spend and client limits", () => {
    const spend = { proxyToday: 100, searchToday: 20, snapshotThisWeek: 38, probesThisWeek: 0 };
    expect(admit(input({ pool: "snapshot", spend, clientCalls: null, clientCallsPerHour: 0 }))).toEqual({ ok: true });
  });

  it("refuses the snapshot job over its weekly reserve until next Monday", () => {
    const spend = { proxyToday: 0, searchToday: 0, snapshotThisWeek: 39, probesThisWeek: 0 };
    // Wednesday noon → Monday 00:00 is 4.5 days.
    expect(admit(input({ pool: "snapshot", spend, clientCalls: null }))).toEqual({
      ok: false,
      kind: "budget",
      retryAfterMs: 4.5 * DAY,
    });
  });

  it("checks the budget before the client limit", () => {
    const spend = { proxyToday: 100, searchToday: 0, snapshotThisWeek: 0, probesThisWeek: 0 };
    const clientCalls = [NOW - 3, NOW - 2, NOW - 1];
    expect(admit(input({ spend, clientCalls }))).toMatchObject({ kind: "budget" });
  });
});

describe("admit: client limit", () => {
  it("admits a client below its hourly limit", () => {
    expect(admit(input({ clientCalls: [NOW - 2_000, NOW - 1_000] }))).toEqual({ ok: true });
  });

  it("refuses a client at its limit until its oldest call in the hour leaves the window", () => {
    const clientCalls = [NOW - 40 * 60_000, NOW - 10 * 60_000, NOW - 1_000];
    expect(admit(input({ clientCalls }))).toEqual({ ok: false, kind: "client_limit", retryAfterMs: 20 * 60_000 });
  });

  it("forgets calls an hour old or older", () => {
    const clientCalls = [NOW - CLIENT_WINDOW_MS, NOW - 2 * HOUR, NOW - 2_000, NOW - 1_000];
    expect(admit(input({ clientCalls }))).toEqual({ ok: true });
  });

  it("counts a call just inside the sliding hour and frees it a millisecond later", () => {
    const clientCalls = [NOW - CLIENT_WINDOW_MS + 1, NOW - 2_000, NOW - 1_000];
    expect(admit(input({ clientCalls }))).toEqual({ ok: false, kind: "client_limit", retryAfterMs: 1 });
    expect(admit(input({ clientCalls, now: NOW + 1 }))).toEqual({ ok: true });
  });

  it("waits until enough calls leave the window when a client is over its limit, in any order", () => {
    // Five calls in the hour with a limit of three: three must expire, so the third-oldest decides.
    const clientCalls = [NOW - 1_000, NOW - 50 * 60_000, NOW - 30 * 60_000, NOW - 5_000, NOW - 40 * 60_000];
    expect(admit(input({ clientCalls }))).toEqual({ ok: false, kind: "client_limit", retryAfterMs: 30 * 60_000 });
  });

  it("admits the call once the retryAfterMs it returned has passed", () => {
    const clientCalls = [NOW - 59 * 60_000, NOW - 20 * 60_000, NOW - 1_000];
    const refused = admit(input({ clientCalls }));
    expect(refused).toEqual({ ok: false, kind: "client_limit", retryAfterMs: 60_000 });
    if (refused.ok) throw new Error("expected a refusal");
    expect(admit(input({ clientCalls, now: NOW + refused.retryAfterMs - 1 }))).toMatchObject({ ok: false });
    expect(admit(input({ clientCalls, now: NOW + refused.retryAfterMs }))).toEqual({ ok: true });
  });

  it("treats a missing call list as no calls", () => {
    expect(admit(input({ clientCalls: null }))).toEqual({ ok: true });
  });
});

describe("UTC day and ISO week boundaries", () => {
  it("names the UTC day as YYYY-MM-DD", () => {
    expect(utcDay(NOW)).toBe("2026-03-11");
    expect(utcDay(Date.UTC(2026, 2, 11, 23, 59, 59, 999))).toBe("2026-03-11");
    expect(utcDay(Date.UTC(2026, 2, 12))).toBe("2026-03-12");
  });

  it("counts the time to the next UTC midnight", () => {
    expect(msUntilNextUtcDay(NOW)).toBe(12 * HOUR);
    expect(msUntilNextUtcDay(Date.UTC(2026, 2, 11))).toBe(DAY);
    expect(msUntilNextUtcDay(Date.UTC(2026, 2, 11, 23, 59, 59, 999))).toBe(1);
  });

  it("crosses month and year ends to the next UTC midnight", () => {
    expect(msUntilNextUtcDay(Date.UTC(2026, 1, 28, 18))).toBe(6 * HOUR);
    expect(msUntilNextUtcDay(Date.UTC(2026, 11, 31, 23))).toBe(HOUR);
  });

  it("counts the time to the next Monday 00:00 UTC", () => {
    expect(msUntilNextIsoWeek(NOW)).toBe(4.5 * DAY);
    // Monday 2026-03-09 00:00 is the start of a week: a whole week remains.
    expect(msUntilNextIsoWeek(Date.UTC(2026, 2, 9))).toBe(7 * DAY);
    // Sunday 2026-03-15, last millisecond.
    expect(msUntilNextIsoWeek(Date.UTC(2026, 2, 15, 23, 59, 59, 999))).toBe(1);
    expect(msUntilNextIsoWeek(Date.UTC(2026, 2, 15, 12))).toBe(12 * HOUR);
  });

  it("crosses the year end to the next Monday", () => {
    // Thursday 2026-12-31 00:00 → Monday 2027-01-04 00:00.
    expect(msUntilNextIsoWeek(Date.UTC(2026, 11, 31))).toBe(4 * DAY);
  });
});
