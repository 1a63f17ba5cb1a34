/**
 * The pages' one way to the archive: read once per build from the input the environment names
 * (ARCHIVE_URL, ARCHIVE_FILE, or the committed fixture) by archive/read.ts — only what changed
 * since the previous build when it can — into the chart store beside Astro's cache, and indexed
 * once: every page of a static build shares this module instance, and loads the charts it shows.
 * The index stays here: pages get their props from the functions below (page-data.ts bound to this
 * build's index), and load the charts those props name.
 *
 * Not an Astro content-layer loader, deliberately: measured on 852 full charts (71 regions × 12
 * weeks), Astro's data store — serialised to disk, then loaded again as a module — took the
 * build's peak memory from 0.75 GB to 1.39 GB for no gain here. The archive is validated where it
 * enters, and its types come from the shared schemas (worker/schemas/site-archive.ts).
 */

import { join } from "node:path";
import { diskStore } from "./archive/chart-store";
import { diskRankings } from "./archive/ranking-store";
import { describeInput, readSiteArchive } from "./archive/read";
import { archiveInput, archiveStoreDir } from "./config";
import * as pages from "./page-data";
import { buildSiteIndex, type SiteIndex } from "./site-index";

let index: Promise<SiteIndex> | undefined;

function siteData(): Promise<SiteIndex> {
  index ??= (async () => {
    const env = { ARCHIVE_URL: process.env.ARCHIVE_URL, ARCHIVE_FILE: process.env.ARCHIVE_FILE };
    const dir = archiveStoreDir(process.env);
    const store = diskStore(dir);
    const full = process.env.ARCHIVE_FULL_READ === "1";
    console.info(`[archive] reading ${describeInput(archiveInput(env))}${full ? " (all of it: a full build)" : ""}`);
    const { archive, chartsRead, incremental } = await readSiteArchive(
      env,
      {
        fetch: globalThis.fetch,
        // SOURCE_DATE_EPOCH (reproducible builds' convention, seconds): the time the about page says
        // the data was read, so two builds of the same archive can be compared byte for byte.
        now: () =>
          process.env.SOURCE_DATE_EPOCH ? new Date(Number(process.env.SOURCE_DATE_EPOCH) * 1000) : new Date(),
        warn: (message) => console.warn(`[archive] ${message}`),
        fixture: async () => JSON.parse((await import("../../fixtures/archive.json?raw")).default),
        retryMs: process.env.ARCHIVE_RETRY_MS ? Number(process.env.ARCHIVE_RETRY_MS) : undefined,
        full,
      },
      store,
    );
    console.info(
      `[archive] ${archive.source} data: ${archive.regions.length} regions, ${archive.charts.length} charts` +
        ` (${chartsRead} read${incremental ? ": the changes since the previous build" : ""})`,
    );
    // Rankings are kept only under the version of the code that computed them (astro.config.mjs
    // sets it); without one, every week is ranked again.
    const code = process.env.SITE_CODE_VERSION;
    return buildSiteIndex({ ...archive, store, rankings: code ? diskRankings(join(dir, "global"), code) : undefined });
  })();
  return index;
}

/** One of page-data.ts's functions, on this build's index. */
function onIndex<Args extends unknown[], Result>(
  read: (site: SiteIndex, ...args: Args) => Result,
): (...args: Args) => Promise<Result> {
  return async (...args) => read(await siteData(), ...args);
}

export const regionWeekPaths = onIndex(pages.regionWeekPaths);
export const latestPaths = onIndex(pages.latestPaths);
export const weeksPaths = onIndex(pages.weeksPaths);
export const regionFeedPaths = onIndex(pages.regionFeedPaths);
export const regionYearPaths = onIndex(pages.regionYearPaths);
export const globalWeekPaths = onIndex(pages.globalWeekPaths);
export const globalYearPaths = onIndex(pages.globalYearPaths);
export const globalLatestPage = onIndex(pages.globalLatestPage);
export const globalWeeksPage = onIndex(pages.globalWeeksPage);
export const globalFeedPage = onIndex(pages.globalFeedPage);
export const homePage = onIndex(pages.homePage);
export const aboutPage = onIndex(pages.aboutPage);
export const chartOf = onIndex(pages.chartOf);
export const globalWeekOf = onIndex(pages.globalWeekOf);
export const yearChartOfPage = onIndex(pages.yearChartOfPage);
/** The data source every page's layout names (the demo banner). */
export const siteSource = onIndex((site) => site.source);
