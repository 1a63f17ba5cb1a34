import { afterEach, describe, expect, it } from "vitest";
import { ApiError, readArchiveFromApi } from "../../site/src/lib/archive/api-client";
import { prepareArchive } from "../../site/src/lib/archive/prepare";
import { type FakeApi, type Handler, fakeApi as startFakeApi, workerOver } from "./fake-api";
import { siteFixture } from "./fixture/site-fixture";

const NOW = new Date("2026-11-24T06:00:00Z");
const fixture = siteFixture();
const empty = { ...fixture, charts: [] };

const servers: FakeApi[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((server) => server.close()));
});

async function fakeApi(handler: Handler): Promise<FakeApi> {
  const server = await startFakeApi(handler);
  servers.push(server);
  return server;
}

describe("readArchiveFromApi", () => {
  it("assembles the archive from the five endpoints, following the chart cursor to its end", async () => {
    const api = await fakeApi(workerOver(fixture));
    const raw = await readArchiveFromApi({ baseUrl: api.baseUrl, fetch, now: NOW });
    const archive = prepareArchive(raw);
    expect(archive.source).toBe("demo");
    expect(archive.readAt).toBe(NOW.toISOString());
    expect(archive.charts).toEqual(prepareArchive(fixture).charts);
    expect(archive.regions).toEqual(prepareArchive(fixture).regions);
    expect(archive.debuts).toEqual(prepareArchive(fixture).debuts);
    expect(archive.globalDebuts).toEqual(prepareArchive(fixture).globalDebuts);
    expect(api.unexpected).toEqual([]);
    const chartPages = api.requests.filter((r) => r.startsWith("/api/site/charts"));
    expect(chartPages).toEqual([
      "/api/site/charts?limit=100",
      "/api/site/charts?limit=100&cursor=c2",
      ...chartPagesAfter(4),
    ]);
    // One debuts call per region with weeks: JP has none.
    expect(api.requests.filter((r) => r.startsWith("/api/debuts?")).sort()).toEqual([
      "/api/debuts?region=DE&limit=250",
      "/api/debuts?region=FR&limit=250",
      "/api/debuts?region=GB&limit=250",
    ]);
    expect(api.requests).toContain("/api/debuts/global?limit=250");
  });

  it("works under a base URL with a path and a trailing slash", async () => {
    const api = await fakeApi((url) => workerOver(fixture)(new URL(url.href.replace("/prefix", ""))));
    await readArchiveFromApi({ baseUrl: `${api.baseUrl}/prefix/`, fetch, now: NOW });
    expect(api.requests.every((r) => r.startsWith("/prefix/api/"))).toBe(true);
  });

  it("tries a 5xx, a 429 and a network error again with backoff, and goes on", async () => {
    const waits: number[] = [];
    let asked = 0;
    const api = await fakeApi((url) => {
      if (url.pathname !== "/api/regions") return workerOver(fixture)(url);
      asked++;
      return asked === 1
        ? { status: 503, body: {} }
        : asked === 2
          ? { status: 429, body: {} }
          : workerOver(fixture)(url);
    });
    let networkErrors = 1;
    const flaky: typeof fetch = (input, init) =>
      String(input).endsWith("/api/status") && networkErrors-- > 0
        ? Promise.reject(new TypeError("fetch failed"))
        : fetch(input, init);
    const raw = await readArchiveFromApi({
      baseUrl: api.baseUrl,
      fetch: flaky,
      now: NOW,
      sleep: async (ms) => void waits.push(ms),
    });
    expect(prepareArchive(raw).charts).toEqual(prepareArchive(fixture).charts);
    // One wait after the network error (first try of its read), two after the 503 and the 429.
    expect(waits).toEqual([1_000, 1_000, 2_000]);
  });

  it("gives up after five tries of a failing read, naming the request", async () => {
    const waits: number[] = [];
    const api = await fakeApi((url) =>
      url.pathname === "/api/regions" ? { status: 503, body: {} } : workerOver(empty)(url),
    );
    await expect(
      readArchiveFromApi({ baseUrl: api.baseUrl, fetch, now: NOW, sleep: async (ms) => void waits.push(ms) }),
    ).rejects.toThrow(/GET \/api\/regions: HTTP 503/);
    expect(api.requests.filter((r) => r === "/api/regions")).toHaveLength(5);
    expect(waits).toEqual([1_000, 2_000, 4_000, 8_000]);
  });

  it("fails at once on a client error: it cannot pass by waiting", async () => {
    const api = await fakeApi((url) =>
      url.pathname === "/api/regions" ? { status: 404, body: {} } : workerOver(empty)(url),
    );
    await expect(readArchiveFromApi({ baseUrl: api.baseUrl, fetch, now: NOW })).rejects.toThrow(
      /GET \/api\/regions: HTTP 404/,
    );
    expect(api.requests.filter((r) => r === "/api/regions")).toHaveLength(1);
  });

  it("fails on a body that does not match the contract", async () => {
    const api = await fakeApi((url) =>
      url.pathname === "/api/site/charts"
        ? { body: { charts: [{ region: "DE" }], next: null } }
        : workerOver(empty)(url),
    );
    await expect(readArchiveFromApi({ baseUrl: api.baseUrl, fetch, now: NOW })).rejects.toThrow(ApiError);
  });

  it("stops a cursor that repeats instead of looping forever", async () => {
    const api = await fakeApi((url) =>
      url.pathname === "/api/site/charts" ? { body: { charts: [], next: "same" } } : workerOver(empty)(url),
    );
    await expect(readArchiveFromApi({ baseUrl: api.baseUrl, fetch, now: NOW })).rejects.toThrow(/repeats/);
  });

  it("refuses to follow a redirect anywhere else", async () => {
    const api = await fakeApi((url) =>
      url.pathname === "/api/status"
        ? { status: 302, body: {}, headers: { Location: "https://api.keyapi.ai/v1/tiktok/trending/music" } }
        : workerOver(empty)(url),
    );
    await expect(readArchiveFromApi({ baseUrl: api.baseUrl, fetch, now: NOW })).rejects.toThrow();
    expect(api.requests).toEqual(["/api/status"]);
  });

  it("leaves a chart of another source out of the prepared archive", async () => {
    const foreign = { ...structuredClone(fixture.charts[0]!), week: "2026-W48", source: "keyapi" as const };
    const api = await fakeApi(workerOver({ ...fixture, charts: [...fixture.charts, foreign] }));
    const archive = prepareArchive(await readArchiveFromApi({ baseUrl: api.baseUrl, fetch, now: NOW }));
    expect(archive.charts.some((c) => c.week === "2026-W48")).toBe(false);
    expect(archive.regions.find((r) => r.code === "DE")?.weeks).not.toContain("2026-W48");
  });
});

/** The cursor pages after the first two: c4, c6, … while charts remain (11 charts, 2 a page). */
function chartPagesAfter(from: number): string[] {
  const pages: string[] = [];
  for (let start = from; start < fixture.charts.length; start += 2)
    pages.push(`/api/site/charts?limit=100&cursor=c${start}`);
  return pages;
}
