import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type FakeUpstream, fakeUpstream, unroutedRequests } from "../fake-upstream/client";
import { type RunningFakeUpstream, startFakeUpstream } from "../fake-upstream/server";

const PATH = "/v1/tiktok/trending/music";
const AUTH = { authorization: "Bearer k-1", accept: "application/json" };

let server: RunningFakeUpstream;
beforeAll(async () => {
  server = await startFakeUpstream({ defaultBody: (query, scenario, asOf) => ({ echo: query, scenario, asOf }) });
});
afterAll(() => server.close());

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

  it("waits delayMs before answering", async () => {
    const fake = fakeUpstream(server.url);
    await fake.script([{ delayMs: 150 }]);
    const started = performance.now();
    expect((await call(fake)).status).toBe(200);
    expect(performance.now() - started).toBeGreaterThanOrEqual(140);
  });

  it("survives a client that aborts during a delay", async () => {
    const fake = fakeUpstream(server.url);
    await fake.script([{ times: 1, delayMs: 100 }, {}]);
    await expect(call(fake, "region=US", { signal: AbortSignal.timeout(20) })).rejects.toThrow();
    await new Promise((resolve) => setTimeout(resolve, 150));
    expect((await call(fake)).status).toBe(200);
    expect(await fake.count()).toBe(2);
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

  it("closes promptly with open keep-alive sockets and a pending delay", async () => {
    const own = await startFakeUpstream({ defaultBody: () => ({}) });
    const fake = fakeUpstream(own.url);
    await call(fake);
    await fake.script([{ delayMs: 60_000 }]);
    const pending = call(fake).catch((error: unknown) => error);
    await new Promise((resolve) => setTimeout(resolve, 20));
    const started = performance.now();
    await own.close();
    expect(performance.now() - started).toBeLessThan(1000);
    expect(await pending).toBeInstanceOf(Error);
    await expect(fetch(own.url)).rejects.toThrow();
  });
});
