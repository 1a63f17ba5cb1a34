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
      "/api/debuts?region=DE&limit=50",
      "/api/debuts?region=FR&limit=50",
      "/api/debuts?region=GB&limit=50",
    ]);
    expect(api.requests).toContain("/api/debuts/global?limit=50");
  });

  it("works under a base URL with a path and a trailing slash", async () => {
    const api = await fakeApi((url) => workerOver(fixture)(new URL(url.href.replace("/prefix", ""))));
    await readArchiveFromApi({ baseUrl: `${api.baseUrl}/prefix/`, fetch, now: NOW });
    expect(api.requests.every((r) => r.startsWith("/prefix/api/"))).toBe(true);
  });

  it("fails on an error status, naming the request", async () => {
    const api = await fakeApi((url) =>
      url.pathname === "/api/regions" ? { status: 503, body: {} } : workerOver(empty)(url),
    );
    await expect(readArchiveFromApi({ baseUrl: api.baseUrl, fetch, now: NOW })).rejects.toThrow(
      /GET \/api\/regions: HTTP 503/,
    );
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
