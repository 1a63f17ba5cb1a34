/**
 * The pages' one way to the archive: read once per build from the input the environment names
 * (ARCHIVE_URL, ARCHIVE_FILE, or the committed fixture), validated and cleaned chart by chart
 * (archive/prepare.ts), kept in the index's compact form as it is read (indexed-chart.ts), and
 * indexed once — every page of a static build shares this module instance.
 *
 * Not an Astro content-layer loader, deliberately: measured on 852 full charts (71 regions × 12
 * weeks), Astro's data store — serialised to disk, then loaded again as a module — took the
 * build's peak memory from 0.75 GB to 1.39 GB for no gain here. The archive is validated where it
 * enters, and its types come from the shared schemas (worker/charts/site-archive.ts).
 */

import { describeInput, readSiteArchive } from "./archive/read";
import { archiveInput } from "./config";
import { chartIndexer } from "./indexed-chart";
import { buildSiteIndex, type SiteIndex } from "./site-index";

let index: Promise<SiteIndex> | undefined;

export function siteData(): Promise<SiteIndex> {
  index ??= (async () => {
    const env = { ARCHIVE_URL: process.env.ARCHIVE_URL, ARCHIVE_FILE: process.env.ARCHIVE_FILE };
    console.info(`[archive] reading ${describeInput(archiveInput(env))}`);
    const archive = await readSiteArchive(
      env,
      {
        fetch: globalThis.fetch,
        now: () => new Date(),
        warn: (message) => console.warn(`[archive] ${message}`),
        fixture: async () => JSON.parse((await import("../../fixtures/archive.json?raw")).default),
        retryMs: process.env.ARCHIVE_RETRY_MS ? Number(process.env.ARCHIVE_RETRY_MS) : undefined,
      },
      chartIndexer(),
    );
    console.info(
      `[archive] ${archive.source} data: ${archive.regions.length} regions, ${archive.charts.length} charts`,
    );
    return buildSiteIndex(archive);
  })();
  return index;
}
