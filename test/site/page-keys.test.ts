/**
 * The cache keys that let an incremental build skip a page (site/src/lib/page-keys.ts): each is the
 * hash of the props its page renders (site/src/lib/page-data.ts). On the growing fixture: a past
 * week's key holds still while the archive grows, and no page's key holds still while what it shows
 * changes — what it shows being its props with the charts they name loaded, as the page renders
 * them. (incremental.test.ts checks the same through real builds, byte for byte.)
 */
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { prepareArchive } from "../../site/src/lib/archive/prepare";
import { indexArchive } from "../../site/src/lib/indexed-chart";
import {
  chartOf,
  globalWeekOf,
  globalWeekPaths,
  globalYearPaths,
  latestPaths,
  type PagePath,
  regionFeedPaths,
  regionWeekPaths,
  regionYearPaths,
  weeksPaths,
  yearChartOfPage,
} from "../../site/src/lib/page-data";
import { pageKey, stableJson } from "../../site/src/lib/page-keys";
import { buildSiteIndex } from "../../site/src/lib/site-index";
import type { SiteArchive } from "../../worker/schemas/site-archive";
import { BACKFILLED, BEFORE, DROPPED, IMPORTED, NEW_WEEK } from "./fixture/growing-archive";

type Site = ReturnType<typeof buildSiteIndex>;

const indexOf = (archive: SiteArchive) => buildSiteIndex(indexArchive(prepareArchive(archive)));

/** A dynamic page: its route and params, its props and key, and what it shows. */
interface Page {
  name: string;
  props: unknown;
  key: string;
  shown: string;
}

/** A dynamic route's pages, each with what it shows: its props, with the charts they name loaded. */
function route<Props>(
  name: string,
  paths: (site: Site) => PagePath<Record<string, string>, Props>[],
  shown: (site: Site, props: Props) => unknown,
) {
  return (site: Site): Page[] =>
    paths(site).map((path) => ({
      name: `${name} ${stableJson(path.params)}`,
      props: path.props,
      key: path.cacheKey,
      shown: stableJson(shown(site, path.props)),
    }));
}

const ROUTES = [
  route("charts/[region]/[week]", regionWeekPaths, (site, page) => ({ ...page, chart: chartOf(site, page.chart) })),
  route("charts/[region]/index", latestPaths, (site, page) => ({
    ...page,
    latest: page.latest && { ...page.latest, chart: chartOf(site, page.latest.chart) },
  })),
  route("charts/[region]/weeks", weeksPaths, (_site, page) => page),
  route("charts/[region]/rss.xml", regionFeedPaths, (_site, page) => page),
  route("charts/[region]/year/[year]", regionYearPaths, (site, page) => ({
    ...page,
    chart: yearChartOfPage(site, page),
  })),
  route("charts/global/[week]", globalWeekPaths, (site, page) => ({ ...page, chart: globalWeekOf(site, page.chart) })),
  route("charts/global/year/[year]", globalYearPaths, (site, page) => ({
    ...page,
    chart: yearChartOfPage(site, page),
  })),
];

/** Every dynamic page of an archive by name; `keyOf` stands in for the real key (the check's control). */
function pagesOf(archive: SiteArchive, keyOf?: (props: unknown) => string) {
  const site = indexOf(archive);
  const pages = new Map<string, Page>();
  for (const pagesOfRoute of ROUTES) {
    for (const page of pagesOfRoute(site)) pages.set(page.name, keyOf ? { ...page, key: keyOf(page.props) } : page);
  }
  return pages;
}

/** The pages of both that show something else after than before, and keep their key: stale pages. */
function staleBetween(before: Map<string, Page>, after: Map<string, Page>): string[] {
  return [...after].flatMap(([name, page]) => {
    const was = before.get(name);
    return was && was.key === page.key && was.shown !== page.shown ? [name] : [];
  });
}

const keyOf = (pages: Map<string, Page>, name: string, params: Record<string, string>) => {
  const page = pages.get(`${name} ${stableJson(params)}`);
  if (!page) throw new Error(`no page ${name} ${JSON.stringify(params)}`);
  return page.key;
};

/** NEW_WEEK with Germany under another name (the upstream renamed it). */
const RENAMED: SiteArchive = {
  ...NEW_WEEK,
  regions: NEW_WEEK.regions.map((region) => (region.code === "DE" ? { ...region, name: "Deutschland" } : region)),
};

const before = pagesOf(BEFORE);
const after = pagesOf(NEW_WEEK);
const W = (n: number) => `2026-W${n}`;

describe("page keys", () => {
  it("keep a past week's key when a new week arrives, once it is neither the latest nor the one before", () => {
    for (const [region, week] of [
      ["DE", W(40)],
      ["DE", W(42)],
      ["FR", W(40)],
      ["GB", W(42)],
    ] as const) {
      const route = "charts/[region]/[week]";
      expect(keyOf(after, route, { region, week }), `${region} ${week}`).toBe(keyOf(before, route, { region, week }));
    }
    expect(keyOf(after, "charts/global/[week]", { week: W(42) })).toBe(
      keyOf(before, "charts/global/[week]", { week: W(42) }),
    );
  });

  it("change the week before's key: it gains a next link", () => {
    expect(keyOf(after, "charts/[region]/[week]", { region: "DE", week: W(43) })).not.toBe(
      keyOf(before, "charts/[region]/[week]", { region: "DE", week: W(43) }),
    );
    expect(keyOf(after, "charts/global/[week]", { week: W(43) })).not.toBe(
      keyOf(before, "charts/global/[week]", { week: W(43) }),
    );
  });

  it("change a region's latest page, weeks list and feed with its new week, and nothing of a region without one", () => {
    for (const route of ["charts/[region]/index", "charts/[region]/weeks", "charts/[region]/rss.xml"]) {
      expect(keyOf(after, route, { region: "DE" }), route).not.toBe(keyOf(before, route, { region: "DE" }));
      expect(keyOf(after, route, { region: "JP" }), route).toBe(keyOf(before, route, { region: "JP" }));
    }
  });

  it("change an old week's key when an import rewrites its chart, and no other region's", () => {
    const imported = pagesOf(IMPORTED);
    const backfilled = pagesOf({ ...IMPORTED, charts: NEW_WEEK.charts, regions: NEW_WEEK.regions });
    const route = "charts/[region]/[week]";
    expect(keyOf(imported, route, { region: "DE", week: W(41) })).not.toBe(
      keyOf(backfilled, route, { region: "DE", week: W(41) }),
    );
    expect(keyOf(imported, route, { region: "FR", week: W(42) })).toBe(
      keyOf(backfilled, route, { region: "FR", week: W(42) }),
    );
  });

  it.each([
    ["a new week", BEFORE, NEW_WEEK],
    ["a backfill", NEW_WEEK, BACKFILLED],
    ["an import", BACKFILLED, IMPORTED],
    ["a dropped region", IMPORTED, DROPPED],
    ["a renamed region", NEW_WEEK, RENAMED],
    ["another data source", NEW_WEEK, { ...NEW_WEEK, source: "keyapi" as const }],
  ])("change with what their page shows after %s: no page shows other data under its old key", (_name, from, to) => {
    const was = pagesOf(from);
    const now = pagesOf(to);
    expect(staleBetween(was, now)).toEqual([]);
    // The change does reach pages: the comparison is not empty.
    expect([...now].some(([name, page]) => was.get(name)?.shown !== page.shown)).toBe(true);
  });

  it("move every page that names a renamed region, on every route that names it", () => {
    const renamed = pagesOf(RENAMED);
    const moved = [...renamed].filter(([name, page]) => after.get(name)?.key !== page.key).map(([name]) => name);
    expect(moved).toEqual(
      expect.arrayContaining([
        `charts/[region]/[week] ${stableJson({ region: "DE", week: W(40) })}`,
        `charts/[region]/index ${stableJson({ region: "DE" })}`,
        `charts/[region]/weeks ${stableJson({ region: "DE" })}`,
        `charts/[region]/rss.xml ${stableJson({ region: "DE" })}`,
        `charts/[region]/year/[year] ${stableJson({ region: "DE", year: "2026" })}`,
        // A global week names its regions (the missing ones, #1 regions, spreading).
        `charts/global/[week] ${stableJson({ week: W(40) })}`,
      ]),
    );
    expect(moved.filter((name) => name.includes('"FR"'))).toEqual([]);
  });

  it("would catch a key that leaves out part of what its page shows (the check's own control)", () => {
    // A key without the region's name: the renamed region's pages show the new name under old keys.
    const withoutName = (props: unknown) => {
      const { name: _, ...rest } = props as Record<string, unknown>;
      return pageKey(rest);
    };
    const stale = staleBetween(pagesOf(NEW_WEEK, withoutName), pagesOf(RENAMED, withoutName));
    expect(stale).toContain(`charts/[region]/[week] ${stableJson({ region: "DE", week: W(40) })}`);
    expect(stale).toContain(`charts/[region]/weeks ${stableJson({ region: "DE" })}`);
  });
});

describe("pages", () => {
  // A page shows only its props: the site's index stays in the data layer (site-data.ts, page-data.ts).
  const files = (dir: string): string[] =>
    readdirSync(dir, { recursive: true, withFileTypes: true })
      .filter((entry) => entry.isFile())
      .map((entry) => join(entry.parentPath, entry.name));

  it("and components never reach the site's index, only the props site-data.ts gives them", () => {
    const reaching = [
      ...files("site/src/pages"),
      ...files("site/src/components"),
      "site/src/layouts/Base.astro",
    ].filter((file) => /site-index|page-data|SiteIndex|siteData\b/.test(readFileSync(file, "utf8")));
    expect(reaching).toEqual([]);
  });

  it("get the index from nowhere: site-data.ts exports page props, not the index", () => {
    const source = readFileSync("site/src/lib/site-data.ts", "utf8");
    expect(source).not.toMatch(/export (async )?function siteData|export \{[^}]*siteData/);
  });
});
