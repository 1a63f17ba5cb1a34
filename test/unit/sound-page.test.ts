import { describe, expect, it } from "vitest";
import { type SoundPage, soundPageData } from "../../worker/archive/sound-data";
import type { SoundPageRows } from "../../worker/archive/sound-rows";
import { IN_WINDOW_MAX_AGE, pageCacheControl, secondsUntilNextSnapshot } from "../../worker/archive-cache/page-cache";
import { SHELL_MARKERS, ShellError, fillShell } from "../../worker/views/shell";
import { renderSoundPage } from "../../worker/views/sound-render";
import { type Element, attr, byTag, elements, parseHtml, text } from "../site/html";

/**
 * A sound's page as the Worker renders it: pure data from the archive's rows, pure markup from
 * the data, the site's shell filled with it. Expected values are written out by hand.
 */

const SHELL = `<!doctype html><html lang="en"><head><title>${SHELL_MARKERS.title} · Trending Sounds</title><meta name="description" content="${SHELL_MARKERS.description}"></head><body><main id="main">${SHELL_MARKERS.main}</main></body></html>`;

/** Sound 42: in Germany on the latest chart (W47) after a gap at W42; in France for two weeks in March. */
const ROWS: SoundPageRows = {
  entries: [
    { region: "DE", week: "2026-W45", rank: 5, title: "Old title", author: "Old author", cover: "" },
    { region: "DE", week: "2026-W46", rank: 3, title: "Old title", author: "Old author", cover: "" },
    {
      region: "DE",
      week: "2026-W47",
      rank: 7,
      title: "Nachtzug",
      author: "Lea",
      cover: "https://p16-sg.tiktokcdn.com/cover.jpeg",
    },
    { region: "FR", week: "2026-W10", rank: 50, title: "Old title", author: "Old author", cover: "" },
    { region: "FR", week: "2026-W11", rank: 40, title: "Old title", author: "Old author", cover: "" },
  ],
  regions: [
    { region: "DE", first_week: "2026-W40", latest_week: "2026-W47" },
    { region: "FR", first_week: "2026-W01", latest_week: "2026-W47" },
  ],
  gaps: [
    { region: "DE", week: "2026-W42" },
    { region: "FR", week: "2026-W30" },
  ],
  globalRanks: [
    { week: "2026-W46", rank: 20, regions: 1 },
    { week: "2026-W47", rank: 12, regions: 1 },
  ],
  latest: { week: "2026-W47", regions: 3 },
  record: { link: "https://www.tiktok.com/music/x-42", if_cml: 1 },
};

const offChart = (week: string) => ({ week, rank: null, gap: false });

const EXPECTED: SoundPage = {
  clipId: "42",
  title: "Nachtzug",
  author: "Lea",
  cover: "https://p16-sg.tiktokcdn.com/cover.jpeg",
  link: "https://www.tiktok.com/music/x-42",
  businessUse: true,
  regions: [
    {
      region: "DE",
      name: "Germany",
      latestWeek: "2026-W47",
      current: 7,
      peak: 3,
      weeksCharted: 3,
      lastCharted: "2026-W47",
      // From the region's first chart (W40): twelve weeks back from W47 would be before it.
      series: [
        offChart("2026-W40"),
        offChart("2026-W41"),
        { week: "2026-W42", rank: null, gap: true },
        offChart("2026-W43"),
        offChart("2026-W44"),
        { week: "2026-W45", rank: 5, gap: false },
        { week: "2026-W46", rank: 3, gap: false },
        { week: "2026-W47", rank: 7, gap: false },
      ],
    },
    {
      region: "FR",
      name: "France",
      latestWeek: "2026-W47",
      current: null,
      peak: 40,
      weeksCharted: 2,
      lastCharted: "2026-W11",
      // Left the chart long ago: shown from its first week to twelve weeks after its last.
      series: [
        { week: "2026-W10", rank: 50, gap: false },
        { week: "2026-W11", rank: 40, gap: false },
        ...Array.from({ length: 12 }, (_, i) => offChart(`2026-W${String(12 + i).padStart(2, "0")}`)),
      ],
    },
  ],
  global: {
    latestWeek: "2026-W47",
    regionsCharted: 3,
    regions: ["DE"],
    rank: 12,
    peak: 12,
    weeks: 2,
    lastWeek: "2026-W47",
  },
};

function pageOf(overrides: Partial<SoundPage> = {}): Element {
  const html = fillShell(SHELL, renderSoundPage({ ...EXPECTED, ...overrides }), false);
  return byTag(parseHtml(html), "html")[0] as Element;
}

function section(page: Element, region: string): Element {
  const found = byTag(page, "section").find((s) => attr(s, "aria-labelledby") === `r-${region}`);
  if (!found) throw new Error(`no section for ${region}`);
  return found;
}

const squash = (s: string) => s.replace(/\s+/g, " ").trim();

describe("soundPageData", () => {
  it("builds each region's weeks, ranks and gaps, the newest title and the global presence from the rows", () => {
    expect(soundPageData("42", ROWS)).toEqual(EXPECTED);
  });

  it("is null for a sound no archived chart holds", () => {
    expect(soundPageData("43", { ...ROWS, entries: [], record: null })).toBeNull();
  });

  it("says nothing of the global chart when no week has been charted", () => {
    expect(soundPageData("42", { ...ROWS, latest: null })?.global).toBeNull();
  });
});

describe("renderSoundPage", () => {
  it("writes each region's weeks as table rows, a charted week linking its chart", () => {
    const rows = byTag(section(pageOf(), "DE"), "tr").map((tr) => {
      const link = byTag(tr, "a")[0];
      return [...tr.childNodes.filter((n): n is Element => "tagName" in n).map(text), link && attr(link, "href")];
    });
    expect(rows).toEqual([
      ["Week", "Rank", undefined],
      ["2026-W40", "—", undefined],
      ["2026-W41", "—", undefined],
      ["2026-W42", "no chart", undefined],
      ["2026-W43", "—", undefined],
      ["2026-W44", "—", undefined],
      ["2026-W45", "5", "/charts/DE/2026-W45/#42"],
      ["2026-W46", "3", "/charts/DE/2026-W46/#42"],
      ["2026-W47", "7", "/charts/DE/2026-W47/#42"],
    ]);
  });

  it("marks tables up for screen readers: a caption, column and row headers", () => {
    const table = byTag(section(pageOf(), "FR"), "table")[0] as Element;
    expect(text(byTag(table, "caption")[0] as Element)).toBe("Rank in France, week by week");
    const headers = byTag(table, "th");
    expect(headers.filter((th) => attr(th, "scope") === "col")).toHaveLength(2);
    expect(headers.filter((th) => attr(th, "scope") === "row")).toHaveLength(14);
  });

  it("says where the sound charts now, on the global chart, and in each region", () => {
    const page = pageOf();
    const paragraphs = byTag(page, "p").map((p) => squash(text(p)));
    expect(paragraphs).toContain("On 1 current chart: #7 in Germany.");
    expect(paragraphs).toContain(
      "In week 2026-W47 it charts in 1 of 3 regions charted that week: #12 on the global chart. " +
        "On the global chart: peak #12, 2 weeks, most recently in week 2026-W47.",
    );
    expect(squash(text(section(page, "DE")))).toContain("Peak #3, 3 weeks on the chart, #7 now.");
    expect(squash(text(section(page, "FR")))).toContain("Peak #40, 2 weeks on the chart, not on the latest chart.");
    expect(byTag(page, "li").map((li) => text(li))).toEqual(["Listen on TikTok", "Approved for business use", "JSON"]);
  });

  it("draws each region's rank chart as an image with words", () => {
    const svg = byTag(section(pageOf(), "DE"), "svg")[0] as Element;
    expect(attr(svg, "role")).toBe("img");
    expect(attr(svg, "aria-label")).toBe(
      "Rank over time in Germany, 2026-W40 to 2026-W47: peak #3, 3 weeks on the chart.",
    );
    // Weeks 45–47 of eight (x from 34 to 314, 40 apart); rank r at y = 6 + (r − 1) × 108 / 99.
    const line = byTag(svg, "path").find((p) => attr(p, "class") === "line");
    expect(line && attr(line, "d")).toBe("M234 10.4L274 8.2L314 12.5");
  });

  it("says when a sound left every chart", () => {
    const page = pageOf({
      regions: EXPECTED.regions.map((r) => ({ ...r, current: null })),
      global: { ...(EXPECTED.global as NonNullable<SoundPage["global"]>), regions: [], rank: null },
    });
    const paragraphs = byTag(page, "p").map((p) => squash(text(p)));
    expect(paragraphs).toContain("Not on any region's latest chart; last charted in week 2026-W47.");
    expect(paragraphs).toContain("On the global chart: peak #12, 2 weeks, most recently in week 2026-W47.");
  });

  it("speaks of the newest week only for a sound that charts in it", () => {
    // Left every chart years before the newest week: nothing on its page changes from week to week.
    const page = pageOf({
      regions: EXPECTED.regions.map((r) => ({ ...r, current: null, lastCharted: "2023-W05" })),
      global: {
        latestWeek: "2026-W47",
        regionsCharted: 71,
        regions: [],
        rank: null,
        peak: null,
        weeks: 0,
        lastWeek: null,
      },
    });
    const paragraphs = byTag(page, "p").map((p) => squash(text(p)));
    expect(paragraphs).toContain("Not on any region's latest chart; last charted in week 2023-W05.");
    expect(paragraphs).toContain("It has not been in the global top 100.");
    for (const p of paragraphs) expect(p).not.toMatch(/2026-W47|charts in 0 of|\bnow\b/);
  });

  it("keeps hostile titles and authors inert: markup, quotes, right-to-left text and emoji stay text", () => {
    const title = `<script>alert("x")</script> & 'quoted' ‮مرحبا بالعالم 🎵`;
    const author = `"><img src=x onerror=alert(1)> שלום 👩‍👩‍👧`;
    const page = pageOf({ title, author });
    expect(byTag(page, "script")).toEqual([]);
    expect([...elements(page)].filter((e) => e.attrs.some((a) => a.name.startsWith("on")))).toEqual([]);
    // <title> and the description are plain text, where no <bdi> can contain the title's U+202E.
    const plainTitle = title.replace("\u202E", "");
    expect(text(byTag(page, "title")[0] as Element)).toBe(`${plainTitle} — ${author} · Trending Sounds`);
    const description = byTag(page, "meta").find((m) => attr(m, "name") === "description");
    expect(description && attr(description, "content")).toBe(
      `“${plainTitle}” by ${author} on TikTok's weekly charts: weeks and ranks in every region.`,
    );
    // Text that may run right-to-left is isolated from what surrounds it.
    expect(byTag(page, "bdi").map(text)).toEqual([title, author]);
    expect(text(byTag(page, "h1")[0] as Element)).toBe(title);
  });

  it("keeps every bidirectional control of a title and author out of <title> and the description", () => {
    const controls = "\u202A\u202B\u202C\u202D\u202E\u2066\u2067\u2068\u2069\u200E\u200F\u061C";
    const page = pageOf({ title: `\u202Eevil${controls}`, author: `\u2067שלום` });
    const title = text(byTag(page, "title")[0] as Element);
    expect(title).toBe("evil — שלום · Trending Sounds");
    const description = byTag(page, "meta").find((m) => attr(m, "name") === "description");
    expect(description && attr(description, "content")).toBe(
      "“evil” by שלום on TikTok's weekly charts: weeks and ranks in every region.",
    );
    // In the page itself the title keeps its characters, isolated in <bdi>.
    expect(text(byTag(page, "h1")[0] as Element)).toBe(`\u202Eevil${controls}`);
  });

  it("names a sound without an author by its title alone: no trailing dash, no empty line", () => {
    const page = pageOf({ author: "" });
    expect(text(byTag(page, "title")[0] as Element)).toBe("Nachtzug · Trending Sounds");
    const description = byTag(page, "meta").find((m) => attr(m, "name") === "description");
    expect(description && attr(description, "content")).toBe(
      "“Nachtzug” on TikTok's weekly charts: weeks and ranks in every region.",
    );
    expect(byTag(page, "p").filter((p) => attr(p, "class") === "by")).toEqual([]);
    expect(byTag(page, "bdi").map(text)).toEqual(["Nachtzug"]);
  });

  it("links only https URLs on TikTok's hosts and shows covers only from TikTok's CDNs", () => {
    for (const link of [
      "javascript:alert(1)",
      "http://www.tiktok.com/music/x-42",
      "https://evil.example/music/x-42",
      "https://www.tiktok.com.evil.example/",
      "https://user@www.tiktok.com/",
    ]) {
      const page = pageOf({ link });
      expect(
        byTag(page, "li").map((li) => text(li)),
        link,
      ).toEqual(["Approved for business use", "JSON"]);
    }
    for (const cover of [
      "https://evil.example/c.jpg",
      "data:image/png;base64,AA",
      "http://p16-sg.tiktokcdn.com/c.jpg",
      "",
    ]) {
      const page = pageOf({ cover });
      expect(byTag(page, "img"), cover).toEqual([]);
      const box = byTag(page, "span").find((s) => attr(s, "class") === "cv big");
      expect(box && attr(box, "data-i"), cover).toBe("N");
    }
    const hrefs = byTag(pageOf(), "a").map((a) => attr(a, "href") ?? "");
    expect(hrefs.filter((href) => !href.startsWith("/"))).toEqual(["https://www.tiktok.com/music/x-42"]);
  });

  it("shows a TikTok cover lazily, sized, and without a referrer", () => {
    const img = byTag(pageOf(), "img")[0] as Element;
    expect(Object.fromEntries(img.attrs.map((a) => [a.name, a.value]))).toEqual({
      src: "https://p16-sg.tiktokcdn.com/cover.jpeg",
      alt: "",
      width: "120",
      height: "120",
      loading: "lazy",
      referrerpolicy: "no-referrer",
      "data-i": "N",
    });
  });
});

describe("fillShell", () => {
  const PAGE = {
    title: { value: "T" } as never,
    description: { value: "D" } as never,
    main: { value: "<p>M</p>" } as never,
  };
  const BANNER =
    '<p class="note" role="note"><strong>Demo data.</strong> These charts come from the built-in demo source, not from TikTok: titles, artists and ranks are made up.</p>';
  const filledMain = (html: string) => /<main id="main">(.*)<\/main>/.exec(html)?.[1];

  it("puts the page in the shell's title, description and main", () => {
    expect(fillShell(SHELL, PAGE, false)).toBe(
      '<!doctype html><html lang="en"><head><title>T · Trending Sounds</title><meta name="description" content="D"></head><body><main id="main"><p>M</p></main></body></html>',
    );
  });

  it("shows the demo banner exactly when the Worker's data is demo, whichever source the shell was built from", () => {
    const demoShell = SHELL.replace(SHELL_MARKERS.main, BANNER + SHELL_MARKERS.main);
    expect(filledMain(fillShell(demoShell, PAGE, true))).toBe(`${BANNER}<p>M</p>`);
    expect(filledMain(fillShell(SHELL, PAGE, true))).toBe(`${BANNER}<p>M</p>`);
    expect(filledMain(fillShell(demoShell, PAGE, false))).toBe("<p>M</p>");
    expect(filledMain(fillShell(SHELL, PAGE, false))).toBe("<p>M</p>");
  });

  it("leaves a title that spells a marker as text", () => {
    const page = pageOf({ title: SHELL_MARKERS.main, author: SHELL_MARKERS.description });
    expect(text(byTag(page, "h1")[0] as Element)).toBe(SHELL_MARKERS.main);
  });

  it("refuses a shell without every marker exactly once", () => {
    const page = renderSoundPage(EXPECTED);
    expect(() => fillShell(SHELL.replace(SHELL_MARKERS.main, ""), page, false)).toThrow(ShellError);
    expect(() => fillShell(SHELL + SHELL_MARKERS.title, page, false)).toThrow(ShellError);
  });
});

describe("secondsUntilNextSnapshot", () => {
  it("keeps a page until the next snapshot window opens", () => {
    // Wednesday 2026-11-25 12:00 UTC → Monday 2026-11-30 00:00: 4 days 12 hours.
    expect(secondsUntilNextSnapshot(Date.UTC(2026, 10, 25, 12))).toBe(388_800);
    // Wednesday 2026-12-02 00:20, past the closing run → Monday 2026-12-07 00:00: 4 days 23 h 40 min.
    expect(secondsUntilNextSnapshot(Date.UTC(2026, 11, 2, 0, 20))).toBe(430_800);
  });

  it("keeps a page briefly while snapshots may land (Monday, Tuesday and the closing run)", () => {
    expect(secondsUntilNextSnapshot(Date.UTC(2026, 10, 30, 0, 0))).toBe(IN_WINDOW_MAX_AGE);
    expect(secondsUntilNextSnapshot(Date.UTC(2026, 11, 1, 23, 59))).toBe(IN_WINDOW_MAX_AGE);
    expect(secondsUntilNextSnapshot(Date.UTC(2026, 11, 2, 0, 5))).toBe(IN_WINDOW_MAX_AGE);
  });
});

describe("pageCacheControl", () => {
  it("keeps a page at the edge until the next snapshot and in browsers five minutes, never longer than the edge", () => {
    expect(pageCacheControl(Date.UTC(2026, 10, 25, 12))).toBe("public, max-age=300, s-maxage=388800");
    // Sunday 2026-11-29 23:58 UTC: two minutes before the window opens.
    expect(pageCacheControl(Date.UTC(2026, 10, 29, 23, 58))).toBe("public, max-age=120, s-maxage=120");
  });
});
