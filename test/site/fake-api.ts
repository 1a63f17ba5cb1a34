/**
 * A fake of the Worker's public API over a SiteArchive, on a free local port: the endpoints the
 * site build reads (site/src/lib/archive/api-client.ts). It fails closed — any other request is
 * answered 599 and recorded as unexpected — and records every request, so a test can prove the
 * build talks to nothing else.
 */
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { SITEMAP_MAX_URLS, soundSitemapPaths } from "../../worker/charts/sitemaps";
import type { SiteArchive } from "../../worker/schemas/site-archive";

/** `body` is sent as JSON; `text`, when given, is sent as it is instead (a page, a sitemap). */
export type Answer = { status?: number; body: unknown; text?: string; headers?: Record<string, string> } | undefined;
/** The request's method and body, for a handler that needs them (a webhook's POST). */
export interface Received {
  method: string;
  body: string;
}
export type Handler = (url: URL, request?: Received) => Answer;

export interface FakeApi {
  baseUrl: string;
  requests: string[];
  unexpected: string[];
  close(): Promise<void>;
}

export async function fakeApi(handler: Handler): Promise<FakeApi> {
  const requests: string[] = [];
  const unexpected: string[] = [];
  const server: Server = createServer((req, res) => {
    const url = new URL(req.url ?? "/", "http://fake");
    requests.push(`${url.pathname}${url.search}`);
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", () => {
      const answer = handler(url, { method: req.method ?? "GET", body: Buffer.concat(chunks).toString("utf8") });
      if (!answer) {
        unexpected.push(`${url.pathname}${url.search}`);
        res.writeHead(599).end();
        return;
      }
      const type = answer.text === undefined ? "application/json" : "text/html; charset=utf-8";
      res.writeHead(answer.status ?? 200, { "Content-Type": type, ...answer.headers });
      res.end(answer.text ?? JSON.stringify(answer.body));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    baseUrl: `http://127.0.0.1:${port}`,
    requests,
    unexpected,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

/**
 * The Worker's change numbers (migrations 0007, 0009) for an archive: `seq`, the number of the
 * latest change, and each chart's (`REGION/week` → number); and the version of its projection.
 * Absent: every chart is 1, `seq` is 1, the projection 1.
 */
export interface Changes {
  seq: number;
  changed: ReadonlyMap<string, number>;
  projection?: number;
}

const keyOf = (chart: { region: string; week: string }) => `${chart.region}/${chart.week}`;

/**
 * The change numbers after `archive` follows `previous`, as the Worker's triggers give them: charts
 * new or different get the next number, the others keep theirs.
 */
export function changesAfter(before: Changes | null, previous: SiteArchive | null, archive: SiteArchive): Changes {
  const seq = (before?.seq ?? 0) + 1;
  const old = new Map((previous?.charts ?? []).map((chart) => [keyOf(chart), JSON.stringify(chart)]));
  const changed = new Map(
    archive.charts.map((chart) => [
      keyOf(chart),
      old.get(keyOf(chart)) === JSON.stringify(chart) ? (before?.changed.get(keyOf(chart)) ?? seq) : seq,
    ]),
  );
  return { seq, changed, projection: before?.projection };
}

/** The Worker's answers over an archive, charts `pageSize` at a time behind an opaque cursor. */
export function workerOver(archive: SiteArchive, pageSize = 2, changes?: Changes): Handler {
  return (url) => {
    const path = url.pathname;
    if (path === "/api/status") return { body: { source: archive.source, regions: [], lastRun: null } };
    if (path === "/api/regions") {
      const regions = archive.regions.map((r) => ({
        code: r.code,
        name: r.name,
        weeks: r.weeks.length,
        latestWeek: r.weeks.at(-1) ?? null,
        gaps: r.gaps,
      }));
      return { body: { regions } };
    }
    if (path === "/api/site/charts") {
      const changed = (chart: { region: string; week: string }) =>
        changes?.changed.get(`${chart.region}/${chart.week}`) ?? 1;
      const since = Number(url.searchParams.get("since") ?? -1);
      const charts = archive.charts.filter((chart) => changed(chart) > since);
      const cursor = url.searchParams.get("cursor");
      const start = Number(cursor?.replace("c", "") ?? 0);
      const next = start + pageSize < charts.length ? `c${start + pageSize}` : null;
      const page = charts.slice(start, start + pageSize).map((chart) => ({ ...chart, changed: changed(chart) }));
      const body = { charts: page, next, seq: changes?.seq ?? 1, projection: changes?.projection ?? 1 };
      // The first page says what the archive holds of each region (the Worker's own source only).
      if (cursor !== null) return { body };
      const regions: Record<string, { weeks: number; changes: number }> = {};
      for (const chart of archive.charts.filter((c) => c.source === archive.source)) {
        const region = regions[chart.region] ?? { weeks: 0, changes: 0 };
        regions[chart.region] = { weeks: region.weeks + 1, changes: region.changes + changed(chart) };
      }
      return { body: { ...body, regions } };
    }
    const limit = Number(url.searchParams.get("limit"));
    if (path === "/api/debuts") {
      const region = url.searchParams.get("region");
      return { body: { region, items: archive.debuts.filter((d) => d.region === region).slice(0, limit) } };
    }
    if (path === "/api/debuts/global") return { body: { items: archive.globalDebuts.slice(0, limit) } };
    if (path === "/api/sitemaps") {
      const sounds = new Set(archive.charts.flatMap((chart) => chart.entries.map((entry) => entry.clip_id))).size;
      return { body: { sounds, perFile: SITEMAP_MAX_URLS, files: soundSitemapPaths(sounds) } };
    }
    return undefined;
  };
}
