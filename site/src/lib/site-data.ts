/**
 * The pages' one way to the archive: read once per build from the input the environment names
 * (ARCHIVE_URL, ARCHIVE_FILE, or the committed fixture) by archive/read.ts — only what changed
 * since the previous build when it can — into the chart store beside Astro's cache, and indexed
 * once: every page of a static build shares this module instance, and loads the charts it shows.
 *
 * Not an Astro content-layer loader, deliberately: measured on 852 full charts (71 regions × 12
 * weeks), Astro's data store — serialised to disk, then loaded again as a module — took the
 * build's peak memory from 0.75 GB to 1.39 GB for no gain here. The archive is validated where it
 * enters, and its types come from the shared schemas (worker/charts/site-archive.ts).
 */

import { join } from "node:path";
import { diskStore } from "./archive/chart-store";
import { diskRankings } from "./archive/ranking-store";
import { describeInput, readSiteArchive } from "./archive/read";
import { archiveInput, archiveStoreDir } from "./config";
import { buildSiteIndex, type SiteIndex } from "./site-index";

let index: Promise<SiteIndex> | undefined;

export function siteData(): Promise<SiteIndex> {
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
