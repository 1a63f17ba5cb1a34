import { describe, expect, it } from "vitest";
import { buildCommit, siteBuildRecord } from "../../site/src/lib/site-build-record";

const ref = (region: string, week: string) => ({ region, week, source: "keyapi" as const, hash: "h", changed: 1 });

describe("the site's build record", () => {
  it("says the newest week, how many charts of it, the change number and the chart pages", () => {
    const manifest = {
      source: "keyapi" as const,
      seq: 1_733_000_000_123,
      charts: [ref("DE", "2026-W47"), ref("DE", "2026-W48"), ref("FR", "2026-W47"), ref("GB", "2026-W48")],
    };
    const files = [
      "index.html",
      "charts/DE/index.html", // a latest page, not a chart page
      "charts/DE/2026-W47/index.html",
      "charts/DE/2026-W48/index.html",
      "charts/global/2026-W48/index.html", // the global chart is not a region's chart page
      "charts/DE/weeks/index.html",
      "charts/FR/2026-W47/index.html",
      "charts/GB/2026-W48/index.html",
    ];
    expect(siteBuildRecord(manifest, files, "abc123")).toEqual({
      version: 1,
      source: "keyapi",
      newestWeek: "2026-W48",
      newestWeekCharts: 2,
      change: 1_733_000_000_123,
      chartPages: 4,
      commit: "abc123",
    });
  });

  it("has no newest week for an empty archive", () => {
    expect(siteBuildRecord({ source: "demo", seq: null, charts: [] }, [], null)).toMatchObject({
      newestWeek: null,
      newestWeekCharts: 0,
      chartPages: 0,
      source: "demo",
    });
  });

  it("takes the commit from GitHub Actions, then Workers Builds, then SITE_COMMIT", () => {
    expect(buildCommit({ GITHUB_SHA: "gh", WORKERS_CI_COMMIT_SHA: "wb" })).toBe("gh");
    expect(buildCommit({ WORKERS_CI_COMMIT_SHA: "wb", SITE_COMMIT: "x" })).toBe("wb");
    expect(buildCommit({ SITE_COMMIT: " x " })).toBe("x");
    expect(buildCommit({})).toBeNull();
  });
});
