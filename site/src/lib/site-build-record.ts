/**
 * What a built site says about itself, in `/site-build.json` (docs/operations.md "The site's age is
 * health", "The live site is the yardstick"): the archive it was built from and what it holds.
 * The Worker's cron reads the live one through its assets to tell how far the site is behind the
 * archive; the deploy compares a new build's with the live one before anything is uploaded.
 * No build time in it: two builds of the same archive and code write the same bytes (an
 * incremental build equals a full one, and an unchanged week uploads nothing new).
 */
import type { StoreManifest } from "./archive/chart-store";

export const SITE_BUILD_FILE = "site-build.json";

export interface SiteBuildRecord {
  version: 1;
  /** The data source of the charts it shows (`demo` never goes live under a `keyapi` configuration). */
  source: string;
  /** The newest chart week it has, and how many regions' charts of that week. */
  newestWeek: string | null;
  newestWeekCharts: number;
  /** The archive's change number when it was read (null for a file or the fixture). */
  change: number | null;
  /** Every chart page (`/charts/<REGION>/<week>/`) it has. */
  chartPages: number;
  /** The commit of the code that built it, when the build knows it. */
  commit: string | null;
}

const CHART_PAGE = /^charts\/[A-Z]{2}\/\d{4}-W\d{2}\/index\.html$/;

/** The record of a build: `manifest` is what it read, `files` its output (paths relative to it, `/`-separated). */
export function siteBuildRecord(
  manifest: Pick<StoreManifest, "source" | "seq" | "charts">,
  files: Iterable<string>,
  commit: string | null,
): SiteBuildRecord {
  let newestWeek: string | null = null;
  let newestWeekCharts = 0;
  for (const { week } of manifest.charts) {
    if (newestWeek === null || week > newestWeek) {
      newestWeek = week;
      newestWeekCharts = 0;
    }
    if (week === newestWeek) newestWeekCharts++;
  }
  let chartPages = 0;
  for (const file of files) if (CHART_PAGE.test(file)) chartPages++;
  return {
    version: 1,
    source: manifest.source,
    newestWeek,
    newestWeekCharts,
    change: manifest.seq,
    chartPages,
    commit,
  };
}

/** The commit being built: CI says it (GitHub Actions, Workers Builds); a local build may not know. */
export function buildCommit(env: Record<string, string | undefined>): string | null {
  return env.GITHUB_SHA?.trim() || env.WORKERS_CI_COMMIT_SHA?.trim() || env.SITE_COMMIT?.trim() || null;
}
