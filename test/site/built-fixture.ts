/**
 * The committed fixture as the tests expect to see it built: the archive after prepareArchive,
 * indexed as the pages index it, and small readers of the built output.
 */
import { readFileSync } from "node:fs";
import { prepareArchive } from "../../site/src/lib/archive/prepare";
import { indexArchive } from "../../site/src/lib/indexed-chart";
import { buildSiteIndex } from "../../site/src/lib/site-index";
import type { SiteArchive } from "../../worker/schemas/site-archive";
import type { BuiltSite } from "./build-site";
import { attr, byTag } from "./html";

export const raw: SiteArchive = JSON.parse(readFileSync("site/fixtures/archive.json", "utf8"));
export const archive = prepareArchive(raw);
export const site = buildSiteIndex(indexArchive(archive));

export const chartPath = (region: string, week: string) => `/charts/${region}/${week}/index.html`;

/** The rows of a chart page's table: a region's (class "chart") or the global one ("chart global"). */
export function tbodyRows(page: ReturnType<BuiltSite["html"]>, tableClass = "chart") {
  const table = byTag(page, "table").find((t) => attr(t, "class") === tableClass);
  return byTag(byTag(table!, "tbody")[0]!, "tr");
}

/** What prepareArchive leaves of a string: no XML-forbidden characters. */
export function strip(s: string): string {
  return s.replace(/[^\t\n\r\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/gu, "");
}
