import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { TRENDING, harness } from "./harness";

describe("the tiers: rendered answers → colo cache → KV → gate", () => {
  it("answers a repeated question from the instance's rendered answer, reading no tier", async () => {
    const h = await harness();
    await h.requestAndSettle(`${TRENDING}?region=CZ&limit=7`);
    h.env.ANSWERS = failingKv({ get: (() => Promise.reject(new Error("must not be read"))) as never });
    const again = await h.request(`${TRENDING}?region=cz&limit=7`);
    expect(again.headers.get("X-Cache")).toBe("HIT");
    expect((await h.gateStatus()).questions).toBe(1);
  });

  it("answers a spelling seen before from its rendered answer: GET with the body, HEAD without, 304 on its ETag", async () => {
    const h = await harness();
    const path = `${TRENDING}?limit=3&region=pe`;
    const first = await h.requestAndSettle(path);
    const body = await first.text();
    const again = await h.request(path);
    expect(again.headers.get("X-Cache")).toBe("HIT");
    expect(await again.text()).toBe(body);
    const head = await h.request(path, { method: "HEAD" });
    expect(head.status).toBe(200);
    expect(await head.text()).toBe("");
    const etag = first.headers.get("ETag") ?? "";
    expect((await h.request(path, { headers: { "If-None-Match": etag } })).status).toBe(304);
    expect((await h.gateStatus()).questions).toBe(1);
  });

  it("serves a fresh KV copy without asking the gate (a new gate with empty storage makes no call)", async () => {
    const h = await harness();
    await h.requestAndSettle(`${TRENDING}?region=NL`);
    const response = await h.requestElsewhere(`${TRENDING}?region=nl`, undefined, {
      gateName: `other-${crypto.randomUUID()}`,
    });
    expect(response.status).toBe(200);
    expect(response.headers.get("X-Cache")).toBe("HIT");
    expect(await h.upstream.count()).toBe(1);
  });

  it("answers another isolate of the colo from the answer rendered there: the same bytes and ETag, no page read", async () => {
    const h = await harness({ CACHE_TTL_SECONDS: "300" }, { colo: true });
    const path = `${TRENDING}?region=AR&page=2&limit=10`;
    const first = await h.requestAndSettle(path);
    const body = await first.text();
    const matched: string[] = [];
    const watched = {
      match: (request: Request) => {
        matched.push(new URL(request.url).pathname);
        return caches.default.match(request);
      },
      put: (request: Request, response: Response) => caches.default.put(request, response),
      delete: (request: Request) => caches.default.delete(request),
    } as unknown as Cache;
    h.env.ANSWERS = failingKv({ get: (() => Promise.reject(new Error("must not be read"))) as never });
    const elsewhere = await h.requestElsewhere(path, undefined, { coloCache: () => watched });
    expect(elsewhere.headers.get("X-Cache")).toBe("HIT");
    expect(elsewhere.headers.get("ETag")).toBe(first.headers.get("ETag"));
    expect(await elsewhere.text()).toBe(body);
    // One colo read, of the rendered answer: not the full page behind it.
    expect(matched).toHaveLength(1);
    expect(matched[0]).toMatch(/^\/rendered-v1\//);
    expect((await h.gateStatus()).questions).toBe(1);
    // Past its freshness the rendered answer is not used: the page behind it is asked for again.
    h.clock.now += 301_000;
    matched.length = 0;
    const later = await h.requestElsewhere(path, undefined, { coloCache: () => watched });
    expect(later.status).toBe(200);
    expect(matched.some((p) => !p.startsWith("/rendered-v1/"))).toBe(true);
  });

  it("keeps a fresh copy in the colo cache, which answers even when KV and the gate have lost it", async () => {
    const h = await harness({}, { colo: true });
    expect((await h.requestAndSettle(`${TRENDING}?region=NZ`)).headers.get("X-Cache")).toBe("MISS");
    for (const { name } of (await env.ANSWERS.list()).keys) await env.ANSWERS.delete(name);
    // A fresh gate knows nothing: only the colo cache can answer without an upstream call.
    const cached = await h.requestElsewhere(`${TRENDING}?region=NZ`, undefined, {
      gateName: `fresh-${crypto.randomUUID()}`,
    });
    expect(cached.headers.get("X-Cache")).toBe("HIT");
    expect(await h.upstream.count()).toBe(1);
  });

  it("keeps the latest good body in the gate, so a lost KV copy costs no credit", async () => {
    const h = await harness();
    await h.requestAndSettle(`${TRENDING}?region=IE`);
    for (const { name } of (await env.ANSWERS.list()).keys) await env.ANSWERS.delete(name);
    const response = await h.requestElsewhere(`${TRENDING}?region=IE`);
    expect(response.status).toBe(200);
    expect(response.headers.get("X-Cache")).toBe("HIT");
    expect(await h.upstream.count()).toBe(1);
  });

  it("ignores a corrupt KV value and asks the gate instead", async () => {
    const h = await harness();
    await h.requestAndSettle(`${TRENDING}?region=IL`);
    for (const { name } of (await env.ANSWERS.list()).keys) await env.ANSWERS.put(name, "{not json");
    const response = await h.requestElsewhere(`${TRENDING}?region=IL`);
    expect(response.status).toBe(200);
    expect(await h.upstream.count()).toBe(1);
  });
});

/** The KV binding with some of its methods replaced: a tier that fails. */
function failingKv(overrides: Partial<KVNamespace>): KVNamespace {
  return new Proxy(env.ANSWERS, {
    get(target, property) {
      if (property in overrides) return overrides[property as keyof KVNamespace];
      const value = Reflect.get(target, property, target);
      return typeof value === "function" ? value.bind(target) : value;
    },
  });
}

describe("a failing tier is a miss, never a 500", () => {
  it("answers from the gate when a KV read throws", async () => {
    const h = await harness();
    await h.requestAndSettle(`${TRENDING}?region=PL`);
    h.env.ANSWERS = failingKv({ get: (() => Promise.reject(new Error("KV is down"))) as never });
    const response = await h.requestElsewhere(`${TRENDING}?region=PL`);
    expect(response.status).toBe(200);
    expect(response.headers.get("X-Cache")).toBe("HIT");
    expect(await h.upstream.count()).toBe(1);
  });

  it("answers from the gate when the colo cache throws", async () => {
    const h = await harness({}, { colo: true });
    await h.requestAndSettle(`${TRENDING}?region=PT`);
    const broken = {
      match: () => Promise.reject(new Error("cache is down")),
      put: () => Promise.reject(new Error("cache is down")),
    } as unknown as Cache;
    const response = await h.requestElsewhere(`${TRENDING}?region=PT`, undefined, { coloCache: () => broken });
    expect(response.status).toBe(200);
    expect(await h.upstream.count()).toBe(1);
  });

  it("answers a cold miss when a KV write throws, and keeps the copy in the gate", async () => {
    const h = await harness();
    h.env.ANSWERS = failingKv({ put: (() => Promise.reject(new Error("KV is down"))) as never });
    expect((await h.requestAndSettle(`${TRENDING}?region=RO`)).status).toBe(200);
    expect((await h.requestElsewhere(`${TRENDING}?region=RO`)).headers.get("X-Cache")).toBe("HIT");
    expect(await h.upstream.count()).toBe(1);
  });

  it("never makes joiners wait on KV: a write that never settles leaves nothing stuck in flight", async () => {
    const h = await harness();
    let finish = () => {};
    const never = new Promise<void>((resolve) => {
      finish = resolve;
    });
    h.env.ANSWERS = failingKv({ put: (() => never) as never });
    await h.upstream.script([{ hold: "call" }]);
    const asks = Array.from({ length: 20 }, () => h.request(`${TRENDING}?region=SK`));
    await h.upstream.held("call");
    await h.upstream.release("call");
    const answers = await Promise.all(asks);
    expect(answers.map((r) => r.status)).toEqual(Array(20).fill(200));
    // The key is not stuck: the next ask is answered from the gate's copy at once.
    expect((await h.requestElsewhere(`${TRENDING}?region=SK`)).headers.get("X-Cache")).toBe("HIT");
    expect(await h.upstream.count()).toBe(1);
    finish();
  });
});
