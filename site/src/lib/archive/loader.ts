/**
 * Astro content-layer loaders for the archive: one read of the SiteArchive (from whichever input
 * the environment names), split into collections the pages query. The archive is validated as a
 * whole by prepareArchive before anything is stored, so entries are stored as they are.
 */
import type { Loader, LoaderContext } from "astro/loaders";
import type { SiteArchive } from "../../../../worker/charts/site-archive";
import { archiveInput } from "../config";
import { describeInput, readSiteArchive } from "./read";

type Env = { ARCHIVE_URL?: string; ARCHIVE_FILE?: string };
type Entries = (archive: SiteArchive) => [id: string, data: Record<string, unknown>][];

export function archiveLoaders(env: Env) {
  let archive: Promise<SiteArchive> | undefined;

  function read({ config, logger }: LoaderContext): Promise<SiteArchive> {
    archive ??= (async () => {
      logger.info(`reading ${describeInput(archiveInput(env))}`);
      const read = await readSiteArchive(env, {
        root: config.root,
        fetch: globalThis.fetch,
        now: () => new Date(),
        warn: (message) => logger.warn(message),
      });
      logger.info(`${read.source} data: ${read.regions.length} regions, ${read.charts.length} charts`);
      return read;
    })();
    return archive;
  }

  function loader(name: string, entries: Entries): Loader {
    return {
      name: `archive-${name}`,
      async load(context) {
        const entriesOf = entries(await read(context));
        context.store.clear();
        for (const [id, data] of entriesOf) context.store.set({ id, data });
      },
    };
  }

  return {
    meta: loader("meta", (a) => [["archive", { source: a.source, readAt: a.readAt }]]),
    regions: loader("regions", (a) => a.regions.map((r) => [r.code, r])),
    charts: loader("charts", (a) => a.charts.map((c) => [`${c.region}/${c.week}`, c])),
    // The logs keep their order (newest first, as published) in `position`: a collection has none.
    debuts: loader("debuts", (a) =>
      a.debuts.map((d, position) => [`${d.region}/${d.clipId}/${d.week}`, { ...d, position }]),
    ),
    globalDebuts: loader("global-debuts", (a) =>
      a.globalDebuts.map((d, position) => [`${d.clipId}/${d.week}`, { ...d, position }]),
    ),
  };
}
