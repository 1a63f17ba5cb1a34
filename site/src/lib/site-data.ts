/**
 * The pages' one way to the archive: the content collections, indexed once per build (every page
 * of a static build shares this module instance, so the index is built once, not per page).
 */
import { getCollection } from "astro:content";
import { buildSiteIndex, type SiteIndex } from "./site-index";

let index: Promise<SiteIndex> | undefined;

/** Back in the published order (newest first), without the position field. */
function inLogOrder<T extends { position: number }>(items: T[]): Omit<T, "position">[] {
  return items.sort((a, b) => a.position - b.position).map(({ position: _, ...item }) => item);
}

export function siteData(): Promise<SiteIndex> {
  index ??= (async () => {
    const [meta, regions, charts, debuts, globalDebuts] = await Promise.all([
      getCollection("meta"),
      getCollection("regions"),
      getCollection("charts"),
      getCollection("debuts"),
      getCollection("globalDebuts"),
    ]);
    const archive = meta[0]?.data;
    if (!archive) throw new Error("the archive loader stored no metadata");
    return buildSiteIndex({
      meta: archive,
      regions: regions.map((entry) => entry.data),
      charts: charts.map((entry) => entry.data),
      debuts: inLogOrder(debuts.map((entry) => entry.data)),
      globalDebuts: inLogOrder(globalDebuts.map((entry) => entry.data)),
    });
  })();
  return index;
}
