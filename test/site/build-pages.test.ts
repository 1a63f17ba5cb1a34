/**
 * Builds the committed fixture (demo data, hostile entries on DE's latest chart) and checks every
 * page as a browser parses it.
 */
import { gzipSync } from "node:zlib";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { initials } from "../../site/src/lib/format";
import { safeCoverUrl, safeTikTokLink } from "../../site/src/lib/safe-url";
import { SPARK_HEIGHT, SPARK_WIDTH, sparklinePath } from "../../site/src/lib/svg";
import type { SlimEntry } from "../../worker/schemas/slim";
import { type BuiltSite, buildSite, fileOf } from "./build-site";
import { archive, chartPath, raw, site, strip, tbodyRows } from "./built-fixture";
import { FIXTURE_LATEST, FIXTURE_WEEKS, HOSTILE } from "./fixture/site-fixture";
import { attr, byId, byTag, type Element, elements, kids, text } from "./html";

const ORIGIN_A = "https://sounds.example";

let a: BuiltSite;
let pages: string[];

beforeAll(async () => {
  a = await buildSite(raw, ORIGIN_A);
  pages = a.files().filter((f) => f.endsWith(".html"));
  console.log(`fixture build: ${Math.round(a.ms)} ms, ${pages.length} pages`);
});

afterAll(() => a?.cleanup());

describe("pages", () => {
  it("has a page per region-week, a latest page, a week list and a feed per region, and no others", () => {
    const weekPages = pages.filter((p) => /^\/charts\/[A-Z]{2}\/\d{4}-W\d{2}\/index\.html$/.test(p));
    expect(weekPages.sort()).toEqual(archive.charts.map((c) => chartPath(c.region, c.week)).sort());
    for (const region of archive.regions) {
      for (const path of ["index.html", "weeks/index.html", "rss.xml"]) {
        expect(a.exists(`/charts/${region.code}/${path}`), `${region.code} ${path}`).toBe(true);
      }
    }
    for (const path of ["/index.html", "/about/index.html", "/404.html", "/rss.xml", "/_headers", "/_redirects"]) {
      expect(a.exists(path), path).toBe(true);
    }
    const globalPages = pages.filter((p) => p.startsWith("/charts/global/"));
    expect(globalPages.sort()).toEqual(
      [
        "/charts/global/index.html",
        "/charts/global/weeks/index.html",
        "/charts/global/year/2026/index.html",
        ...FIXTURE_WEEKS.map((week) => `/charts/global/${week}/index.html`),
      ].sort(),
    );
  });

  it("builds no sound pages: the Worker answers /sounds/<clipId>/", () => {
    expect(pages.filter((p) => p.startsWith("/sounds/"))).toEqual([]);
    // Every week of the global chart, its latest page, its weeks list and its year (2026).
    const globalPages = site.global.weeks.length + 3;
    // A year-end page per region with charts (all in 2026).
    const yearPages = site.regionsWithCharts.length;
    // Home, about, 404, and the shells the Worker fills with each sound page and each search.
    expect(pages).toContain("/shell/sound/index.html");
    expect(pages).toContain("/shell/search/index.html");
    expect(pages).toHaveLength(archive.charts.length + 2 * archive.regions.length + yearPages + globalPages + 5);
  });

  it("renders every chart as a table matching the archive row for row", () => {
    for (const chart of archive.charts) {
      const page = a.html(chartPath(chart.region, chart.week));
      const rows = tbodyRows(page);
      expect(rows).toHaveLength(chart.entries.length);
      rows.forEach((row, i) => {
        const entry = chart.entries[i]!;
        const [rank, move, sound, lw, pk, wks, trend, biz, link] = kids(row);
        const where = `${chart.region} ${chart.week} #${entry.rank}`;
        expect(attr(row, "id"), where).toBe(entry.clip_id);
        expect([rank!.tagName, attr(rank!, "scope"), text(rank!)], where).toEqual(["th", "row", String(entry.rank)]);
        expect(attr(move!, "class"), where).toBe(`m-${movementClass(entry.movement)}`);
        expect(text(move!), where).toBe(moveText(entry.movement, entry.change));
        const [box, title, author] = kids(sound!);
        expectCover(box!, entry, where);
        expect([title!.tagName, text(title!), attr(title!, "href")], where).toEqual([
          "a",
          entry.title,
          `/sounds/${entry.clip_id}/`,
        ]);
        expect(kids(title!).map((k) => k.tagName)).toEqual(["bdi"]);
        expect([author!.tagName, text(author!)], where).toEqual(["bdi", entry.author]);
        expect([text(lw!), text(pk!), text(wks!)], where).toEqual([
          entry.lastWeek === null ? "—" : String(entry.lastWeek),
          String(entry.peak),
          String(entry.weeksOnChart),
        ]);
        const path = byTag(trend!, "path")[0];
        expect(path ? attr(path, "d") : "", where).toBe(sparklinePath(entry.trend, SPARK_WIDTH, SPARK_HEIGHT));
        expect(text(biz!), where).toBe(entry.if_cml ? "✓" : "");
        const tiktok = byTag(link!, "a")[0];
        expect(tiktok ? attr(tiktok, "href") : null, where).toBe(safeTikTokLink(entry.link));
      });
    }
  });

  it("renders the global chart of the latest week: 100 rows in chart order, no script", () => {
    const latest = site.global.latest!;
    expect(latest.week).toBe(FIXTURE_LATEST);
    for (const path of ["/charts/global/index.html", `/charts/global/${FIXTURE_LATEST}/index.html`]) {
      const page = a.html(path);
      expect(byTag(page, "script"), path).toEqual([]);
      const table = byTag(page, "table").find((t) => attr(t, "class") === "chart global")!;
      const rows = byTag(byTag(table, "tbody")[0]!, "tr");
      expect(rows, path).toHaveLength(100);
      rows.forEach((row, i) => {
        const entry = latest.entries[i]!;
        const [rank, , sound, regions, , points, lw, pk, wks, link] = kids(row);
        const where = `${path} #${i + 1}`;
        expect([attr(row, "id"), text(rank!), attr(rank!, "scope")], where).toEqual([
          entry.clip_id,
          String(i + 1),
          "row",
        ]);
        expectCover(kids(sound!)[0]!, entry, where);
        expect(
          [regions, points, lw, pk, wks].map((c) => text(c!)),
          where,
        ).toEqual([entry.regions, entry.points, entry.lastWeek ?? "—", entry.peak, entry.weeksOnChart].map(String));
        expect(attr(byTag(link!, "a")[0]!, "href"), where).toBe(`https://www.tiktok.com/music/x-${entry.clip_id}`);
      });
    }
    const canonical = byTag(a.html("/charts/global/index.html"), "link").find((l) => attr(l, "rel") === "canonical");
    expect(attr(canonical!, "href")).toBe(`${ORIGIN_A}/charts/global/${FIXTURE_LATEST}/`);
    expect(text(a.html(`/charts/global/${FIXTURE_LATEST}/index.html`))).toContain("No chart this week from: Japan.");
  });

  it("links the previous and next weeks of the global chart", () => {
    FIXTURE_WEEKS.forEach((week, i) => {
      const links = byTag(a.html(`/charts/global/${week}/index.html`), "a");
      const rel = (r: string) => links.find((link) => attr(link, "rel") === r);
      const expected = { prev: FIXTURE_WEEKS[i - 1], next: FIXTURE_WEEKS[i + 1] };
      for (const r of ["prev", "next"] as const) {
        const href = rel(r) && attr(rel(r)!, "href");
        expect(href, `${week} ${r}`).toBe(expected[r] && `/charts/global/${expected[r]}/`);
        if (href) expect(a.exists(fileOf(href))).toBe(true);
      }
    });
  });

  it("shows a region's latest week on its page, canonical to the week's own page", () => {
    const page = a.html("/charts/DE/index.html");
    expect(tbodyRows(page).map((r) => attr(r, "id"))).toEqual(
      site.chart("DE", "2026-W47")!.entries.map((e) => e.clip_id),
    );
    const canonical = byTag(page, "link").find((l) => attr(l, "rel") === "canonical");
    expect(attr(canonical!, "href")).toBe(`${ORIGIN_A}/charts/DE/2026-W47/`);
    expect(text(a.html("/charts/JP/index.html"))).toMatch(/No chart has been archived for Japan yet/);
  });

  it("links the previous and next archived weeks, skipping a gap", () => {
    // The fixture: DE and GB have W44–W47; FR has W44, W45 and W47 (its W46 snapshot was missed).
    const expected: Record<string, [previous: string | undefined, next: string | undefined]> = {
      "DE 2026-W44": [undefined, "2026-W45"],
      "DE 2026-W45": ["2026-W44", "2026-W46"],
      "DE 2026-W46": ["2026-W45", "2026-W47"],
      "DE 2026-W47": ["2026-W46", undefined],
      "FR 2026-W44": [undefined, "2026-W45"],
      "FR 2026-W45": ["2026-W44", "2026-W47"],
      "FR 2026-W47": ["2026-W45", undefined],
      "GB 2026-W44": [undefined, "2026-W45"],
      "GB 2026-W45": ["2026-W44", "2026-W46"],
      "GB 2026-W46": ["2026-W45", "2026-W47"],
      "GB 2026-W47": ["2026-W46", undefined],
    };
    expect(archive.charts.map((c) => `${c.region} ${c.week}`).sort()).toEqual(Object.keys(expected));
    for (const [key, [previous, next]] of Object.entries(expected)) {
      const [region, week] = key.split(" ") as [string, string];
      const links = byTag(a.html(chartPath(region, week)), "a");
      const href = (r: string) =>
        links.find((link) => attr(link, "rel") === r)?.attrs.find((at) => at.name === "href")?.value;
      expect([href("prev"), href("next")], key).toEqual([
        previous && `/charts/${region}/${previous}/`,
        next && `/charts/${region}/${next}/`,
      ]);
    }
  });

  it("reaches every archived week in two clicks from the home page", () => {
    const home = a.html("/index.html");
    for (const region of archive.regions) {
      const list = byTag(home, "a").find((l) => attr(l, "href") === `/charts/${region.code}/weeks/`);
      expect(list, region.code).toBeDefined();
      const hrefs = byTag(a.html(`/charts/${region.code}/weeks/index.html`), "a").map((l) => attr(l, "href"));
      for (const week of region.weeks) expect(hrefs).toContain(`/charts/${region.code}/${week}/`);
    }
    expect(byTag(home, "a").map((l) => attr(l, "href"))).toContain("/charts/global/weeks/");
    const globalWeeks = byTag(a.html("/charts/global/weeks/index.html"), "a").map((l) => attr(l, "href"));
    for (const week of FIXTURE_WEEKS) expect(globalWeeks).toContain(`/charts/global/${week}/`);
  });

  it("explains a week after a gap and a region's first week", () => {
    expect(text(a.html(chartPath("FR", "2026-W47")))).toMatch(/No chart was archived for 2026-W46/);
    expect(text(a.html(chartPath("DE", "2026-W47")))).not.toMatch(/No chart was archived/);
    expect(text(a.html(chartPath("GB", "2026-W44")))).toMatch(/first archived week for United Kingdom/);
    expect(text(a.html("/charts/FR/weeks/index.html"))).toMatch(
      /2026-W46 \(9–15 Nov 2026\): no chart, the snapshot was missed/,
    );
  });

  it("sums up each week and links its JSON, CSV and feed", () => {
    const page = a.html(chartPath("DE", "2026-W47"));
    const chart = site.chart("DE", "2026-W47")!;
    const debuts = chart.entries.filter((e) => e.movement === "new").length;
    expect(text(page)).toContain(`${debuts} new entries`);
    expect(text(page)).toMatch(/Biggest climber: .+ \(up \d+ to #\d+\)/);
    expect(text(page)).toMatch(/Longest-running: .+ \(\d+ weeks? on the chart\)/);
    // The titles it names may run right-to-left: each in its own <bdi>.
    const summary = byTag(page, "ul").find((ul) => attr(ul, "class") === "summary")!;
    expect(byTag(summary, "a").map((a) => kids(a).map((k) => k.tagName))).toEqual([["bdi"], ["bdi"]]);
    const hrefs = byTag(page, "a").map((l) => attr(l, "href"));
    expect(hrefs).toEqual(
      expect.arrayContaining(["/api/charts/DE/2026-W47", "/api/charts/DE/2026-W47.csv", "/charts/DE/rss.xml"]),
    );
  });

  it("lists every region on the home page with its #1 and its debut count", () => {
    const home = a.html("/index.html");
    const table = byTag(home, "table")[0]!;
    const rows = byTag(byTag(table, "tbody")[0]!, "tr");
    expect(rows.map((r) => text(kids(r)[0]!))).toEqual(site.regions.map((r) => r.name));
    const de = rows.find((r) => text(kids(r)[0]!) === "Germany")!;
    const chart = site.chart("DE", "2026-W47")!;
    expect(text(kids(de)[1]!)).toBe(`${chart.entries[0]!.title} — ${chart.entries[0]!.author}`);
    expect(text(kids(de)[2]!)).toBe(String(chart.entries.filter((e) => e.movement === "new").length));
    expect(text(rows.find((r) => text(kids(r)[0]!) === "Japan")!)).toMatch(/no chart yet/);
    expect(text(home)).toMatch(/Newest snapshot taken 23 Nov 2026, 00:19 UTC/);
  });

  it("shows the demo banner on every page", () => {
    for (const path of pages) {
      const notes = [...elements(a.html(path))].filter((e) => attr(e, "role") === "note");
      expect(
        notes.some((n) => text(n).startsWith("Demo data.")),
        path,
      ).toBe(true);
    }
  });
});

describe("links, styles and markup on every page", () => {
  it("resolves every internal link and fragment to a built page and element", () => {
    for (const path of pages) {
      const page = a.html(path);
      for (const element of elements(page)) {
        const href = ["a", "link"].includes(element.tagName) ? attr(element, "href") : undefined;
        // The API, the OpenAPI document and sound pages are the Worker's routes, not files of the site.
        const worker = href?.startsWith("/api/") || href?.startsWith("/sounds/") || href === "/openapi.json";
        const internal = href?.startsWith("/") && !worker;
        if (!href || !internal) continue;
        const [target = "", fragment] = href.split("#");
        expect(a.exists(fileOf(target)), `${path} → ${href}`).toBe(true);
        if (fragment) expect(byId(a.html(fileOf(target)), fragment), `${path} → ${href}`).toBeDefined();
      }
      for (const link of byTag(page, "a")) {
        const href = attr(link, "href") ?? "";
        if (href.startsWith("#")) expect(byId(page, href.slice(1)), `${path} → ${href}`).toBeDefined();
      }
    }
  });

  it("links the all-regions feed everywhere and a region's feed on its pages", () => {
    for (const path of pages) {
      const feeds = byTag(a.html(path), "link")
        .filter((l) => attr(l, "rel") === "alternate" && attr(l, "type") === "application/rss+xml")
        .map((l) => attr(l, "href")!);
      expect(feeds, path).toContain("/rss.xml");
      const region = /^\/charts\/([A-Z]{2})\//.exec(path)?.[1];
      if (region) expect(feeds, path).toContain(`/charts/${region}/rss.xml`);
      for (const feed of feeds) expect(a.exists(feed)).toBe(true);
    }
    const about = byTag(a.html("/about/index.html"), "a").map((l) => attr(l, "href"));
    for (const region of archive.regions) expect(about).toContain(`/charts/${region.code}/rss.xml`);
  });

  it("uses one fingerprinted stylesheet, no script, no inline style", () => {
    const css = a.files().filter((f) => f.endsWith(".css"));
    expect(css).toHaveLength(1);
    expect(css[0]).toMatch(/^\/_astro\/[\w-]+\.[\w-]{6,}\.css$/);
    for (const path of pages) {
      const page = a.html(path);
      const sheets = byTag(page, "link").filter((l) => attr(l, "rel") === "stylesheet");
      expect(
        sheets.map((l) => attr(l, "href")),
        path,
      ).toEqual(css);
      expect(byTag(page, "script"), path).toEqual([]);
      expect(byTag(page, "style"), path).toEqual([]);
      expect(
        [...elements(page)].filter((e) => attr(e, "style") !== undefined),
        path,
      ).toEqual([]);
    }
  });

  it("labels every table with a caption and scoped headers", () => {
    for (const path of pages) {
      for (const table of byTag(a.html(path), "table")) {
        expect(text(byTag(table, "caption")[0] ?? table).length, path).toBeGreaterThan(0);
        expect(byTag(table, "caption"), path).toHaveLength(1);
        for (const th of byTag(table, "th")) expect(["col", "row"], path).toContain(attr(th, "scope"));
      }
    }
  });
});

describe("hostile upstream text", () => {
  const allowedHref = /^(\/(?!\/)|#|https:\/\/(www\.|m\.|vm\.|vt\.)?tiktok\.com\/)/;
  const allowedSrc = /^https:\/\/[a-z0-9-]+\.(tiktokcdn|tiktokcdn-us|tiktokcdn-eu|ibyteimg)\.com\//;

  it("is inert on every page: no script, no handler, no foreign link or image", () => {
    for (const path of pages) {
      const html = a.read(path);
      expect(html, path).not.toMatch(/[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]/);
      for (const element of elements(a.html(path))) {
        const where = `${path} <${element.tagName}>`;
        expect(element.tagName, where).not.toBe("script");
        for (const { name, value } of element.attrs) {
          expect(name, where).not.toMatch(/^on/i);
          expect(value, where).not.toMatch(/^\s*(javascript|data|vbscript):/i);
        }
        const href = attr(element, "href");
        if (href !== undefined && ["a", "link"].includes(element.tagName) && !href.startsWith(ORIGIN_A)) {
          expect(href, where).toMatch(allowedHref);
        }
        if (element.tagName === "img") expect(attr(element, "src"), where).toMatch(allowedSrc);
      }
    }
  });

  it("shows as plain text where the archive has it", () => {
    const page = a.html(chartPath("DE", "2026-W47"));
    const titles = tbodyRows(page).map((row) => text(byTag(kids(row)[2]!, "a")[0]!));
    const authors = tbodyRows(page).map((row) => text(byTag(kids(row)[2]!, "bdi")[1]!));
    for (const hostile of HOSTILE) {
      expect(titles).toContain(strip(hostile.title));
      expect(authors).toContain(strip(hostile.author));
    }
    const global = tbodyRows(a.html(`/charts/global/${FIXTURE_LATEST}/index.html`), "chart global");
    const globalTitles = global.map((row) => text(byTag(kids(row)[2]!, "a")[0]!));
    for (const hostile of HOSTILE) expect(globalTitles).toContain(strip(hostile.title));
  });
});

describe("page weight", () => {
  // The budget of a 100-row chart page, regional or global: 60 KB raw and 15 KB gzipped, KB being
  // 1,024 bytes. What travels is gzipped; raw is what a browser parses.
  const RAW_BUDGET = 60 * 1024;
  const GZIP_BUDGET = 15 * 1024;

  it("keeps every 100-row chart page of the fixture within its budget", () => {
    const hundreds = ["/charts/DE/index.html", chartPath("DE", FIXTURE_LATEST), "/charts/global/index.html"];
    hundreds.push(`/charts/global/${FIXTURE_LATEST}/index.html`);
    for (const path of hundreds) {
      const rows = byTag(byTag(a.html(path), "tbody")[0]!, "tr");
      expect(rows, path).toHaveLength(100);
      const html = a.read(path);
      const bytes = Buffer.byteLength(html);
      const gzipped = gzipSync(html, { level: 9 }).length;
      console.log(`${path} (100 rows): ${bytes} bytes, ${gzipped} gzipped`);
      expect(bytes, path).toBeLessThanOrEqual(RAW_BUDGET);
      expect(gzipped, path).toBeLessThanOrEqual(GZIP_BUDGET);
    }
  });
});

function movementClass(movement: string): string {
  return movement === "baseline" || movement === "unknown" ? "none" : movement;
}

/**
 * What a movement cell holds as text: the symbols a reader sees (in the markup, not the
 * stylesheet) and, visually hidden, the words a screen reader says.
 */
function moveText(movement: string, change: number | null): string {
  const n = Math.abs(change ?? 0);
  const places = n === 1 ? "1 place" : `${n} places`;
  return {
    up: `▲${n} up ${places}`,
    down: `▼${n} down ${places}`,
    new: "NEW",
    re: "RE re-entry",
    same: "= no change",
    baseline: "— not compared",
    unknown: "— not compared",
  }[movement]!;
}

/** A chart row's cover: the image itself, sized, lazy and sent no referrer; or the initials' box. */
function expectCover(box: Element, entry: Pick<SlimEntry, "cover" | "title">, where: string) {
  const cover = safeCoverUrl(entry.cover);
  if (cover) {
    expect(
      [
        box.tagName,
        ...["src", "alt", "width", "height", "loading", "referrerpolicy", "data-i"].map((n) => attr(box, n)),
      ],
      where,
    ).toEqual(["img", cover, "", "40", "40", "lazy", "no-referrer", initials(entry.title)]);
  } else {
    expect([box.tagName, attr(box, "class"), attr(box, "data-i")], where).toEqual([
      "span",
      "cv",
      initials(entry.title),
    ]);
  }
}
