import { describe, expect, it } from "vitest";
import { TRENDING, harness } from "./harness";

const MINUTE = 60_000;

describe("pauses after upstream failures (all upstream calls, one upstream)", () => {
  for (const status of [401, 402]) {
    it(`cools down for 15 minutes after ${status}: 0 further calls, 503 with Retry-After`, async () => {
      const h = await harness();
      await h.upstream.script([{ status, times: 1 }, {}]);
      expect((await h.request(`${TRENDING}?region=US`)).status).toBe(502);
      h.clock.now += 5 * MINUTE;
      const paused = await h.request(`${TRENDING}?region=GB`);
      expect(paused.status).toBe(503);
      // Counted from when the refused call ended: the call's own few real milliseconds round up.
      expect(Number(paused.headers.get("Retry-After"))).toBeGreaterThanOrEqual(600);
      expect(Number(paused.headers.get("Retry-After"))).toBeLessThanOrEqual(601);
      expect(((await paused.json()) as { message: string }).message).toMatch(/cool-down/);
      expect(await h.upstream.count()).toBe(1);
      h.clock.now += 10 * MINUTE + 1_000;
      expect((await h.request(`${TRENDING}?region=GB`)).status).toBe(200);
      expect(await h.upstream.count()).toBe(2);
    });
  }

  const retryAfterHonoured: [string, (now: number) => string][] = [
    ["seconds", () => "120"],
    ["an HTTP date", (now) => new Date(now + 120_000).toUTCString()],
  ];
  for (const [name, value] of retryAfterHonoured) {
    it(`honours Retry-After as ${name} after 429`, async () => {
      const h = await harness();
      // The fake's clock is the real one; our clock is the test's: give the date relative to ours.
      await h.upstream.script([{ status: 429, times: 1, headers: { "Retry-After": value(h.clock.now) } }, {}]);
      expect((await h.request(`${TRENDING}?region=US`)).status).toBe(502);
      h.clock.now += 60_000;
      const paused = await h.request(`${TRENDING}?region=US`);
      expect(paused.status).toBe(503);
      expect(Number(paused.headers.get("Retry-After"))).toBeGreaterThanOrEqual(60);
      expect(Number(paused.headers.get("Retry-After"))).toBeLessThanOrEqual(61);
      expect(await h.upstream.count()).toBe(1);
      h.clock.now += 61_000;
      expect((await h.request(`${TRENDING}?region=US`)).status).toBe(200);
      expect(await h.upstream.count()).toBe(2);
    });
  }

  for (const value of ["0", "-5", "86400", "soon", ""]) {
    it(`falls back to the 1 s backoff for Retry-After "${value}"`, async () => {
      const h = await harness();
      await h.upstream.script([{ status: 429, times: 1, headers: { "Retry-After": value } }, {}]);
      expect((await h.request(`${TRENDING}?region=US`)).status).toBe(502);
      const paused = await h.request(`${TRENDING}?region=US`);
      expect(paused.status).toBe(503);
      // 0.5–1 s of backoff, counted from when the call ended (its real milliseconds may round up).
      expect(Number(paused.headers.get("Retry-After"))).toBeLessThanOrEqual(2);
      h.clock.now += 2_001;
      expect((await h.request(`${TRENDING}?region=US`)).status).toBe(200);
      expect(await h.upstream.count()).toBe(2);
    });
  }

  it("doubles the backoff per consecutive failure up to 60 s, and a success resets it", async () => {
    const h = await harness();
    await h.upstream.script([{ status: 500, times: 8 }, {}]);
    const ceilings: number[] = [];
    for (let i = 0; i < 8; i++) {
      expect((await h.request(`${TRENDING}?region=US`)).status).toBe(502);
      const paused = await h.request(`${TRENDING}?region=US`);
      expect(paused.status).toBe(503);
      const retryAfter = Number(paused.headers.get("Retry-After"));
      ceilings.push(retryAfter);
      h.clock.now += retryAfter * 1000;
    }
    // Equal jitter: between half the ceiling and the ceiling (1, 2, 4, … 60 s).
    const expected = [1, 2, 4, 8, 16, 32, 60, 60];
    ceilings.forEach((seconds, i) => {
      expect(seconds).toBeGreaterThanOrEqual(Math.floor(expected[i]! / 2));
      expect(seconds).toBeLessThanOrEqual(expected[i]! + 1); // + the call's own real milliseconds
    });
    expect((await h.request(`${TRENDING}?region=US`)).status).toBe(200);
    await h.upstream.script([{ status: 500, times: 1 }, {}]);
    expect((await h.request(`${TRENDING}?region=DE`)).status).toBe(502);
    const reset = await h.request(`${TRENDING}?region=DE`);
    expect(Number(reset.headers.get("Retry-After"))).toBeLessThanOrEqual(2);
    expect(await h.upstream.count()).toBe(10);
  });

  it("makes exactly one attempt per client request (no retries)", async () => {
    const h = await harness({ UPSTREAM_TIMEOUT_MS: "100" });
    await h.upstream.script([{ delayMs: 500 }]);
    expect((await h.request(`${TRENDING}?region=US`)).status).toBe(504);
    expect(await h.upstream.count()).toBe(1);
  });

  it("does not follow redirects: a 3xx is an upstream failure and the key goes nowhere else", async () => {
    const h = await harness();
    await h.upstream.script([
      { status: 302, headers: { Location: `${h.upstream.baseUrl}/s/elsewhere/v1/tiktok/trending/music` } },
    ]);
    expect((await h.request(`${TRENDING}?region=US`)).status).toBe(502);
    expect(await h.upstream.count()).toBe(1);
  });

  it("alerts ALERT_WEBHOOK once per UTC day when the upstream cools us down or dries up", async () => {
    const h = await harness();
    h.env.ALERT_WEBHOOK = `${h.upstream.url}/alerts`;
    const empty = {
      code: 0,
      message: "success",
      data: { pagination: { page: 1, size: 0, total: 0, has_more: false }, sound_list: [] },
      requestId: "e",
    };
    await h.upstream.script([
      { match: { region: "US" }, status: 401, times: 1 },
      { match: { region: "DE" }, status: 402, times: 1 },
      { match: { region: "FR" }, body: empty },
      {},
    ]);
    expect((await h.requestAndSettle(`${TRENDING}?region=US`)).status).toBe(502);
    h.clock.now += 16 * MINUTE;
    expect((await h.requestAndSettle(`${TRENDING}?region=GB`)).status).toBe(200); // success ends the cool-down
    expect((await h.requestAndSettle(`${TRENDING}?region=DE`)).status).toBe(502); // same day: no second alert
    h.clock.now += 16 * MINUTE;
    expect((await h.requestAndSettle(`${TRENDING}?region=FR`)).status).toBe(502); // dried up
    h.clock.now += 2_000;
    expect((await h.requestAndSettle(`${TRENDING}?region=FR`)).status).toBe(502);
    const alerts = (await h.upstream.unexpected()).filter((r) => r.path === "/alerts");
    expect(alerts).toHaveLength(2);
    expect(alerts.every((r) => r.method === "POST")).toBe(true);
  });
});
