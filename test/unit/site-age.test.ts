import { describe, expect, it } from "vitest";
import {
  type ArchiveWeek,
  type CompleteWeek,
  completedAt,
  newestCompleteWeek,
  SITE_MAX_LAG_MS,
  siteAge,
} from "../../worker/archive/site-age";
import type { LiveSiteRecord } from "../../worker/site-record";

// docs/operations.md "The site's age is health". 2026-W48 starts Monday 2026-11-23; its snapshot window
// opens Monday 2026-11-30 and closes Wednesday 2026-12-02 00:00 UTC.
const HOUR = 3_600_000;
const W48_CLOSES = Date.UTC(2026, 11, 2);
const W48_LAST_REGION = Date.UTC(2026, 10, 30, 5, 17);

const site = (newestWeek: string | null, newestWeekCharts = 3, source = "keyapi"): LiveSiteRecord => ({
  source,
  newestWeek,
  newestWeekCharts,
  change: 1_763_949_600_000,
  commit: "abc123",
});
const complete: CompleteWeek = { source: "keyapi", week: "2026-W48", charts: 3, completedAt: W48_CLOSES };
const week = (w: string, configuredRegions: number, lastFetchedAt: number | null, charts = configuredRegions) => ({
  week: w,
  charts,
  configuredRegions,
  lastFetchedAt,
});

describe("is the live site too far behind the archive (siteAge)", () => {
  it("is healthy while the archive has no complete week, record or not", () => {
    expect(siteAge(null, null, W48_CLOSES + 30 * 24 * HOUR)).toEqual({ ok: true });
  });

  it("allows exactly two days behind, and not a millisecond more", () => {
    const behind = site("2026-W47");
    expect(siteAge(behind, complete, W48_CLOSES + SITE_MAX_LAG_MS)).toEqual({ ok: true });
    expect(siteAge(behind, complete, W48_CLOSES + SITE_MAX_LAG_MS + 1)).toEqual({
      ok: false,
      reason: "the live site shows 2026-W47; 2026-W48 has been complete since 2026-12-02T00:00:00Z (2.0 days)",
    });
    expect(siteAge(behind, complete, W48_CLOSES + 55 * HOUR)).toMatchObject({
      reason: expect.stringContaining("(2.3 days)"),
    });
  });

  it("counts fewer charts of the complete week as behind (a build before the last region landed)", () => {
    const now = W48_CLOSES + 3 * 24 * HOUR;
    expect(siteAge(site("2026-W48", 2), complete, now)).toEqual({
      ok: false,
      reason:
        "the live site shows 2 of 2026-W48's 3 charts; 2026-W48 has been complete since 2026-12-02T00:00:00Z (3.0 days)",
    });
    expect(siteAge(site("2026-W48", 3), complete, now)).toEqual({ ok: true });
    expect(siteAge(site("2026-W49", 1), complete, now)).toEqual({ ok: true });
  });

  it("says so when the live site has no record, an empty site, or another source's data", () => {
    const now = W48_CLOSES + 3 * 24 * HOUR;
    expect(siteAge(null, complete, now)).toMatchObject({
      ok: false,
      reason: expect.stringMatching(/^the live site does not say which week it was built from; 2026-W48 has been/),
    });
    expect(siteAge(site(null, 0), complete, now)).toMatchObject({
      reason: expect.stringMatching(/^the live site shows no chart week;/),
    });
    expect(siteAge(site("2026-W48", 3, "demo"), complete, now)).toMatchObject({
      reason: expect.stringMatching(/^the live site shows demo data, not keyapi;/),
    });
    expect(siteAge(null, complete, now - 2 * 24 * HOUR)).toEqual({ ok: true });
  });
});

describe("the archive's newest complete week", () => {
  it("is complete when every configured region has it: since the last of them was fetched", () => {
    expect(completedAt(week("2026-W48", 3, W48_LAST_REGION), 3, W48_LAST_REGION)).toBe(W48_LAST_REGION);
    expect(completedAt(week("2026-W48", 3, W48_LAST_REGION), 3, W48_LAST_REGION - 1)).toBeNull();
  });

  it("is complete once its window has closed, whatever is missing: since the window closed", () => {
    const partial = week("2026-W48", 2, W48_LAST_REGION);
    expect(completedAt(partial, 3, W48_CLOSES - 1)).toBeNull();
    expect(completedAt(partial, 3, W48_CLOSES)).toBe(W48_CLOSES);
    expect(completedAt(week("2026-W48", 0, null, 1), 3, W48_CLOSES + HOUR)).toBe(W48_CLOSES);
  });

  it("takes the earlier moment when both hold (a region stored late, by an import)", () => {
    expect(completedAt(week("2026-W48", 3, W48_CLOSES + 5 * HOUR), 3, W48_CLOSES + 6 * HOUR)).toBe(W48_CLOSES);
  });

  it("falls back to the week before while the newest is still being fetched", () => {
    const weeks: ArchiveWeek[] = [week("2026-W47", 2, Date.UTC(2026, 10, 23, 1)), week("2026-W48", 1, W48_LAST_REGION)];
    const now = W48_LAST_REGION + HOUR;
    expect(newestCompleteWeek("keyapi", weeks, 3, now)).toEqual({
      source: "keyapi",
      week: "2026-W47",
      charts: 2,
      completedAt: Date.UTC(2026, 10, 25),
    });
    expect(newestCompleteWeek("keyapi", weeks, 1, now)).toMatchObject({
      week: "2026-W48",
      completedAt: W48_LAST_REGION,
    });
    expect(newestCompleteWeek("keyapi", [week("2026-W48", 1, W48_LAST_REGION)], 3, now)).toBeNull();
    expect(newestCompleteWeek("keyapi", [], 3, now)).toBeNull();
  });
});
