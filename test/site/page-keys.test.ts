/**
 * The cache keys that let an incremental build skip a page (site/src/lib/page-keys.ts), on the
 * growing fixture: a past week's key holds still while the archive grows, and moves with the
 * page's own data. (incremental.test.ts checks the same through real builds, byte for byte.)
 */
import { describe, expect, it } from "vitest";
import { prepareArchive } from "../../site/src/lib/archive/prepare";
import { indexArchive } from "../../site/src/lib/indexed-chart";
import { chartPageKey, globalPageKey, latestPageKey, regionFeedKey, weeksPageKey } from "../../site/src/lib/page-keys";
import { buildSiteIndex } from "../../site/src/lib/site-index";
import type { SiteArchive } from "../../worker/charts/site-archive";
import { BEFORE, IMPORTED, NEW_WEEK } from "./fixture/growing-archive";

const indexOf = (archive: SiteArchive) => buildSiteIndex(indexArchive(prepareArchive(archive)));
const before = indexOf(BEFORE);
const after = indexOf(NEW_WEEK);

describe("page keys", () => {
  it("keep a past week's key when a new week arrives, once it is neither the latest nor the one before", () => {
    for (const [region, week] of [
      ["DE", "2026-W40"],
      ["DE", "2026-W42"],
      ["FR", "2026-W40"],
      ["GB", "2026-W42"],
    ] as const) {
      expect(chartPageKey(after, region, week), `${region} ${week}`).toBe(chartPageKey(before, region, week));
    }
    expect(globalPageKey(after, "2026-W42")).toBe(globalPageKey(before, "2026-W42"));
  });

  it("change the week before's key: it gains a next link", () => {
    expect(chartPageKey(after, "DE", "2026-W43")).not.toBe(chartPageKey(before, "DE", "2026-W43"));
    expect(globalPageKey(after, "2026-W43")).not.toBe(globalPageKey(before, "2026-W43"));
  });

  it("change a region's latest page, weeks list and feed with its new week, and nothing of a region without one", () => {
    expect(latestPageKey(after, "DE")).not.toBe(latestPageKey(before, "DE"));
    expect(weeksPageKey(after, "DE")).not.toBe(weeksPageKey(before, "DE"));
    expect(regionFeedKey(after, "DE")).not.toBe(regionFeedKey(before, "DE"));
    expect(latestPageKey(after, "JP")).toBe(latestPageKey(before, "JP"));
    expect(weeksPageKey(after, "JP")).toBe(weeksPageKey(before, "JP"));
    expect(regionFeedKey(after, "JP")).toBe(regionFeedKey(before, "JP"));
  });

  it("change an old week's key when an import rewrites its chart, and no other region's", () => {
    const imported = indexOf(IMPORTED);
    const backfilled = indexOf({ ...IMPORTED, charts: NEW_WEEK.charts, regions: NEW_WEEK.regions });
    expect(chartPageKey(imported, "DE", "2026-W41")).not.toBe(chartPageKey(backfilled, "DE", "2026-W41"));
    expect(chartPageKey(imported, "FR", "2026-W42")).toBe(chartPageKey(backfilled, "FR", "2026-W42"));
  });
});
