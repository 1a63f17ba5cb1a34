import { describe, expect, it } from "vitest";
import { TRENDING, harness } from "./harness";

const HOUR = 3_600_000;
type Body = { code: number; requestId: string; data: { sound_list: { clip_id: string }[] } | null; message: string };

describe("freshness and stale copies", () => {
  it("answers a burst on an expired entry with the stale copy and exactly 1 background refresh", async () => {
    const h = await harness({ CACHE_TTL_SECONDS: "3600" });
    await h.requestAndSettle(`${TRENDING}?region=DE`);
    h.clock.now += HOUR + 1_000;
    // The refresh is held at the fake until the whole burst has been answered.
    await h.upstream.script([{ hold: "refresh" }]);
    const burst = await Promise.all(Array.from({ length: 50 }, () => h.request(`${TRENDING}?region=DE`)));
    await h.upstream.held("refresh", 1);
    await h.upstream.release("refresh");
    await h.settle();
    expect(burst.map((r) => r.status)).toEqual(Array(50).fill(200));
    expect(new Set(burst.map((r) => r.headers.get("X-Cache")))).toEqual(new Set(["STALE"]));
    expect(burst.every((r) => Number(r.headers.get("Age")) >= 3601)).toBe(true);
    expect(await h.upstream.count()).toBe(2);
    // KV still held the expired copy: the next asker gets the refreshed one from the gate and writes it to KV.
    const after = await h.requestAndSettle(`${TRENDING}?region=DE`);
    expect(after.headers.get("X-Cache")).toBe("REVALIDATED");
    expect(after.headers.get("Age")).toBe("0");
    const hit = await h.request(`${TRENDING}?region=DE`);
    expect(hit.headers.get("X-Cache")).toBe("HIT");
    expect(await h.upstream.count()).toBe(2);
  });

  it("serves the stale copy when the refresh gets an upstream 500", async () => {
    const h = await harness({ CACHE_TTL_SECONDS: "60" });
    const fresh = (await (await h.requestAndSettle(`${TRENDING}?region=IT`)).json()) as Body;
    h.clock.now += 61_000;
    await h.upstream.script([{ status: 500 }]);
    const stale = await h.requestAndSettle(`${TRENDING}?region=IT`);
    expect(stale.status).toBe(200);
    expect(stale.headers.get("X-Cache")).toBe("STALE");
    expect(((await stale.json()) as Body).data).toEqual(fresh.data);
    expect(await h.upstream.count()).toBe(2);
    // The failed refresh stored nothing: the next ask still sees the old copy as stale.
    h.clock.now += 5_000;
    const again = await h.requestAndSettle(`${TRENDING}?region=IT`);
    expect(again.headers.get("X-Cache")).toBe("STALE");
  });

  it("serves the stale copy when the refresh times out", async () => {
    const h = await harness({ CACHE_TTL_SECONDS: "60", UPSTREAM_TIMEOUT_MS: "100" });
    await h.requestAndSettle(`${TRENDING}?region=ES`);
    h.clock.now += 61_000;
    // Never released: the deadline passes first on any machine.
    await h.upstream.script([{ hold: "never" }]);
    const stale = await h.requestAndSettle(`${TRENDING}?region=ES`);
    expect(stale.status).toBe(200);
    expect(stale.headers.get("X-Cache")).toBe("STALE");
  });

  it("answers 502 for an upstream 500 and 504 for a timeout when there is no copy", async () => {
    const h = await harness({ UPSTREAM_TIMEOUT_MS: "100" });
    await h.upstream.script([
      { match: { region: "PL" }, status: 500 },
      { match: { region: "PT" }, hold: "never" }, // never released: the deadline passes first
    ]);
    const failed = await h.request(`${TRENDING}?region=PL`);
    expect(failed.status).toBe(502);
    expect(((await failed.json()) as Body).data).toBeNull();
    h.clock.now += 120_000; // past the backoff the failure started
    const timedOut = await h.request(`${TRENDING}?region=PT`);
    expect(timedOut.status).toBe(504);
    expect(((await timedOut.json()) as Body).code).toBe(504);
    expect(await h.upstream.count()).toBe(2);
  });

  it("drops a copy past its stale window: the next ask is a miss", async () => {
    const h = await harness({ CACHE_TTL_SECONDS: "60", STALE_TTL_SECONDS: "60" });
    await h.requestAndSettle(`${TRENDING}?region=SE`);
    h.clock.now += 121_000;
    const response = await h.request(`${TRENDING}?region=SE`);
    expect(response.headers.get("X-Cache")).toBe("MISS");
    expect(await h.upstream.count()).toBe(2);
  });

  it("says REVALIDATED when KV still holds the expired copy but the gate already refreshed it", async () => {
    const h = await harness({ CACHE_TTL_SECONDS: "60" });
    await h.requestAndSettle(`${TRENDING}?region=NO`);
    h.clock.now += 61_000;
    await h.requestAndSettle(`${TRENDING}?region=NO`); // stale + background refresh
    // Simulate KV lag in another colo: put the old copy back.
    const { env } = await import("cloudflare:workers");
    const keys = await env.ANSWERS.list();
    const [key] = keys.keys;
    expect(key).toBeDefined();
    const current = JSON.parse((await env.ANSWERS.get(key!.name)) ?? "{}");
    await env.ANSWERS.put(key!.name, JSON.stringify({ ...current, fetchedAt: current.fetchedAt - 61_000 }));
    const response = await h.request(`${TRENDING}?region=NO`);
    expect(response.headers.get("X-Cache")).toBe("REVALIDATED");
    expect(await h.upstream.count()).toBe(2);
  });
});

describe("bad 200s are upstream failures, never data", () => {
  const cases: [string, Record<string, unknown>][] = [
    ["code != 0", { body: { code: 10001, message: "internal", data: null, requestId: "x" } }],
    ["a deprecated message", { body: { code: 0, msg: "deprecated", data: {} } }],
    [
      "an empty page 1 of an unfiltered chart",
      {
        body: {
          code: 0,
          message: "success",
          data: { pagination: { page: 1, size: 0, total: 0, has_more: false }, sound_list: [] },
          requestId: "y",
        },
      },
    ],
    ["invalid JSON", { rawBody: "<html>oops</html>" }],
    [
      "a body that fails the schema",
      { body: { code: 0, message: "success", data: { sound_list: [{ rank: "one" }] }, requestId: "z" } },
    ],
  ];

  for (const [name, rule] of cases) {
    it(`answers 502 and stores nothing for ${name}`, async () => {
      const h = await harness();
      await h.upstream.script([{ ...rule, times: 1 }, {}]);
      const failed = await h.requestAndSettle(`${TRENDING}?region=AT`);
      expect(failed.status).toBe(502);
      h.clock.now += 120_000;
      const next = await h.request(`${TRENDING}?region=AT`);
      expect(next.status).toBe(200);
      expect(next.headers.get("X-Cache")).toBe("MISS");
      expect(await h.upstream.count()).toBe(2);
    });

    it(`serves the stale copy for ${name}`, async () => {
      const h = await harness({ CACHE_TTL_SECONDS: "60" });
      await h.requestAndSettle(`${TRENDING}?region=BE`);
      h.clock.now += 61_000;
      await h.upstream.script([{ ...rule }]);
      const response = await h.requestAndSettle(`${TRENDING}?region=BE`);
      expect(response.status).toBe(200);
      expect(response.headers.get("X-Cache")).toBe("STALE");
      expect(await h.upstream.count()).toBe(2);
    });
  }

  it("treats an empty list for a keyword search as data", async () => {
    const h = await harness();
    await h.upstream.script([
      {
        body: {
          code: 0,
          message: "success",
          data: { pagination: { page: 1, size: 0, total: 0, has_more: false }, sound_list: [] },
          requestId: "s",
        },
      },
    ]);
    const response = await h.request(`${TRENDING}?region=US&search_keyword=zzzz`);
    expect(response.status).toBe(200);
    expect(((await response.json()) as Body).data?.sound_list).toEqual([]);
  });
});
