import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { REGIONS } from "../../worker/charts/regions";
import { type FakeUpstream, fakeUpstream, unroutedRequests } from "../fake-upstream/client";
import { PROVIDER_REGIONS } from "../fake-upstream/provider-rules";
import { type DelayTimers, type RunningFakeUpstream, startFakeUpstream } from "../fake-upstream/server";

const PATH = "/v1/tiktok/trending/music";
const AUTH = { authorization: "Bearer k-1", accept: "application/json" };

let server: RunningFakeUpstream;
beforeAll(async () => {
  server = await startFakeUpstream({ defaultBody: (query, scenario, asOf) => ({ echo: query, scenario, asOf }) });
});
afterAll(() => server.close());

interface ManualTimer {
  ms: number;
  fire(): void;
  isCleared: boolean;
  /** Resolves when the fake clears this timer (its client left, or the server closed). */
  cleared: Promise<void>;
}

/** Timers that fire only when the test says so: the fake's delays become events, not wall-clock time. */
class ManualTimers implements DelayTimers {
  private readonly made: ManualTimer[] = [];
  private readonly waiting: ((timer: ManualTimer) => void)[] = [];

  set = (callback: () => void, ms: number): unknown => {
    let markCleared = () => {};
    const cleared = new Promise<void>((resolve) => {
      markCleared = resolve;
    });
    const timer = { ms, fire: callback, isCleared: false, cleared, markCleared };
    const waiter = this.waiting.shift();
    if (waiter) waiter(timer);
    else this.made.push(timer);
    return timer;
  };

  clear = (handle: unknown): void => {
    const timer = handle as ManualTimer & { markCleared(): void };
    timer.isCleared = true;
    timer.markCleared();
  };

  /** The next timer the fake sets (already set, or when it is). */
  next(): Promise<ManualTimer> {
    const made = this.made.shift();
    if (made) return Promise.resolve(made);
    return new Promise((resolve) => this.waiting.push(resolve));
  }
}

async function withOwnServer(timers: DelayTimers, test: (own: RunningFakeUpstream) => Promise<void>): Promise<void> {
  const own = await startFakeUpstream({ defaultBody: (query) => ({ echo: query }), timers });
  try {
    await test(own);
  } finally {
    await own.close();
  }
}

function call(fake: FakeUpstream, query = "region=US&page=1", init: RequestInit = {}): Promise<Response> {
  return fetch(`${fake.url}${PATH}?${query}`, { ...init, headers: { ...AUTH, ...init.headers } });
}

describe("fake upstream", () => {
  it("listens on loopback only", () => {
    expect(server.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
  });

  it("answers an unscripted scenario with the default body and records the request", async () => {
    const fake = fakeUpstream(server.url);
    const res = await call(fake, "region=DE&page=2", { headers: { "X-Forwarded-For": "1.2.3.4" } });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ echo: { region: "DE", page: "2" }, scenario: fake.scenario });
    const [recorded] = await fake.requests();
    expect(recorded).toMatchObject({ method: "GET", path: PATH, query: { region: "DE", page: "2" } });
    expect(recorded?.headers).toMatchObject({ authorization: "Bearer k-1", "x-forwarded-for": "1.2.3.4" });
    expect(await fake.unexpected()).toEqual([]);
  });

  it("counts requests by the query values they include", async () => {
    const fake = fakeUpstream(server.url);
    await call(fake, "region=US&page=1");
    await call(fake, "region=US&page=2");
    await call(fake, "region=FR&page=1");
    expect(await fake.count()).toBe(3);
    expect(await fake.count({ region: "US" })).toBe(2);
    expect(await fake.count({ region: "US", page: "2" })).toBe(1);
    expect(await fake.count({ region: "JP" })).toBe(0);
  });

  it("keeps scenarios apart", async () => {
    const a = fakeUpstream(server.url);
    const b = fakeUpstream(server.url);
    await a.script([{ status: 500 }]);
    expect((await call(b)).status).toBe(200);
    expect(await a.count()).toBe(0);
    expect(await b.count()).toBe(1);
  });

  it("answers with the first matching rule that has times left, then fails closed", async () => {
    const fake = fakeUpstream(server.url);
    await fake.script([
      { match: { page: "2" }, status: 429, headers: { "Retry-After": "7" } },
      { times: 1, body: { code: 0, first: true } },
      { times: 1, asOf: 123 },
    ]);
    const limited = await call(fake, "page=2");
    expect(limited.status).toBe(429);
    expect(limited.headers.get("retry-after")).toBe("7");
    expect(await limited.json()).toMatchObject({ code: 429, data: null });
    expect(await (await call(fake, "page=1")).json()).toEqual({ code: 0, first: true });
    expect(await (await call(fake, "page=1")).json()).toMatchObject({ asOf: 123 });
    const exhausted = await call(fake, "page=1");
    expect(exhausted.status).toBe(599);
    expect(await fake.unexpected()).toHaveLength(1);
    expect(await fake.count({ page: "1" })).toBe(3);
  });

  it("sends rawBody verbatim and a redirect's Location without following anything", async () => {
    const fake = fakeUpstream(server.url);
    await fake.script([
      { times: 1, rawBody: "{not json" },
      { times: 1, status: 302, headers: { location: "https://evil.example/" } },
    ]);
    expect(await (await call(fake)).text()).toBe("{not json");
    const redirect = await call(fake, "region=US", { redirect: "manual" });
    expect(redirect.status).toBe(302);
    expect(redirect.headers.get("location")).toBe("https://evil.example/");
    expect(await fake.count()).toBe(2);
  });

  it.each([
    ["a wrong method", "region=US", { method: "POST" }, "method POST"],
    ["an unknown parameter", "region=US&debug=1", {}, 'unknown query parameter "debug"'],
    ["a repeated parameter", "region=US&region=DE", {}, "repeated query parameter region"],
    ["a missing Authorization", "region=US", { headers: { authorization: "" } }, "wrong Authorization"],
    ["a non-bearer Authorization", "region=US", { headers: { authorization: "Basic eDp5" } }, "wrong Authorization"],
  ])("refuses %s with 599 and records it", async (_name, query, init, why) => {
    const fake = fakeUpstream(server.url);
    const res = await call(fake, query, init);
    expect(res.status).toBe(599);
    expect(((await res.json()) as { message: string }).message).toContain(why);
    const unexpected = await fake.unexpected();
    expect(unexpected).toHaveLength(1);
    expect(unexpected[0]?.unexpected).toBe(why);
    await expect(fake.assertNoUnexpected()).rejects.toThrow(why);
  });

  it("refuses a request without Authorization and one on a wrong path", async () => {
    const fake = fakeUpstream(server.url);
    expect((await fetch(`${fake.url}${PATH}?region=US`)).status).toBe(599);
    expect((await fetch(`${fake.url}/v2/tiktok/trending/music`, { headers: AUTH })).status).toBe(599);
    const reasons = (await fake.unexpected()).map((r) => r.unexpected);
    expect(reasons).toEqual(["missing Authorization", "path /v2/tiktok/trending/music"]);
  });

  it("checks the exact key when the script expects one", async () => {
    const fake = fakeUpstream(server.url);
    await fake.script([], { expectKey: "k-1" });
    expect((await call(fake)).status).toBe(200);
    expect((await call(fake, "region=US", { headers: { authorization: "Bearer k-2" } })).status).toBe(599);
    expect(await fake.count()).toBe(2);
    expect(await fake.unexpected()).toHaveLength(1);
  });

  it("records a request outside any scenario as unrouted", async () => {
    const res = await fetch(`${server.url}${PATH}?region=US`, { headers: AUTH });
    expect(res.status).toBe(599);
    expect((await unroutedRequests(server.url)).at(-1)).toMatchObject({ path: PATH, query: { region: "US" } });
  });

  it("rejects a malformed script", async () => {
    const fake = fakeUpstream(server.url);
    await expect(fake.script([{ times: -1 }])).rejects.toThrow("400");
    const res = await fetch(`${server.url}/__control/${fake.scenario}/script`, { method: "PUT", body: "{" });
    expect(res.status).toBe(400);
  });

  it("waits for delayMs before answering", async () => {
    const timers = new ManualTimers();
    await withOwnServer(timers, async (own) => {
      const fake = fakeUpstream(own.url);
      await fake.script([{ match: { page: "1" }, delayMs: 150 }, { match: { page: "2" } }]);
      let answered = false;
      const delayed = call(fake, "page=1").then((res) => {
        answered = true;
        return res;
      });
      const timer = await timers.next();
      expect(timer.ms).toBe(150);
      // An undelayed request gets its whole answer while the delayed one still waits.
      expect((await call(fake, "page=2")).status).toBe(200);
      expect(answered).toBe(false);
      timer.fire();
      expect((await delayed).status).toBe(200);
    });
  });

  it("drops the delay of a client that gave up, and keeps serving", async () => {
    const timers = new ManualTimers();
    await withOwnServer(timers, async (own) => {
      const fake = fakeUpstream(own.url);
      await fake.script([{ times: 1, delayMs: 100 }, {}]);
      const controller = new AbortController();
      const aborted = call(fake, "region=US", { signal: controller.signal }).catch((error: unknown) => error);
      const timer = await timers.next();
      controller.abort();
      expect(await aborted).toBeInstanceOf(Error);
      await timer.cleared;
      // Firing it anyway (a timer that was already due) must not break anything either.
      timer.fire();
      expect((await call(fake)).status).toBe(200);
      expect(await fake.count()).toBe(2);
      expect(await fake.unexpected()).toEqual([]);
    });
  });

  it("holds answers until the test releases them, and tells when they have arrived", async () => {
    const fake = fakeUpstream(server.url);
    await fake.script([{ match: { region: "US" }, hold: "slow" }, {}]);
    let answered = false;
    const held = call(fake, "region=US&page=1").then((res) => {
      answered = true;
      return res;
    });
    await fake.held("slow", 1);
    // Another request goes by while the first is held.
    expect((await call(fake, "region=DE&page=1")).status).toBe(200);
    expect(answered).toBe(false);
    await fake.release("slow");
    expect((await held).status).toBe(200);
    // Once released, the hold lets later requests through at once.
    expect((await call(fake, "region=US&page=2")).status).toBe(200);
    expect(await fake.count({ region: "US" })).toBe(2);
  });

  it("answers 200 concurrent requests and counts every one", async () => {
    const fake = fakeUpstream(server.url);
    await fake.script([{ delayMs: 20 }]);
    const statuses = await Promise.all(
      Array.from({ length: 200 }, (_, i) => call(fake, `page=${(i % 5) + 1}`).then((r) => r.status)),
    );
    expect(statuses.every((s) => s === 200)).toBe(true);
    expect(await fake.count()).toBe(200);
    expect(await fake.count({ page: "3" })).toBe(40);
  });

  it("closes with open keep-alive sockets and a pending delay that would never end", async () => {
    const timers = new ManualTimers();
    const own = await startFakeUpstream({ defaultBody: () => ({}), timers });
    const fake = fakeUpstream(own.url);
    expect((await call(fake)).status).toBe(200);
    await fake.script([{ delayMs: 60_000 }]);
    const pending = call(fake).catch((error: unknown) => error);
    const timer = await timers.next();
    // This timer is never fired: close() resolves only by dropping it and every socket.
    await own.close();
    expect(timer.isCleared).toBe(true);
    expect(await pending).toBeInstanceOf(Error);
    await expect(fetch(own.url)).rejects.toThrow();
  });
});

describe("fake upstream: parameter values the provider itself refuses", () => {
  it("knows the same 71 regions as the Worker", () => {
    expect(PROVIDER_REGIONS.size).toBe(71);
    expect([...PROVIDER_REGIONS].sort()).toEqual([...REGIONS].sort());
  });

  it.each([
    ["a region outside the 71", "region=XX", 'region "XX"'],
    ["UK (the chart says GB)", "region=UK", 'region "UK"'],
    ["a lower-case region", "region=de", 'region "de"'],
    ["an empty region", "region=", 'region ""'],
    ["page 0", "region=US&page=0", 'page "0"'],
    ["page 00", "region=US&page=00", 'page "00"'],
    ["a negative page", "region=US&page=-1", 'page "-1"'],
    ["a fractional page", "region=US&page=1.5", 'page "1.5"'],
    ["a page in words", "region=US&page=one", 'page "one"'],
    ["an empty page", "region=US&page=", 'page ""'],
    ["limit 0", "region=US&limit=0", 'limit "0"'],
    ["a limit with a sign", "region=US&limit=%2B5", 'limit "+5"'],
    ["a limit in hex", "region=US&limit=0x10", 'limit "0x10"'],
    ["an empty limit", "region=US&limit=", 'limit ""'],
  ])("answers %s with the provider's 400 envelope and records it as unexpected", async (_name, query, why) => {
    const fake = fakeUpstream(server.url);
    // A scripted body must not hide it: the provider checks parameters whatever the data.
    await fake.script([{ body: { code: 0, scripted: true } }]);
    const res = await call(fake, query);
    expect(res.status).toBe(400);
    const body = (await res.json()) as Record<string, unknown>;
    expect(Object.keys(body).sort()).toEqual(["code", "data", "message", "requestId"]);
    expect(body).toMatchObject({ code: 400, data: null, message: `Invalid parameter: ${why}` });
    expect(body.requestId).toMatch(/^[0-9a-f-]{36}$/);
    const unexpected = await fake.unexpected();
    expect(unexpected.map((r) => r.unexpected)).toEqual([`the provider would answer 400: ${why}`]);
    await expect(fake.assertNoUnexpected()).rejects.toThrow(why);
  });

  it.each([
    ["every region of the 71", REGIONS.map((region) => `region=${region}`)],
    ["absent parameters (the provider's defaults)", [""]],
    ["a limit over 20 (served as 20)", ["region=US&limit=21", "region=US&limit=500"]],
    ["leading zeros", ["region=US&page=01&limit=020"]],
    ["a page past the top 100", ["region=US&page=999"]],
  ])("accepts %s", async (_name, queries) => {
    const fake = fakeUpstream(server.url);
    for (const query of queries) expect((await call(fake, query)).status).toBe(200);
    await fake.assertNoUnexpected();
    expect(await fake.count()).toBe(queries.length);
  });
});
