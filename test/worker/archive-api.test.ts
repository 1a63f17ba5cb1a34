import { createExecutionContext } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { beforeAll, describe, expect, it } from "vitest";
import { createApp } from "../../worker/app";
import { ArchiveStates } from "../../worker/archive/change-number";
import { JobLog } from "../../worker/archive/job-log";
import { countingD1 } from "../../worker/archive/query-counter";
import { ArchiveStore } from "../../worker/archive/store";
import { CHART_CSV_HEADER } from "../../worker/charts/csv";
import { nextWeek, weekStart } from "../../worker/charts/iso-week";
import { type Chart, chartSchema } from "../../worker/charts/schema";
import { HeldAnswers } from "../../worker/proxy/held-answers";
import { RenderedAnswers } from "../../worker/proxy/rendered-answers";
import { demoTop100 } from "../fixtures/demo-chart";

// Three consecutive weeks for seven regions: 21 snapshots, more than one export page of 20.
const WEEKS = ["2026-W45", "2026-W46", "2026-W47"] as const;
const SEEDED = ["BR", "DE", "FR", "GB", "JP", "MX", "US"] as const;
const ADMIN_TOKEN = "admin-secret";
const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;
/** Each week is snapshotted on the Monday after it, as the cron does. */
const fetchedAtOf = (week: string) => weekStart(nextWeek(week)) + 77 * 60_000;
const NEWEST_FETCH = fetchedAtOf("2026-W47");
const NOW = NEWEST_FETCH + 2 * HOUR_MS;

const testEnv = { ...env, DATA_SOURCE: "demo", ADMIN_TOKEN } as Env;
/** The live site, built from the whole archive (test/worker/site-age.test.ts: when it is not). */
const LIVE_SITE = {
  source: "demo",
  newestWeek: "2026-W47",
  newestWeekCharts: 7,
  change: 1_763_866_800_000,
  commit: null,
};
const siteFile = async (_env: Env, path: string) =>
  path === "/site-build.json" ? Response.json(LIVE_SITE) : new Response(null, { status: 404 });

async function request(path: string, init?: RequestInit, now = NOW, db: D1Database = env.DB): Promise<Response> {
  const app = createApp({
    now: () => now,
    gateName: "archive-test",
    coloCache: () => null,
    sleep: async () => undefined,
    outbound: fetch,
    held: new HeldAnswers(),
    rendered: new RenderedAnswers(),
    archiveStates: new ArchiveStates(),
    siteFile,
  });
  return app.fetch(new Request(`https://x.test${path}`, init), { ...testEnv, DB: db }, createExecutionContext());
}

async function json<T>(response: Response): Promise<T> {
  expect(response.headers.get("Content-Type")).toMatch(/^application\/json/);
  return (await response.json()) as T;
}

async function expectError(path: string, status: 400 | 404 | 503, now = NOW): Promise<void> {
  const response = await request(path, undefined, now);
  expect(response.status, path).toBe(status);
  expect(response.headers.get("Access-Control-Allow-Origin"), path).toBe("*");
  const body = await json<Record<string, unknown>>(response);
  expect(body, path).toEqual({ code: status, message: expect.any(String), data: null, requestId: expect.any(String) });
}

/** RFC 4180 reader: quoted fields may hold commas, doubled quotes and line breaks; records end in CRLF. */
function parseCsv(text: string): string[][] {
  const records: string[][] = [];
  let record: string[] = [];
  let field = "";
  let quoted = false;
  let i = 0;
  while (i < text.length) {
    const ch = text[i];
    const pair = text.slice(i, i + 2);
    let step = 1;
    if (quoted && pair === '""') {
      field += '"';
      step = 2;
    } else if (ch === '"') {
      quoted = !quoted;
    } else if (!quoted && ch === ",") {
      record.push(field);
      field = "";
    } else if (!quoted && pair === "\r\n") {
      records.push([...record, field]);
      record = [];
      field = "";
      step = 2;
    } else {
      field += ch;
    }
    i += step;
  }
  expect(record.length === 0 && field === "", "the last record ends in CRLF").toBe(true);
  return records;
}

let emptyArchiveHealth: { status: number; body: unknown };

beforeAll(async () => {
  const empty = await request("/healthz/data");
  emptyArchiveHealth = { status: empty.status, body: await empty.json() };
  const store = new ArchiveStore(env.DB, "demo");
  for (const region of SEEDED) {
    for (const week of WEEKS) {
      const fetchedAt = fetchedAtOf(week);
      await store.storeSnapshot({ region, week, fetchedAt, source: "demo", entries: demoTop100(region, fetchedAt) });
    }
  }
  await finishedRun(new JobLog(env.DB, "demo"), "2026-W47", NEWEST_FETCH - 60_000, NEWEST_FETCH, {
    week: "2026-W47",
    done: [...SEEDED],
    failed: [],
    creditsSpent: 70,
  });
});

describe("archive API: regions and weeks", () => {
  it("lists all 71 regions with display names, archived week counts and latest week", async () => {
    const response = await request("/api/regions");
    expect(response.status).toBe(200);
    expect(response.headers.get("Cache-Control")).toBe("public, max-age=300");
    expect(response.headers.get("Access-Control-Allow-Origin")).toBe("*");
    const { regions } = await json<{
      regions: { code: string; name: string; weeks: number; latestWeek: string | null }[];
    }>(response);
    expect(regions).toHaveLength(71);
    expect(regions.find((r) => r.code === "DE")).toEqual({
      code: "DE",
      name: "Germany",
      weeks: 3,
      latestWeek: "2026-W47",
      gaps: [],
    });
    expect(regions.find((r) => r.code === "AT")).toEqual({
      code: "AT",
      name: "Austria",
      weeks: 0,
      latestWeek: null,
      gaps: [],
    });
  });

  it("lists a region's weeks newest first, whatever the case of the code", async () => {
    const response = await request("/api/charts/de");
    expect(response.status).toBe(200);
    expect(response.headers.get("Cache-Control")).toBe("public, max-age=300");
    const body = await json<{ region: string; name: string; weeks: { week: string; fetchedAt: string }[] }>(response);
    expect(body.region).toBe("DE");
    expect(body.name).toBe("Germany");
    expect(body.weeks).toEqual(
      [...WEEKS].reverse().map((week) => ({
        week,
        fetchedAt: new Date(fetchedAtOf(week)).toISOString(),
        source: "demo",
        entries: 100,
      })),
    );
    const unarchived = await json<{ weeks: unknown[] }>(await request("/api/charts/AT"));
    expect(unarchived.weeks).toEqual([]);
  });
});

describe("archive API: charts", () => {
  it("serves the first archived week as all baseline, with the upstream's field names kept", async () => {
    const chart = chartSchema.parse(await json(await request("/api/charts/DE/2026-W45")));
    expect(chart).toMatchObject({ region: "DE", week: "2026-W45", source: "demo" });
    expect(chart.fetchedAt).toBe(new Date(fetchedAtOf("2026-W45")).toISOString());
    expect(chart.entries).toHaveLength(100);
    for (const key of ["clip_id", "song_id", "title", "author", "rank", "link", "cover", "trend"]) {
      expect(chart.entries[0], key).toHaveProperty(key);
    }
    for (const entry of chart.entries) {
      expect(entry).toMatchObject({ movement: "baseline", lastWeek: null, change: null, weeksOnChart: 1 });
      expect(entry.peak).toBe(entry.rank);
      expect(entry.firstWeek).toBe("2026-W45");
    }
  });

  it("serves a later week with movement against the week before, exactly as the store holds it", async () => {
    const response = await request("/api/charts/de/2026-w46");
    expect(response.status).toBe(200);
    const chart = chartSchema.parse(await json(response));
    expect(chart).toEqual(await new ArchiveStore(env.DB, "demo").chart("DE", "2026-W46"));
    const movements = new Set(chart.entries.map((e) => e.movement));
    expect(movements).toContain("new");
    expect([...movements].some((m) => m === "up" || m === "down" || m === "same")).toBe(true);
    expect(movements).not.toContain("baseline");
    for (const entry of chart.entries) {
      if (entry.movement === "new") expect(entry).toMatchObject({ lastWeek: null, change: null, weeksOnChart: 1 });
      if (entry.lastWeek !== null) expect(entry.change).toBe(entry.lastWeek - entry.rank);
    }
  });

  it("answers /latest with the newest chart itself, cached for five minutes", async () => {
    const response = await request("/api/charts/Fr/latest");
    expect(response.status).toBe(200);
    expect(response.headers.get("Cache-Control")).toBe("public, max-age=300");
    expect(response.headers.get("Location")).toBeNull();
    expect(await json(response)).toEqual(await new ArchiveStore(env.DB, "demo").chart("FR", "2026-W47"));
  });

  it("serves past weeks with a strong ETag, five minutes' max-age (a day at the edge) and 304 on a weak or strong match", async () => {
    const response = await request("/api/charts/US/2026-W46");
    const etag = response.headers.get("ETag") ?? "";
    expect(etag).toMatch(/^"[0-9a-f]{32}"$/);
    expect(response.headers.get("Cache-Control")).toBe("public, max-age=300, s-maxage=86400");
    for (const candidate of [etag, `W/${etag}`, `"other", ${etag}`, "*"]) {
      const again = await request("/api/charts/us/2026-W46", { headers: { "If-None-Match": candidate } });
      expect(again.status, candidate).toBe(304);
      expect(again.headers.get("ETag")).toBe(etag);
      expect(again.headers.get("Cache-Control")).toBe("public, max-age=300, s-maxage=86400");
      expect(await again.text()).toBe("");
    }
    const changed = await request("/api/charts/US/2026-W46", { headers: { "If-None-Match": '"stale"' } });
    expect(changed.status).toBe(200);
    const otherWeek = await request("/api/charts/US/2026-W47");
    expect(otherWeek.headers.get("ETag")).not.toBe(etag);
  });

  it("answers HEAD with the headers and no body", async () => {
    const response = await request("/api/charts/DE/2026-W47", { method: "HEAD" });
    expect(response.status).toBe(200);
    expect(response.headers.get("ETag")).toMatch(/^"/);
    expect(await response.text()).toBe("");
  });
});

describe("archive API: CSV", () => {
  it("serves a week as an RFC 4180 download that parses back to the chart", async () => {
    const response = await request("/api/charts/gb/2026-W47.csv");
    expect(response.status).toBe(200);
    expect(response.headers.get("Content-Type")).toMatch(/^text\/csv; charset=utf-8/);
    expect(response.headers.get("Content-Disposition")).toBe('attachment; filename="trending-sounds-GB-2026-W47.csv"');
    expect(response.headers.get("Cache-Control")).toBe("public, max-age=300, s-maxage=86400");
    expect(response.headers.get("Access-Control-Allow-Origin")).toBe("*");
    const text = await response.text();
    expect(text.endsWith("\r\n")).toBe(true);
    const [header, ...rows] = parseCsv(text);
    expect(header).toEqual([...CHART_CSV_HEADER]);
    expect(rows).toHaveLength(100);
    const chart = (await new ArchiveStore(env.DB, "demo").chart("GB", "2026-W47")) as Chart;
    const column = (name: string) => header!.indexOf(name);
    rows.forEach((row, i) => {
      const entry = chart.entries[i]!;
      expect(row).toHaveLength(header!.length);
      expect(row[column("rank")]).toBe(String(entry.rank));
      expect(row[column("clip_id")]).toBe(entry.clip_id);
      expect(row[column("movement")]).toBe(entry.movement);
      expect(row[column("last_week")]).toBe(entry.lastWeek === null ? "" : String(entry.lastWeek));
      if (!/^[=+\-@\t\r]/.test(entry.title)) expect(row[column("title")]).toBe(entry.title);
    });
  });

  it("answers 304 for a matching CSV ETag and serves latest.csv for five minutes", async () => {
    const first = await request("/api/charts/GB/2026-W46.csv");
    const etag = first.headers.get("ETag")!;
    const again = await request("/api/charts/GB/2026-W46.csv", { headers: { "If-None-Match": etag } });
    expect(again.status).toBe(304);
    const latest = await request("/api/charts/GB/latest.csv");
    expect(latest.status).toBe(200);
    expect(latest.headers.get("Cache-Control")).toBe("public, max-age=300");
    expect(latest.headers.get("Content-Disposition")).toContain("trending-sounds-GB-2026-W47.csv");
    expect(await latest.text()).toBe(await (await request("/api/charts/GB/2026-W47.csv")).text());
  });
});

describe("archive API: 400 versus 404", () => {
  it("is 404 for a well-formed region outside the 71, in the envelope", async () => {
    for (const path of [
      "/api/charts/XX",
      "/api/charts/xx/latest",
      "/api/charts/XX/2026-W47",
      "/api/charts/CN/2026-W47.csv",
    ]) {
      await expectError(path, 404);
    }
  });

  it("is 400 for a malformed region", async () => {
    for (const path of [
      "/api/charts/D1",
      "/api/charts/DEU/latest",
      "/api/charts/D-/2026-W47",
      "/api/charts/1/2026-W47.csv",
    ]) {
      await expectError(path, 400);
    }
  });

  it("is 400 for a malformed week and 404 for a week not archived or a region with none", async () => {
    for (const path of ["/api/charts/DE/2026-W54", "/api/charts/DE/2026W47", "/api/charts/DE/nope.csv"]) {
      await expectError(path, 400);
    }
    for (const path of ["/api/charts/DE/2026-W30", "/api/charts/DE/2025-W47.csv", "/api/charts/AT/latest"]) {
      await expectError(path, 404);
    }
  });
});

describe("archive API: sounds and debuts", () => {
  interface SoundBody {
    clipId: string;
    title: string;
    author: string;
    regions: { region: string; weeks: { week: string; rank: number; movement: string; peak: number }[] }[];
  }

  it("gives a sound's weeks and ranks in every region it charted in", async () => {
    const store = new ArchiveStore(env.DB, "demo");
    const de = (await store.chart("DE", "2026-W47"))!.entries;
    const fr = new Set((await store.chart("FR", "2026-W47"))!.entries.map((e) => e.clip_id));
    const shared = de.find((e) => fr.has(e.clip_id));
    expect(shared, "the demo's global hits chart in several regions").toBeDefined();
    const response = await request(`/api/sounds/${shared!.clip_id}`);
    expect(response.status).toBe(200);
    expect(response.headers.get("Cache-Control")).toBe("public, max-age=300");
    const body = await json<SoundBody>(response);
    expect(body).toMatchObject({ clipId: shared!.clip_id, title: shared!.title, author: shared!.author });
    const regions = body.regions.map((r) => r.region);
    expect(regions).toEqual(expect.arrayContaining(["DE", "FR"]));
    const deWeeks = body.regions.find((r) => r.region === "DE")!.weeks;
    expect(deWeeks.at(-1)).toMatchObject({ week: "2026-W47", rank: shared!.rank, movement: shared!.movement });
    expect(deWeeks.map((w) => w.week)).toEqual([...deWeeks.map((w) => w.week)].sort());
    for (const w of deWeeks)
      expect(Object.keys(w).sort()).toEqual(["change", "lastWeek", "movement", "peak", "rank", "week", "weeksOnChart"]);
  });

  it("is 400 for a clip id that is not digits and 404 for one never charted", async () => {
    await expectError("/api/sounds/abc", 400);
    await expectError("/api/sounds/12e3", 400);
    await expectError("/api/sounds/123", 404);
  });

  it("lists debuts newest first, limited, with links; the baseline week announces none", async () => {
    const response = await request("/api/debuts?limit=500");
    expect(response.status).toBe(200);
    expect(response.headers.get("Cache-Control")).toBe("public, max-age=300");
    const body = await json<{
      region: null;
      items: { region: string; clipId: string; week: string; firstSeen: string; link: string }[];
    }>(response);
    expect(body.region).toBeNull();
    expect(body.items.length).toBeGreaterThan(0);
    const times = body.items.map((i) => Date.parse(i.firstSeen));
    expect(times).toEqual([...times].sort((a, b) => b - a));
    expect(new Set(body.items.map((i) => i.week))).toEqual(new Set(["2026-W46", "2026-W47"]));
    expect(body.items[0]!.week).toBe("2026-W47");
    for (const item of body.items) {
      expect(item.link).toBe(`https://www.tiktok.com/music/x-${item.clipId}`);
      expect(item).toMatchObject({ title: expect.any(String), author: expect.any(String), cover: expect.any(String) });
    }
    const byDefault = await json<{ items: unknown[] }>(await request("/api/debuts"));
    expect(byDefault.items).toHaveLength(Math.min(50, body.items.length));
    const five = await json<{ items: unknown[] }>(await request("/api/debuts?limit=5"));
    expect(five.items).toEqual(body.items.slice(0, 5));
  });

  it("filters debuts by region, case-insensitive", async () => {
    const body = await json<{ region: string; items: { region: string; rank: number; week: string }[] }>(
      await request("/api/debuts?region=jp&limit=500"),
    );
    expect(body.region).toBe("JP");
    expect(body.items.length).toBeGreaterThan(0);
    expect(body.items.every((i) => i.region === "JP")).toBe(true);
    const newInW47 = (await new ArchiveStore(env.DB, "demo").chart("JP", "2026-W47"))!.entries.filter(
      (e) => e.movement === "new",
    );
    expect(body.items.filter((i) => i.week === "2026-W47")).toHaveLength(newInW47.length);
  });

  it("rejects bad debut parameters: 404 for an unknown region, 400 for malformed input", async () => {
    await expectError("/api/debuts?region=XX", 404);
    for (const query of ["region=D1", "region=", "limit=0", "limit=501", "limit=abc", "limit=-1", "limit=5&limit=6"]) {
      await expectError(`/api/debuts?${query}`, 400);
    }
  });
});

describe("archive API: status, export and data health", () => {
  interface StatusBody {
    regions: { region: string; latestWeek: string | null; fetchedAt: string | null; ageSeconds: number | null }[];
    lastRun: { week: string; ok: boolean; summary: Record<string, unknown> } | null;
    credits?: { pause: unknown; spend: unknown; history: unknown };
    budgets?: Record<string, number>;
  }

  it("shows freshness per region and the last run publicly, without credits", async () => {
    const publicHeaders: Record<string, string>[] = [
      {},
      { Authorization: "Bearer wrong-token" },
      { Authorization: ADMIN_TOKEN },
      { Authorization: `Basic ${ADMIN_TOKEN}` },
      { Authorization: `Bearer ${ADMIN_TOKEN}x` },
    ];
    for (const headers of publicHeaders) {
      const response = await request("/api/status", { headers });
      expect(response.status).toBe(200);
      expect(response.headers.get("Cache-Control")).toBe("no-store");
      const body = await json<StatusBody>(response);
      expect(body.regions).toHaveLength(71);
      expect(body.regions.find((r) => r.region === "DE")).toEqual({
        region: "DE",
        latestWeek: "2026-W47",
        fetchedAt: new Date(NEWEST_FETCH).toISOString(),
        ageSeconds: 7200,
      });
      expect(body.regions.find((r) => r.region === "AT")).toEqual({
        region: "AT",
        latestWeek: null,
        fetchedAt: null,
        ageSeconds: null,
      });
      expect(body.lastRun).toMatchObject({ week: "2026-W47", ok: true, summary: { done: [...SEEDED] } });
      expect(body.lastRun!.summary).not.toHaveProperty("creditsSpent");
      expect(body).not.toHaveProperty("credits");
      expect(body).not.toHaveProperty("budgets");
    }
  });

  it("adds credits, budgets and the full run summary for the admin token", async () => {
    const response = await request("/api/status", { headers: { Authorization: `Bearer ${ADMIN_TOKEN}` } });
    expect(response.headers.get("Cache-Control")).toBe("no-store");
    const body = await json<StatusBody>(response);
    expect(body.credits).toEqual({
      pause: expect.any(Object),
      spend: expect.any(Object),
      history: expect.any(Array),
      questions: expect.any(Number),
      settles: expect.any(Number),
    });
    expect(body.budgets).toMatchObject({ proxyDailyCredits: 2000, searchDailyCredits: 200 });
    expect(body.lastRun!.summary).toMatchObject({ creditsSpent: 70 });
  });

  it("exports the whole archive as JSON lines, a bounded page at a time, complete and in order", async () => {
    const counter = countingD1(env.DB);
    const charts: Chart[] = [];
    const queries: number[] = [];
    let cursor: string | null = null;
    do {
      counter.reset();
      const response = await request(
        `/api/export?limit=4${cursor ? `&cursor=${cursor}` : ""}`,
        undefined,
        NOW,
        counter.db,
      );
      expect(response.status).toBe(200);
      expect(response.headers.get("Content-Type")).toBe("application/x-ndjson");
      expect(response.headers.get("Access-Control-Allow-Origin")).toBe("*");
      // JSON is UTF-8 (RFC 8259 §8.1); workerd's text() only trusts text-like media types.
      const text = new TextDecoder().decode(await response.arrayBuffer());
      expect(text.endsWith("\n")).toBe(true);
      const page = text
        .trimEnd()
        .split("\n")
        .map((line) => chartSchema.parse(JSON.parse(line)));
      expect(page.length).toBeLessThanOrEqual(4);
      charts.push(...page);
      queries.push(counter.queries());
      expect(response.headers.get("Server-Timing")).toBe(
        `d1;desc="queries=${counter.queries()} rows_read=${counter.rowsRead()}"`,
      );
      cursor = response.headers.get("X-Next-Cursor");
      if (cursor) expect(response.headers.get("Link")).toContain('rel="next"');
    } while (cursor);
    expect(queries).toHaveLength(Math.ceil((SEEDED.length * WEEKS.length) / 4));
    expect(Math.max(...queries)).toBeLessThanOrEqual(2);
    expect(charts.map((c) => `${c.region} ${c.week}`)).toEqual(SEEDED.flatMap((r) => WEEKS.map((w) => `${r} ${w}`)));
    expect(charts.every((c) => c.entries.length === 100)).toBe(true);
    await expectError("/api/export?limit=0", 400);
    await expectError("/api/export?limit=101", 400);
    await expectError("/api/export?cursor=not-ours", 400);
  });

  it("serves the site's slim projection a page at a time, following next", async () => {
    const seen: string[] = [];
    let next: string | null = null;
    do {
      const body: {
        charts: { region: string; week: string; entries: Record<string, unknown>[] }[];
        next: string | null;
      } = await json(await request(`/api/site/charts?limit=5${next ? `&cursor=${next}` : ""}`));
      for (const chart of body.charts) {
        seen.push(`${chart.region} ${chart.week}`);
        expect(chart.entries).toHaveLength(100);
        expect(Object.keys(chart.entries[0]!).sort()).toEqual(
          [
            "author",
            "change",
            "clip_id",
            "cover",
            "duration",
            "firstWeek",
            "if_cml",
            "lastWeek",
            "link",
            "movement",
            "peak",
            "promoted",
            "rank",
            "title",
            "trend",
            "weeksOnChart",
          ].sort(),
        );
        expect(chart.entries[0]!.trend).toEqual(expect.arrayContaining([expect.any(Number)]));
      }
      next = body.next;
    } while (next);
    expect(seen).toEqual(SEEDED.flatMap((r) => WEEKS.map((w) => `${r} ${w}`)));
  });

  it("reports data health: 200 while the newest snapshot is fresh, 503 once it is over 9 days old", async () => {
    const fresh = await request("/healthz/data");
    expect(fresh.status).toBe(200);
    expect(await json(fresh)).toEqual({
      ok: true,
      newestFetchedAt: new Date(NEWEST_FETCH).toISOString(),
      ageSeconds: 7200,
      site: { newestWeek: "2026-W47", change: LIVE_SITE.change, commit: null },
    });
    const nineDays = await request("/healthz/data", undefined, NEWEST_FETCH + 9 * DAY_MS);
    expect(nineDays.status).toBe(200);
    await expectError("/healthz/data", 503, NEWEST_FETCH + 10 * DAY_MS);
  });

  it("reported 503 in the envelope while the archive was empty", () => {
    expect(emptyArchiveHealth.status).toBe(503);
    expect(emptyArchiveHealth.body).toMatchObject({ code: 503, data: null });
  });

  it("lists every archive route in /openapi.json", async () => {
    const doc = await json<{ paths: Record<string, { get?: { responses: Record<string, unknown> } }> }>(
      await request("/openapi.json"),
    );
    for (const path of [
      "/api/regions",
      "/api/charts/{region}",
      "/api/charts/{region}/latest",
      "/api/charts/{region}/{week}",
      "/api/charts/{region}/{week}.csv",
      "/api/sounds/{clipId}",
      "/api/debuts",
      "/api/status",
      "/api/export",
      "/healthz/data",
    ]) {
      expect(doc.paths[path]?.get?.responses, path).toHaveProperty("200");
    }
  });
});

/** A run that started and finished, as the job records it. */
async function finishedRun(log: JobLog, week: string, startedAt: number, finishedAt: number, summary: unknown) {
  const id = await log.startRun(week, startedAt, "seeded-run");
  await log.finishRun(id, finishedAt, true, summary);
}
