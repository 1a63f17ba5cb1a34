import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { ApiError, readArchiveFromApi } from "../../site/src/lib/archive/api-client";
import { prepareArchive } from "../../site/src/lib/archive/prepare";
import type { SlimChart } from "../../worker/charts/slim";
import { siteFixture } from "./fixture/site-fixture";

const NOW = new Date("2026-11-24T06:00:00Z");
const fixture = siteFixture();

type Handler = (url: URL) => { status?: number; body: unknown; headers?: Record<string, string> } | undefined;

/** A fake Worker API on a free local port. Fails closed: an unexpected path is a 599 and a failure. */
async function fakeApi(handler: Handler) {
  const requests: string[] = [];
  const unexpected: string[] = [];
  const server: Server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const url = new URL(req.url ?? "/", "http://fake");
    requests.push(`${url.pathname}${url.search}`);
    const answer = handler(url);
    if (!answer) {
      unexpected.push(`${url.pathname}${url.search}`);
      res.writeHead(599).end();
      return;
    }
    res.writeHead(answer.status ?? 200, { "Content-Type": "application/json", ...answer.headers });
    res.end(JSON.stringify(answer.body));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  servers.push(server);
  return { baseUrl: `http://127.0.0.1:${port}`, requests, unexpected };
}

const servers: Server[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => new Promise((resolve) => s.close(resolve))));
});

/** The Worker's endpoints over the fixture, charts two at a time behind an opaque cursor. */
function workerOver(charts: readonly SlimChart[], source = fixture.source): Handler {
  return (url) => {
    const path = url.pathname;
    if (path === "/api/status") return { body: { source, regions: [], lastRun: null } };
    if (path === "/api/regions") {
      return {
        body: {
          regions: fixture.regions.map((r) => ({
            code: r.code,
            name: r.name,
            weeks: r.weeks.length,
            latestWeek: r.weeks.at(-1) ?? null,
            gaps: r.gaps,
          })),
        },
      };
    }
    if (path === "/api/site/charts") {
      const start = Number(url.searchParams.get("cursor")?.replace("c", "") ?? 0);
      const next = start + 2 < charts.length ? `c${start + 2}` : null;
      return { body: { charts: charts.slice(start, start + 2), next } };
    }
    if (path === "/api/debuts") {
      const region = url.searchParams.get("region");
      const limit = Number(url.searchParams.get("limit"));
      return { body: { region, items: fixture.debuts.filter((d) => d.region === region).slice(0, limit) } };
    }
    if (path === "/api/debuts/global") {
      return { body: { items: fixture.globalDebuts.slice(0, Number(url.searchParams.get("limit"))) } };
    }
    return undefined;
  };
}

describe("readArchiveFromApi", () => {
  it("assembles the archive from the five endpoints, following the chart cursor to its end", async () => {
    const api = await fakeApi(workerOver(fixture.charts));
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
    expect(chartPages).toEqual(["/api/site/charts", "/api/site/charts?cursor=c2", ...chartPagesAfter(4)]);
    // One debuts call per region with weeks: JP has none.
    expect(api.requests.filter((r) => r.startsWith("/api/debuts?")).sort()).toEqual([
      "/api/debuts?region=DE&limit=50",
      "/api/debuts?region=FR&limit=50",
      "/api/debuts?region=GB&limit=50",
    ]);
    expect(api.requests).toContain("/api/debuts/global?limit=50");
  });

  it("works under a base URL with a path and a trailing slash", async () => {
    const api = await fakeApi((url) => workerOver(fixture.charts)(new URL(url.href.replace("/prefix", ""))));
    await readArchiveFromApi({ baseUrl: `${api.baseUrl}/prefix/`, fetch, now: NOW });
    expect(api.requests.every((r) => r.startsWith("/prefix/api/"))).toBe(true);
  });

  it("fails on an error status, naming the request", async () => {
    const api = await fakeApi((url) =>
      url.pathname === "/api/regions" ? { status: 503, body: {} } : workerOver([])(url),
    );
    await expect(readArchiveFromApi({ baseUrl: api.baseUrl, fetch, now: NOW })).rejects.toThrow(
      /GET \/api\/regions: HTTP 503/,
    );
  });

  it("fails on a body that does not match the contract", async () => {
    const api = await fakeApi((url) =>
      url.pathname === "/api/site/charts" ? { body: { charts: [{ region: "DE" }], next: null } } : workerOver([])(url),
    );
    await expect(readArchiveFromApi({ baseUrl: api.baseUrl, fetch, now: NOW })).rejects.toThrow(ApiError);
  });

  it("stops a cursor that repeats instead of looping forever", async () => {
    const api = await fakeApi((url) =>
      url.pathname === "/api/site/charts" ? { body: { charts: [], next: "same" } } : workerOver([])(url),
    );
    await expect(readArchiveFromApi({ baseUrl: api.baseUrl, fetch, now: NOW })).rejects.toThrow(/repeats/);
  });

  it("refuses to follow a redirect anywhere else", async () => {
    const api = await fakeApi((url) =>
      url.pathname === "/api/status"
        ? { status: 302, body: {}, headers: { Location: "https://api.keyapi.ai/v1/tiktok/trending/music" } }
        : workerOver([])(url),
    );
    await expect(readArchiveFromApi({ baseUrl: api.baseUrl, fetch, now: NOW })).rejects.toThrow();
    expect(api.requests).toEqual(["/api/status"]);
  });

  it("leaves a chart of another source out of the prepared archive", async () => {
    const foreign = { ...structuredClone(fixture.charts[0]!), week: "2026-W48", source: "keyapi" as const };
    const api = await fakeApi(workerOver([...fixture.charts, foreign]));
    const archive = prepareArchive(await readArchiveFromApi({ baseUrl: api.baseUrl, fetch, now: NOW }));
    expect(archive.charts.some((c) => c.week === "2026-W48")).toBe(false);
    expect(archive.regions.find((r) => r.code === "DE")?.weeks).not.toContain("2026-W48");
  });
});

/** The cursor pages after the first two: c4, c6, … while charts remain (11 charts, 2 a page). */
function chartPagesAfter(from: number): string[] {
  const pages: string[] = [];
  for (let start = from; start < fixture.charts.length; start += 2) pages.push(`/api/site/charts?cursor=c${start}`);
  return pages;
}
