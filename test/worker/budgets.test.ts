import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { loadConfig } from "../../worker/config";
import { gateSettings } from "../../worker/proxy/settings";
import { TRENDING, harness } from "./harness";

const ip = (address: string) => ({ headers: { "CF-Connecting-IP": address } });

describe("credits are a wallet", () => {
  it("stops calling when the on-demand budget is spent: 503 without a copy, stale with one", async () => {
    const h = await harness({ PROXY_DAILY_CREDITS: "4", CACHE_TTL_SECONDS: "60" });
    expect((await h.requestAndSettle(`${TRENDING}?region=US`)).status).toBe(200);
    expect((await h.requestAndSettle(`${TRENDING}?region=DE`)).status).toBe(200);
    const over = await h.request(`${TRENDING}?region=FR`);
    expect(over.status).toBe(503);
    expect(Number(over.headers.get("Retry-After"))).toBe(12 * 3600); // T0 is 12:00 UTC
    h.clock.now += 61_000;
    const stale = await h.request(`${TRENDING}?region=US`);
    expect(stale.status).toBe(200);
    expect(stale.headers.get("X-Cache")).toBe("STALE");
    expect(await h.upstream.count()).toBe(2);
    h.clock.now += 12 * 3600_000; // a new UTC day, a new budget
    expect((await h.request(`${TRENDING}?region=FR`)).status).toBe(200);
    expect(await h.upstream.count()).toBe(3);
  });

  it("caps keyword searches by their share while charts still get through", async () => {
    const h = await harness({ SEARCH_DAILY_CREDITS: "2" });
    expect((await h.request(`${TRENDING}?region=US&search_keyword=love`)).status).toBe(200);
    expect((await h.request(`${TRENDING}?region=US&search_keyword=night`)).status).toBe(503);
    expect((await h.request(`${TRENDING}?region=US`)).status).toBe(200);
    expect(await h.upstream.count({ search_keyword: "night" })).toBe(0);
    expect(await h.upstream.count()).toBe(2);
  });

  it("leaves the snapshot reserve untouched by proxy traffic", async () => {
    const h = await harness({ PROXY_DAILY_CREDITS: "2" });
    expect((await h.request(`${TRENDING}?region=US`)).status).toBe(200);
    expect((await h.request(`${TRENDING}?region=DE`)).status).toBe(503);
    const gate = env.GATE.get(env.GATE.idFromName(h.gateName));
    const settings = gateSettings(loadConfig(h.env));
    const chart = { region: "DE", period: 7 as const, newToTop100: false, commercialMusic: false, searchKeyword: null };
    const fresh = await gate.freshPage(chart, 1, settings, {
      asOf: h.clock.now,
      reserveWeek: "2026-W47",
      keepForProxy: false,
    });
    expect(fresh.kind).toBe("page");
    const status = await gate.status();
    expect(status.spend).toEqual({ proxyToday: 2, searchToday: 0, snapshotThisWeek: 2, probesThisWeek: 0 });
  });
});

describe("the per-client limit counts calls a client causes", () => {
  it("answers 429 with Retry-After once a client has caused its hourly calls; others are unaffected", async () => {
    const h = await harness({ CLIENT_CALLS_PER_HOUR: "2" });
    expect((await h.request(`${TRENDING}?region=US`, ip("198.51.100.1"))).status).toBe(200);
    h.clock.now += 10 * 60_000;
    expect((await h.request(`${TRENDING}?region=DE`, ip("198.51.100.1"))).status).toBe(200);
    const limited = await h.request(`${TRENDING}?region=FR`, ip("198.51.100.1"));
    expect(limited.status).toBe(429);
    expect(Number(limited.headers.get("Retry-After"))).toBe(50 * 60);
    // Copies cost nothing: the same client is still served what is cached.
    expect((await h.request(`${TRENDING}?region=US`, ip("198.51.100.1"))).status).toBe(200);
    expect((await h.request(`${TRENDING}?region=FR`, ip("198.51.100.2"))).status).toBe(200);
    expect(await h.upstream.count()).toBe(3);
    h.clock.now += 50 * 60_000;
    expect((await h.request(`${TRENDING}?region=GB`, ip("198.51.100.1"))).status).toBe(200);
    expect(await h.upstream.count()).toBe(4);
  });

  it("lets 200 concurrent joiners of one call from one client all through", async () => {
    const h = await harness({ CLIENT_CALLS_PER_HOUR: "1" });
    // 200 instances, so the gate itself sees 200 questions; the call is held until all are in.
    await h.upstream.script([{ hold: "call" }]);
    const asking = Array.from({ length: 200 }, () => h.requestElsewhere(`${TRENDING}?region=KR`, ip("198.51.100.9")));
    await h.upstream.held("call", 1);
    await h.untilGateQuestions(200);
    await h.upstream.release("call");
    const responses = await Promise.all(asking);
    expect(responses.map((r) => r.status)).toEqual(Array(200).fill(200));
    expect(await h.upstream.count()).toBe(1);
    expect((await h.request(`${TRENDING}?region=TW`, ip("198.51.100.9"))).status).toBe(429);
  });
});
