import { describe, expect, it } from "vitest";
import { percentile } from "../../bench/lib/http.mjs";
import { drive, dueBy, intendedAt, summarize } from "../../bench/lib/open-loop.mjs";

// The open-loop driver's pure parts, each on a clock the test owns: no request is sent, no time passes.

/** A clock that moves only when the driver waits (or when a test moves it). */
function fakeClock() {
  let now = 0;
  return {
    clock: () => now,
    wait: async (ms: number) => {
      now += Math.max(ms, 0.001);
    },
    advance: (ms: number) => {
      now += ms;
    },
  };
}

describe("open-loop schedule", () => {
  it("puts request i at t0 + i / rate", () => {
    expect([0, 1, 2, 1000].map((i) => intendedAt(i, 1000))).toEqual([0, 1, 2, 1000]);
    expect(intendedAt(3, 4)).toBe(750);
  });

  it("counts the requests due by a time, never more than the run holds", () => {
    expect(dueBy(0, 100, 500)).toBe(1);
    expect(dueBy(9.99, 100, 500)).toBe(1);
    expect(dueBy(10, 100, 500)).toBe(2);
    expect(dueBy(60_000, 100, 500)).toBe(500);
  });

  it("sends every request at its intended time while no answer comes back", async () => {
    const { clock, wait } = fakeClock();
    const sentAt: number[] = [];
    await drive({ rate: 200, total: 10, clock, wait, send: () => sentAt.push(clock()) });
    expect(sentAt).toHaveLength(10);
    for (const [i, at] of sentAt.entries()) expect(at).toBeCloseTo(intendedAt(i, 200), 6);
  });

  it("sends what fell due at once after the driver was held up, without skipping a tick", async () => {
    const { clock, wait, advance } = fakeClock();
    const sentAt: number[] = [];
    await drive({
      rate: 1000,
      total: 20,
      clock,
      wait,
      send: (i) => {
        sentAt[i] = clock();
        // A send that holds the driver up for 5 ms (a busy event loop): requests 4–8 fall due meanwhile.
        if (i === 3) advance(5);
      },
    });
    expect(sentAt).toHaveLength(20);
    for (const i of [4, 5, 6, 7, 8]) expect(sentAt[i]).toBeCloseTo(8, 2);
    for (const i of [9, 15, 19]) expect(sentAt[i]).toBeCloseTo(i, 6);
  });
});

describe("open-loop latency", () => {
  it("counts latency from the intended send time, not from when the request went out", () => {
    // Request 1 was due at 10 ms but left at 30 ms (the driver was late) and was answered at 31 ms.
    const records = {
      intended: [0, 10, 20, 30],
      sent: [0, 30, 30, 30],
      done: [1, 31, 31, 31],
      status: [200, 200, 200, 200],
    };
    const r = summarize(records, { rate: 100, seconds: 0.04 });
    expect(r.maxMs).toBe(21);
    expect(r.p50Ms).toBe(11);
    expect(r.sendLagMaxMs).toBe(20);
  });

  it("keeps a slow answer's victims in the figures (no coordinated omission)", () => {
    // 1,000 requests at 1,000 a second; the server stalls 200 ms once, at 500 ms, and every request
    // due during the stall is answered when it ends. A closed-loop pacer would have sent none of them.
    const n = 1000;
    const intended = Array.from({ length: n }, (_, i) => intendedAt(i, 1000));
    const done = intended.map((t) => (t >= 500 && t < 700 ? 700.5 : t + 0.5));
    const r = summarize(
      { intended, sent: intended, done, status: intended.map(() => 200) },
      { rate: 1000, seconds: 1 },
    );
    expect(r.p50Ms).toBe(0.5);
    expect(r.p90Ms).toBeGreaterThan(100);
    expect(r.p99Ms).toBeGreaterThan(150);
    expect(r.maxMs).toBe(200.5);
    expect(r.errors).toBe(0);
  });

  it("reports the offered and achieved rate, and counts failures and non-2xx answers as errors", () => {
    const records = {
      intended: [0, 250, 500, 750],
      sent: [0, 250, 500, 750],
      done: [5, 255, 505, 1999],
      status: [200, 0, 503, 200],
    };
    const r = summarize(records, { rate: 4, seconds: 1 });
    expect(r).toMatchObject({ offeredRps: 4, requests: 4, answered: 3, ok: 2, errors: 2 });
    expect(r.statuses).toEqual({ 0: 1, 200: 2, 503: 1 });
    // Two answers in the two seconds until the last one came back.
    expect(r.achievedRps).toBe(1);
  });

  it("takes percentiles by rank", () => {
    const sorted = Array.from({ length: 100 }, (_, i) => i + 1);
    expect(percentile(sorted, 50)).toBe(51);
    expect(percentile(sorted, 99)).toBe(100);
    expect(percentile([7], 99)).toBe(7);
  });
});
