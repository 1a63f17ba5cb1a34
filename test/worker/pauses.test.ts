import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { TRENDING, harness } from "./harness";

const MINUTE = 60_000;

/** The error envelope's message and the Retry-After header of a paused answer. */
async function pausedFor(response: Response): Promise<{ status: number; retryAfter: number; message: string }> {
  const body = (await response.json()) as { message: string };
  return { status: response.status, retryAfter: Number(response.headers.get("Retry-After")), message: body.message };
}

describe("pauses after upstream failures (all upstream calls, one upstream)", () => {
  for (const status of [401, 402, 403]) {
    it(`cools down for 15 minutes after ${status}, and the request that got it already answers 503`, async () => {
      const h = await harness();
      await h.upstream.script([{ status, times: 1 }, {}]);
      expect(await pausedFor(await h.request(`${TRENDING}?region=US`))).toEqual({
        status: 503,
        retryAfter: 900,
        message: expect.stringMatching(/cool-down/),
      });
      h.clock.now += 5 * MINUTE;
      expect(await pausedFor(await h.request(`${TRENDING}?region=GB`))).toMatchObject({ status: 503, retryAfter: 600 });
      expect(await h.upstream.count()).toBe(1);
      h.clock.now += 10 * MINUTE;
      expect((await h.request(`${TRENDING}?region=GB`)).status).toBe(200);
      expect(await h.upstream.count()).toBe(2);
    });
  }

  // T0 is Monday 2026-11-23 12:00:00 UTC: two minutes later in each of RFC 9110's three date forms.
  const retryAfterForms: [string, string][] = [
    ["seconds", "120"],
    ["an IMF-fixdate", "Mon, 23 Nov 2026 12:02:00 GMT"],
    ["an RFC 850 date", "Monday, 23-Nov-26 12:02:00 GMT"],
    ["an asctime date", "Mon Nov 23 12:02:00 2026"],
  ];
  for (const [name, value] of retryAfterForms) {
    it(`honours Retry-After as ${name} after 429, from the request that got it on`, async () => {
      const h = await harness();
      await h.upstream.script([{ status: 429, times: 1, headers: { "Retry-After": value } }, {}]);
      expect(await pausedFor(await h.request(`${TRENDING}?region=US`))).toMatchObject({ status: 503, retryAfter: 120 });
      h.clock.now += MINUTE;
      expect(await pausedFor(await h.request(`${TRENDING}?region=US`))).toMatchObject({ status: 503, retryAfter: 60 });
      expect(await h.upstream.count()).toBe(1);
      h.clock.now += MINUTE;
      expect((await h.request(`${TRENDING}?region=US`)).status).toBe(200);
      expect(await h.upstream.count()).toBe(2);
    });
  }

  for (const value of ["0", "-5", "86400", "soon", "", "Mon, 31 Feb 2026 12:02:00 GMT"]) {
    it(`falls back to the backoff for Retry-After ${JSON.stringify(value)}`, async () => {
      const h = await harness();
      h.random.value = 0; // no jitter above the first floor: 1 s
      await h.upstream.script([{ status: 429, times: 1, headers: { "Retry-After": value } }, {}]);
      expect(await pausedFor(await h.request(`${TRENDING}?region=US`))).toMatchObject({ status: 503, retryAfter: 1 });
      h.clock.now += 999;
      expect((await h.request(`${TRENDING}?region=US`)).status).toBe(503);
      h.clock.now += 1;
      expect((await h.request(`${TRENDING}?region=US`)).status).toBe(200);
      expect(await h.upstream.count()).toBe(2);
    });
  }

  it("never shortens a pause: a 500 that lands after a 402 leaves the cool-down as it was", async () => {
    const h = await harness();
    await h.upstream.script([
      { match: { region: "US" }, status: 402, hold: "first" },
      { match: { region: "DE" }, status: 500, hold: "second" },
      {},
    ]);
    const first = h.request(`${TRENDING}?region=US`);
    const second = h.request(`${TRENDING}?region=DE`);
    await h.upstream.held("first");
    await h.upstream.held("second");
    await h.upstream.release("first");
    expect(await pausedFor(await first)).toMatchObject({ status: 503, retryAfter: 900 });
    await h.upstream.release("second");
    expect((await second).status).toBe(502);
    h.clock.now += 5_000;
    expect(await pausedFor(await h.request(`${TRENDING}?region=GB`))).toMatchObject({ status: 503, retryAfter: 895 });
    expect((await h.gateStatus()).pause).toMatchObject({
      until: h.clock.now - 5_000 + 15 * MINUTE,
      reason: "cooldown",
    });
    expect(await h.upstream.count()).toBe(2);
  });

  it("times a pause from when the failed call ended, not from when the request began", async () => {
    const h = await harness();
    // A window across two cold full pages: rows 16–30 need pages 1 and 2.
    await h.upstream.script([
      { match: { page: "1" } },
      { match: { page: "2" }, status: 429, headers: { "Retry-After": "60" }, hold: "page2" },
    ]);
    const asked = h.request(`${TRENDING}?region=US&page=2&limit=15`);
    await h.upstream.held("page2");
    h.clock.now += 5 * MINUTE; // the second call takes five minutes
    await h.upstream.release("page2");
    expect(await pausedFor(await asked)).toMatchObject({ status: 503, retryAfter: 60 });
    h.clock.now += 30_000;
    expect(await pausedFor(await h.request(`${TRENDING}?region=DE`))).toMatchObject({ status: 503, retryAfter: 30 });
  });

  it("doubles the backoff per consecutive failure from 1 s, jittered up to 60 s, and a success resets it", async () => {
    const h = await harness();
    await h.upstream.script([{ status: 500, times: 8 }, {}]);
    // random 0 → the floor: 1, 2, 4, 8, 16 s, then 30 s (half the cap, so the cap keeps its jitter).
    h.random.value = 0;
    const pauses: number[] = [];
    for (let i = 0; i < 8; i++) {
      expect((await h.request(`${TRENDING}?region=US`)).status).toBe(502);
      const status = await h.gateStatus();
      pauses.push(status.pause.until - h.clock.now);
      h.clock.now = status.pause.until;
    }
    expect(pauses).toEqual([1_000, 2_000, 4_000, 8_000, 16_000, 30_000, 30_000, 30_000]);
    expect((await h.request(`${TRENDING}?region=US`)).status).toBe(200);
    expect((await h.gateStatus()).pause).toEqual({ until: 0, reason: null, failures: 0 });
    await h.upstream.script([{ status: 500, times: 1 }, {}]);
    expect((await h.request(`${TRENDING}?region=DE`)).status).toBe(502);
    expect((await h.gateStatus()).pause.until - h.clock.now).toBe(1_000);
    expect(await h.upstream.count()).toBe(10);
  });

  it("makes exactly one attempt per client request (no retries)", async () => {
    const h = await harness({ UPSTREAM_TIMEOUT_MS: "100" });
    // Never released: the deadline passes first on any machine.
    await h.upstream.script([{ hold: "never" }]);
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

  it("never echoes the upstream's code or text to the client", async () => {
    const h = await harness();
    const code = "x".repeat(10_000);
    await h.upstream.script([{ body: { code, message: "<b>secret detail</b>", data: null, requestId: "r" } }]);
    const response = await h.request(`${TRENDING}?region=US`);
    expect(response.status).toBe(502);
    const text = await response.text();
    expect(text).not.toContain("xxxxxxxx");
    expect(text).not.toContain("secret detail");
    expect(text.length).toBeLessThan(300);
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
    const gate = env.GATE.get(env.GATE.idFromName(h.gateName));
    expect((await h.requestAndSettle(`${TRENDING}?region=US`)).status).toBe(503);
    h.clock.now += 16 * MINUTE;
    expect((await h.requestAndSettle(`${TRENDING}?region=GB`)).status).toBe(200); // the cool-down is over
    expect((await h.requestAndSettle(`${TRENDING}?region=DE`)).status).toBe(503); // same day: no second alert
    h.clock.now += 16 * MINUTE;
    expect((await h.requestAndSettle(`${TRENDING}?region=FR`)).status).toBe(502); // dried up
    h.clock.now += 2 * MINUTE;
    expect((await h.requestAndSettle(`${TRENDING}?region=FR`)).status).toBe(502);
    await gate.idle();
    const alerts = (await h.upstream.unexpected()).filter((r) => r.path === "/alerts");
    expect(alerts.map((r) => r.method)).toEqual(["POST", "POST"]);
  });
});
