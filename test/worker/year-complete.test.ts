import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { GlobalStore } from "../../worker/archive/global";
import { JobLog } from "../../worker/archive/job-log";
import { ArchiveStore } from "../../worker/archive/store";
import { weekStart } from "../../worker/charts/iso-week";
import type { YearChart } from "../../worker/schemas/year-chart";
import { testSound } from "../fixtures/sound";
import { type Harness, harness } from "./harness";

/**
 * docs/weekly-archive.md "Year-end charts": a year is complete only when every configured region has its last
 * week (a chart or a recorded gap), or that week's snapshot window has closed. 2026 has 53 ISO
 * weeks; 2026-W53's window runs from Monday 2027-01-04 to Wednesday 2027-01-06 00:00 UTC.
 */
const REGIONS = ["DE", "FR", "GB"];
const LAST = "2026-W53";
const MONDAY_AFTER = Date.UTC(2027, 0, 4, 6);
const WINDOW_CLOSES = Date.UTC(2027, 0, 6);
const PAST_YEAR_CACHE = "public, max-age=300, s-maxage=86400";
const LIST_CACHE = "public, max-age=300";

async function store(region: string, week: string): Promise<void> {
  const entries = ["1", "2", "3"].map((n, i) => testSound(`90${n}`, i + 1, region));
  const fetchedAt = weekStart(week) + 8 * 86_400_000;
  await new ArchiveStore(env.DB, "keyapi").storeSnapshot({ region, week, fetchedAt, source: "keyapi", entries });
  await new GlobalStore(env.DB, "keyapi").rebuild(week);
}

async function year(h: Harness, path: string): Promise<{ chart: YearChart; cacheControl: string | null }> {
  const response = await h.requestAndSettle(path);
  expect(response.status, path).toBe(200);
  return { chart: await response.json<YearChart>(), cacheControl: response.headers.get("Cache-Control") };
}

const PATHS = ["/api/global/year/2026", "/api/charts/DE/year/2026", "/api/charts/FR/year/2026"];

async function expectSoFar(h: Harness): Promise<void> {
  for (const path of PATHS) {
    const { chart, cacheControl } = await year(h, path);
    expect(chart.soFar, path).toBe(true);
    expect(cacheControl, path).toBe(LIST_CACHE);
  }
}

async function expectComplete(h: Harness): Promise<void> {
  for (const path of PATHS) {
    const { chart, cacheControl } = await year(h, path);
    expect(chart, path).toMatchObject({ soFar: false, throughWeek: LAST });
    expect(cacheControl, path).toBe(PAST_YEAR_CACHE);
  }
}

async function withLastWeekIn(regions: readonly string[], options: { colo?: boolean } = {}): Promise<Harness> {
  const h = await harness({ REGIONS: REGIONS.join(",") }, options);
  for (const region of REGIONS) await store(region, "2026-W52");
  for (const region of regions) await store(region, LAST);
  h.clock.now = MONDAY_AFTER;
  return h;
}

describe("a year's completeness", () => {
  it("stays so far while one region of several has the year's last week", async () => {
    const h = await withLastWeekIn(["DE"]);
    await expectSoFar(h);
    const { chart } = await year(h, "/api/global/year/2026");
    expect(chart.throughWeek).toBe(LAST);
  });

  it("is complete once every configured region has the last week", async () => {
    const h = await withLastWeekIn(["DE", "FR", "GB"]);
    await expectComplete(h);
  });

  it("is complete once the regions without the last week have a recorded gap there", async () => {
    const h = await withLastWeekIn(["DE"]);
    await new JobLog(env.DB, "keyapi").recordMissedWeeks(["FR", "GB"], LAST, MONDAY_AFTER);
    await expectComplete(h);
  });

  it("is complete once the last week's snapshot window has closed, gaps recorded or not", async () => {
    const h = await withLastWeekIn(["DE"]);
    h.clock.now = WINDOW_CLOSES - 1;
    await expectSoFar(h);
    h.clock.now = WINDOW_CLOSES;
    await expectComplete(h);
  });

  it("leaves the colo cache's so-far answer behind when the last regions store their week", async () => {
    const h = await withLastWeekIn(["DE"], { colo: true });
    await expectSoFar(h);
    await store("FR", LAST);
    await store("GB", LAST);
    h.clock.now += 60_000;
    await expectComplete(h);
  });
});
