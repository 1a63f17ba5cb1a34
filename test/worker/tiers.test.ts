import { createExecutionContext, waitOnExecutionContext } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { createApp } from "../../worker/app";
import { HeldAnswers } from "../../worker/cache/held-answers";
import { TRENDING, harness } from "./harness";

describe("the tiers: colo cache → KV → gate", () => {
  it("serves a fresh KV copy without asking the gate (a new gate with empty storage makes no call)", async () => {
    const h = await harness();
    await h.requestAndSettle(`${TRENDING}?region=NL`);
    const otherGate = createApp({
      now: () => h.clock.now,
      gateName: `other-${crypto.randomUUID()}`,
      coloCache: () => null,
      sleep: async () => undefined,
      outbound: fetch,
      held: new HeldAnswers(),
    });
    const ctx = createExecutionContext();
    const response = await otherGate.fetch(new Request(`https://proxy.test${TRENDING}?region=nl`), h.env, ctx);
    await waitOnExecutionContext(ctx);
    expect(response.status).toBe(200);
    expect(response.headers.get("X-Cache")).toBe("HIT");
    expect(await h.upstream.count()).toBe(1);
  });

  it("keeps a fresh copy in the colo cache, which answers even when KV has lost it", async () => {
    const h = await harness({}, { colo: true });
    expect((await h.requestAndSettle(`${TRENDING}?region=NZ`)).headers.get("X-Cache")).toBe("MISS");
    for (const { name } of (await env.ANSWERS.list()).keys) await env.ANSWERS.delete(name);
    const cached = await h.request(`${TRENDING}?region=NZ`);
    expect(cached.headers.get("X-Cache")).toBe("HIT");
    expect(await h.upstream.count()).toBe(1);
  });

  it("keeps the latest good body in the gate, so a lost KV copy costs no credit", async () => {
    const h = await harness();
    await h.requestAndSettle(`${TRENDING}?region=IE`);
    for (const { name } of (await env.ANSWERS.list()).keys) await env.ANSWERS.delete(name);
    const response = await h.request(`${TRENDING}?region=IE`);
    expect(response.status).toBe(200);
    expect(response.headers.get("X-Cache")).toBe("HIT");
    expect(await h.upstream.count()).toBe(1);
  });

  it("ignores a corrupt KV value and asks the gate instead", async () => {
    const h = await harness();
    await h.requestAndSettle(`${TRENDING}?region=IL`);
    for (const { name } of (await env.ANSWERS.list()).keys) await env.ANSWERS.put(name, "{not json");
    const response = await h.request(`${TRENDING}?region=IL`);
    expect(response.status).toBe(200);
    expect(await h.upstream.count()).toBe(1);
  });
});
