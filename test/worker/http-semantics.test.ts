import { describe, expect, it } from "vitest";
import { expectErrorEnvelope } from "./envelope";
import { CANARY_KEY, harness, TRENDING } from "./harness";

const Q = `${TRENDING}?region=DE`;
const DEFAULT_CACHE_CONTROL = "public, max-age=21600, stale-while-revalidate=604800, stale-if-error=604800";

const expectEnvelope = expectErrorEnvelope;

function expectCors(response: Response): void {
  expect(response.headers.get("Access-Control-Allow-Origin")).toBe("*");
  const exposed = (response.headers.get("Access-Control-Expose-Headers") ?? "")
    .split(",")
    .map((h) => h.trim().toLowerCase());
  for (const name of ["etag", "age", "x-cache"]) expect(exposed).toContain(name);
}

describe("validators and conditional requests", () => {
  it("gives the same quoted ETag to every answer from the same stored data", async () => {
    const h = await harness();
    const first = await h.requestAndSettle(Q);
    const second = await h.requestAndSettle(Q);
    h.clock.now += 60_000;
    const later = await h.requestAndSettle(`${TRENDING}?region=de&period=7`);
    const etag = first.headers.get("ETag");
    expect(etag).toMatch(/^"[^"]+"$/);
    expect(second.headers.get("ETag")).toBe(etag);
    expect(later.headers.get("ETag")).toBe(etag);
    const otherWindow = await h.requestAndSettle(`${Q}&limit=5`);
    expect(otherWindow.headers.get("ETag")).not.toBe(etag);
    expect(await h.upstream.count()).toBe(1);
  });

  it("answers If-None-Match with the same ETag with 304 and no body", async () => {
    const h = await harness();
    const etag = (await h.requestAndSettle(Q)).headers.get("ETag") ?? "";
    const response = await h.request(Q, { headers: { "If-None-Match": etag } });
    expect(response.status).toBe(304);
    expect(await response.text()).toBe("");
    expect(response.headers.get("ETag")).toBe(etag);
    expect(response.headers.get("Cache-Control")).toBe(DEFAULT_CACHE_CONTROL);
    expect(await h.upstream.count()).toBe(1);
  });

  it("compares If-None-Match weakly: a W/ prefix, a list and * all match", async () => {
    const h = await harness();
    const etag = (await h.requestAndSettle(Q)).headers.get("ETag") ?? "";
    for (const inm of [`W/${etag}`, `"x", ${etag}`, `"x",${etag}`, `W/"x", W/${etag}`, "*"]) {
      const response = await h.request(Q, { headers: { "If-None-Match": inm } });
      expect(response.status, inm).toBe(304);
      expect(await response.text()).toBe("");
    }
    expect(await h.upstream.count()).toBe(1);
  });

  it("answers 200 with the body when If-None-Match does not match", async () => {
    const h = await harness();
    const etag = (await h.requestAndSettle(Q)).headers.get("ETag") ?? "";
    const response = await h.request(Q, { headers: { "If-None-Match": `"not-${etag.slice(1)}` } });
    expect(response.status).toBe(200);
    expect(((await response.json()) as { code: number }).code).toBe(0);
  });

  it("answers If-Modified-Since at or after Last-Modified with 304, and before it with 200", async () => {
    const h = await harness();
    h.clock.now += 500; // a fetch mid-second: Last-Modified has whole seconds
    const first = await h.requestAndSettle(Q);
    const lastModified = first.headers.get("Last-Modified") ?? "";
    expect(lastModified).toBe(new Date(Math.floor(h.clock.now / 1000) * 1000).toUTCString());
    const at = await h.request(Q, { headers: { "If-Modified-Since": lastModified } });
    expect(at.status).toBe(304);
    expect(await at.text()).toBe("");
    const after = new Date(Date.parse(lastModified) + 3_600_000).toUTCString();
    expect((await h.request(Q, { headers: { "If-Modified-Since": after } })).status).toBe(304);
    const before = new Date(Date.parse(lastModified) - 1_000).toUTCString();
    const older = await h.request(Q, { headers: { "If-Modified-Since": before } });
    expect(older.status).toBe(200);
    expect((await older.text()).length).toBeGreaterThan(0);
    const garbage = await h.request(Q, { headers: { "If-Modified-Since": "not a date" } });
    expect(garbage.status).toBe(200);
    expect(await h.upstream.count()).toBe(1);
  });

  it("lets a mismatching If-None-Match win over a matching If-Modified-Since", async () => {
    const h = await harness();
    const first = await h.requestAndSettle(Q);
    const response = await h.request(Q, {
      headers: { "If-None-Match": '"something-else"', "If-Modified-Since": first.headers.get("Last-Modified") ?? "" },
    });
    expect(response.status).toBe(200);
  });
});

describe("methods and CORS", () => {
  it("answers HEAD with the GET headers, an empty body and no extra upstream call", async () => {
    const h = await harness();
    await h.requestAndSettle(Q);
    const get = await h.requestAndSettle(Q);
    const head = await h.requestAndSettle(Q, { method: "HEAD" });
    expect(head.status).toBe(200);
    expect(await head.text()).toBe("");
    for (const name of [
      "Content-Type",
      "ETag",
      "Last-Modified",
      "Cache-Control",
      "Age",
      "X-Cache",
      "X-Data-Source",
      "Access-Control-Allow-Origin",
    ]) {
      expect(head.headers.get(name), name).toBe(get.headers.get(name));
      expect(head.headers.get(name), name).not.toBeNull();
    }
    expect(await h.upstream.count()).toBe(1);
  });

  it("answers a CORS preflight with 204 allowing Authorization and costs 0 upstream calls", async () => {
    const h = await harness();
    const response = await h.request(Q, {
      method: "OPTIONS",
      headers: {
        Origin: "https://example.org",
        "Access-Control-Request-Method": "GET",
        "Access-Control-Request-Headers": "authorization",
      },
    });
    expect(response.status).toBe(204);
    expect(await response.text()).toBe("");
    expect(response.headers.get("Access-Control-Allow-Origin")).toBe("*");
    const allowedHeaders = (response.headers.get("Access-Control-Allow-Headers") ?? "").toLowerCase().split(/\s*,\s*/);
    expect(allowedHeaders).toContain("authorization");
    const allowedMethods = (response.headers.get("Access-Control-Allow-Methods") ?? "").split(/\s*,\s*/);
    expect(allowedMethods).toContain("GET");
    expect(allowedMethods).toContain("HEAD");
    expect(await h.upstream.count()).toBe(0);
  });

  it("sends CORS headers exposing ETag, Age and X-Cache on 200, 304, 400, 404 and 503 answers", async () => {
    const h = await harness();
    const ok = await h.requestAndSettle(Q, { headers: { Origin: "https://example.org" } });
    expect(ok.status).toBe(200);
    expectCors(ok);
    const notModified = await h.request(Q, { headers: { "If-None-Match": ok.headers.get("ETag") ?? "" } });
    expect(notModified.status).toBe(304);
    expectCors(notModified);
    const invalid = await h.request(`${TRENDING}?region=XX`);
    expect(invalid.status).toBe(400);
    expectCors(invalid);
    const missing = await h.request("/v1/nothing-here");
    expect(missing.status).toBe(404);
    expectCors(missing);
    const unconfigured = await harness({ KEYAPI_KEY: "" });
    const refused = await unconfigured.request(Q);
    expect(refused.status).toBe(503);
    expectCors(refused);
  });

  it.each(["POST", "PUT", "DELETE", "PATCH"])(
    "answers %s with 405 and Allow in the envelope, costing 0 upstream calls",
    async (method) => {
      const h = await harness();
      const response = await h.request(Q, { method, body: method === "DELETE" ? undefined : "{}" });
      expect(response.headers.get("Allow")).toBe("GET, HEAD, OPTIONS");
      expectCors(response);
      await expectEnvelope(response, 405);
      expect(await h.upstream.count()).toBe(0);
    },
  );

  // Any other path is the site's (test/worker/site-misses.test.ts: its 404 page).
  it("answers an unknown endpoint or API path with a 404 envelope and no upstream call", async () => {
    const h = await harness();
    for (const path of ["/api/nope", "/v1/tiktok/trending/musi?region=US", "/v1/tiktok/trending/music/extra"]) {
      const body = await expectEnvelope(await h.request(path), 404);
      expect(body.message).toMatch(/not found/);
    }
    expect(await h.upstream.count()).toBe(0);
  });
});

describe("cache headers", () => {
  it("sends the default Cache-Control with the stale windows", async () => {
    const h = await harness();
    const response = await h.request(Q);
    expect(response.headers.get("Cache-Control")).toBe(DEFAULT_CACHE_CONTROL);
  });

  it("follows CACHE_TTL_SECONDS and STALE_TTL_SECONDS overrides in Cache-Control", async () => {
    const h = await harness({ CACHE_TTL_SECONDS: "60", STALE_TTL_SECONDS: "120" });
    const response = await h.request(Q);
    expect(response.headers.get("Cache-Control")).toBe(
      "public, max-age=60, stale-while-revalidate=120, stale-if-error=120",
    );
    const ttlOnly = await harness({ CACHE_TTL_SECONDS: "60" });
    expect((await ttlOnly.request(Q)).headers.get("Cache-Control")).toBe(
      "public, max-age=60, stale-while-revalidate=604800, stale-if-error=604800",
    );
  });

  it("judges a rendered answer by today's CACHE_TTL_SECONDS, not the one it was written with", async () => {
    const h = await harness({}, { colo: true });
    const q = `${TRENDING}?region=SE`;
    expect((await h.requestAndSettle(q)).headers.get("X-Cache")).toBe("MISS");
    h.clock.now += 2 * 3_600_000;
    // A new setting: an answer fetched two hours ago is no longer fresh.
    h.env.CACHE_TTL_SECONDS = "3600";
    const seen = (r: Response) => [r.headers.get("X-Cache"), r.headers.get("Age"), r.headers.get("Cache-Control")];
    // Another isolate of the colo, which finds the answer the first one rendered in the colo cache.
    const elsewhere = await h.requestElsewhere(q);
    expect(seen(elsewhere)).toEqual(["STALE", "7200", expect.stringContaining("max-age=3600,")]);
    await h.settle();
    // The isolate that rendered it, whose memory still has it: the refresh has landed since.
    const here = await h.requestAndSettle(q);
    expect(seen(here)).toEqual(["REVALIDATED", "0", expect.stringContaining("max-age=3600,")]);
    expect(await h.upstream.count()).toBe(2);
  });

  it("sends Age as the seconds since the fetch, with max-age left whole, from 1 upstream call", async () => {
    const h = await harness({ CACHE_TTL_SECONDS: "3600" });
    const miss = await h.requestAndSettle(Q);
    expect(miss.headers.get("X-Cache")).toBe("MISS");
    expect(miss.headers.get("Age")).toBe("0");
    h.clock.now += 90_000;
    const hit = await h.requestAndSettle(Q);
    expect(hit.headers.get("X-Cache")).toBe("HIT");
    expect(hit.headers.get("Age")).toBe("90");
    expect(hit.headers.get("Cache-Control")).toContain("max-age=3600,");
    expect(hit.headers.get("Last-Modified")).toBe(miss.headers.get("Last-Modified"));
    expect(await h.upstream.count()).toBe(1);
  });

  it("says X-Data-Source keyapi and X-Cache MISS then HIT", async () => {
    const h = await harness();
    const miss = await h.requestAndSettle(Q);
    const hit = await h.requestAndSettle(Q);
    expect(miss.headers.get("X-Data-Source")).toBe("keyapi");
    expect(hit.headers.get("X-Data-Source")).toBe("keyapi");
    expect(miss.headers.get("X-Cache")).toBe("MISS");
    expect(hit.headers.get("X-Cache")).toBe("HIT");
    expect(await h.upstream.count()).toBe(1);
  });

  it("answers the same question with identical body bytes", async () => {
    const h = await harness();
    const first = await (await h.requestAndSettle(Q)).arrayBuffer();
    h.clock.now += 30_000;
    const second = await (await h.requestAndSettle(`${TRENDING}?region=de`)).arrayBuffer();
    expect(new Uint8Array(second)).toEqual(new Uint8Array(first));
    const windowA = await (await h.requestAndSettle(`${Q}&page=2&limit=5`)).text();
    const windowB = await (await h.requestAndSettle(`${Q}&limit=5&page=2`)).text();
    expect(windowB).toBe(windowA);
    expect(await h.upstream.count()).toBe(1);
  });
});

describe("client credentials", () => {
  it("accepts a client's own Authorization header, ignores it and never forwards it", async () => {
    const h = await harness();
    const response = await h.requestAndSettle(Q, { headers: { Authorization: "Bearer their-keyapi-key" } });
    expect(response.status).toBe(200);
    const requests = await h.upstream.requests();
    expect(requests).toHaveLength(1);
    expect(requests[0]?.headers.authorization).toBe(`Bearer ${CANARY_KEY}`);
    expect(JSON.stringify(requests)).not.toContain("their-keyapi-key");
    // Served from the cache for a client with no key, or another key: it does not partition anything.
    const other = await h.request(Q, { headers: { Authorization: "Bearer someone-else" } });
    expect(other.status).toBe(200);
    expect(other.headers.get("X-Cache")).toBe("HIT");
    expect(await h.upstream.count()).toBe(1);
  });
});
