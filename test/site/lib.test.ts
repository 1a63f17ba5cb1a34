import { describe, expect, it } from "vitest";
import { archiveInput, siteOrigin } from "../../site/src/lib/config";
import { formatUtc, formatWeekRange, initials, plural, regionList } from "../../site/src/lib/format";
import { escapeMarkup, markup } from "../../site/src/lib/markup";
import { redirectRules } from "../../site/src/lib/redirects";
import { isTikTokCoverHost, safeCoverUrl, safeTikTokLink } from "../../site/src/lib/safe-url";
import { chartSummary } from "../../site/src/lib/summary";
import { RANK_CHART, rankPath, rankPoint, sparklinePath } from "../../site/src/lib/svg";
import { tiktokSoundUrl } from "../../worker/charts/sound";
import {
  absoluteUrl,
  apiChartCsvUrl,
  apiChartUrl,
  apiGlobalChartCsvUrl,
  apiGlobalChartUrl,
  apiGlobalSpreadingUrl,
  apiSoundUrl,
  chartUrl,
  entryUrl,
  feedUrl,
  globalChartUrl,
  globalEntryUrl,
  globalWeeksUrl,
  soundUrl,
  weeksUrl,
} from "../../worker/views/urls";
import { entry } from "./fixture/entries";

describe("URL builders", () => {
  it("build every page and API URL in one shape, with trailing slashes on pages", () => {
    expect(chartUrl("DE")).toBe("/charts/DE/");
    expect(chartUrl("DE", "2026-W47")).toBe("/charts/DE/2026-W47/");
    expect(weeksUrl("DE")).toBe("/charts/DE/weeks/");
    expect(entryUrl("DE", "2026-W47", "123")).toBe("/charts/DE/2026-W47/#123");
    expect(soundUrl("123")).toBe("/sounds/123/");
    expect(feedUrl("DE")).toBe("/charts/DE/rss.xml");
    expect(feedUrl()).toBe("/rss.xml");
    expect(apiChartUrl("DE", "2026-W47")).toBe("/api/charts/DE/2026-W47");
    expect(apiChartCsvUrl("DE", "2026-W47")).toBe("/api/charts/DE/2026-W47.csv");
    expect(apiSoundUrl("123")).toBe("/api/sounds/123");
    expect(globalChartUrl()).toBe("/charts/global/");
    expect(globalChartUrl("2026-W47")).toBe("/charts/global/2026-W47/");
    expect(globalWeeksUrl()).toBe("/charts/global/weeks/");
    expect(globalEntryUrl("2026-W47", "123")).toBe("/charts/global/2026-W47/#123");
    expect(apiGlobalChartUrl("2026-W47")).toBe("/api/global/2026-W47");
    expect(apiGlobalChartCsvUrl("2026-W47")).toBe("/api/global/2026-W47.csv");
    expect(apiGlobalSpreadingUrl("2026-W47")).toBe("/api/global/2026-W47/spreading");
    expect(tiktokSoundUrl("123")).toBe("https://www.tiktok.com/music/x-123");
  });

  it("makes absolute URLs on the configured origin", () => {
    expect(absoluteUrl("https://sounds.example", entryUrl("FR", "2026-W01", "9"))).toBe(
      "https://sounds.example/charts/FR/2026-W01/#9",
    );
  });
});

describe("safeTikTokLink", () => {
  it.each([
    ["https://www.tiktok.com/music/x-123", "https://www.tiktok.com/music/x-123"],
    ["https://WWW.TikTok.com/music/x-1?q=1", "https://www.tiktok.com/music/x-1?q=1"],
    ["https://vm.tiktok.com/ZMabc/", "https://vm.tiktok.com/ZMabc/"],
    ['https://www.tiktok.com/music/x-1?q="><b>', "https://www.tiktok.com/music/x-1?q=%22%3E%3Cb%3E"],
  ])("keeps and normalises %s", (raw, safe) => {
    expect(safeTikTokLink(raw)).toBe(safe);
  });

  it.each([
    "javascript:alert(1)",
    " javascript:alert(1)",
    "JaVaScRiPt:alert(1)",
    "data:text/html,<script>alert(1)</script>",
    "http://www.tiktok.com/music/x-1",
    "https://www.tiktok.com.evil.example/music/x",
    "https://eviltiktok.com/x",
    "https://user:pass@www.tiktok.com/x",
    "https://www.tiktok.com:8443/x",
    "//www.tiktok.com/x",
    "/music/x-1",
    "",
    "not a url",
  ])("drops %j", (raw) => {
    expect(safeTikTokLink(raw)).toBeNull();
  });
});

describe("safeCoverUrl", () => {
  it.each([
    "https://p16-sg.tiktokcdn.com/aweme/720x720/x.jpeg",
    "https://p19-sign.tiktokcdn-us.com/obj/x.jpeg?x-expires=1&x-signature=a%2Fb",
    "https://p16-pu-sign-no.tiktokcdn-eu.com/x.jpeg",
    "https://p16-sign-sg.ibyteimg.com/x.jpeg",
  ])("keeps a TikTok CDN cover %s", (raw) => {
    expect(safeCoverUrl(raw)).toBe(raw);
  });

  it.each([
    "javascript:alert(1)",
    "http://p16-sg.tiktokcdn.com/x.jpeg",
    "https://evil.example.com/cover.jpeg",
    "https://tiktokcdn.com/x.jpeg",
    "https://p16.tiktokcdn.com.evil.example/x.jpeg",
    "https://p16-eviltiktokcdn.com/x.jpeg",
    "https://www.tiktok.com/x.jpeg",
  ])("drops %j", (raw) => {
    expect(safeCoverUrl(raw)).toBeNull();
  });

  it("matches hosts by whole labels only", () => {
    expect(isTikTokCoverHost("p16-sg.tiktokcdn.com")).toBe(true);
    expect(isTikTokCoverHost("xtiktokcdn.com")).toBe(false);
    expect(isTikTokCoverHost("tiktokcdn.com")).toBe(false);
  });

  it("percent-encodes markup in an allowed URL", () => {
    expect(safeCoverUrl('https://p16-sg.tiktokcdn.com/x.jpeg?a="><script>')).toBe(
      "https://p16-sg.tiktokcdn.com/x.jpeg?a=%22%3E%3Cscript%3E",
    );
  });
});

describe("formatting", () => {
  it("writes times in UTC", () => {
    expect(formatUtc("2026-11-23T00:17:00.000Z")).toBe("23 Nov 2026, 00:17 UTC");
    expect(formatUtc("2026-11-22T23:59:00-02:00")).toBe("23 Nov 2026, 01:59 UTC");
  });

  it("writes a week as Monday to Sunday, across months and years", () => {
    expect(formatWeekRange("2026-W47")).toBe("16–22 Nov 2026");
    expect(formatWeekRange("2026-W44")).toBe("26 Oct – 1 Nov 2026");
    expect(formatWeekRange("2026-W01")).toBe("29 Dec 2025 – 4 Jan 2026");
  });

  it("takes initials from visible letters of any script, digits and emoji", () => {
    expect(initials("Herzschlag (Acoustic)")).toBe("HA");
    expect(initials("\u202Eevil\u202C مرحبا")).toBe("Eم");
    expect(initials("🎵🔥 beat")).toBe("🎵B");
    expect(initials("<script>alert(1)</script>")).toBe("S");
    expect(initials("  ")).toBe("");
    expect(initials("99 problems")).toBe("9P");
  });

  it("counts and lists", () => {
    expect(plural(1, "week")).toBe("1 week");
    expect(plural(2, "new entry", "new entries")).toBe("2 new entries");
    expect(regionList(["DE", "FR"])).toBe("DE, FR");
    expect(regionList(["A1", "A2", "A3", "A4", "A5", "A6", "A7"])).toBe("A1, A2, A3, A4, A5 +2 more");
  });
});

describe("sparklinePath", () => {
  it("draws a polyline in whole pixels with relative moves, 1 at the top", () => {
    expect(sparklinePath([0, 1, 0.5], 60, 18)).toBe("M0 17l30-16 30 8");
  });

  it("writes segments on one straight line as one", () => {
    expect(sparklinePath([0, 0.5, 1, 1, 1, 0], 50, 18)).toBe("M0 17l20-16 20 0 10 16");
  });

  it("is empty for no values and flat for one", () => {
    expect(sparklinePath([], 60, 18)).toBe("");
    expect(sparklinePath([1], 60, 18)).toBe("M0 1l60 0");
  });

  it("clamps values outside 0–1 and treats NaN as 0", () => {
    expect(sparklinePath([-1, 2, Number.NaN], 60, 18)).toBe("M0 17l30-16 30 16");
  });
});

describe("rankPath", () => {
  it("breaks the line at weeks off the chart and draws a lone week as a dot", () => {
    const path = rankPath([1, 2, null, 100]);
    const a = rankPoint(0, 4, 1);
    const d = rankPoint(3, 4, 100);
    expect(path.startsWith(`M${a.x} ${a.y}L`)).toBe(true);
    expect(path.endsWith(`M${d.x} ${d.y}h0`)).toBe(true);
    expect(path.match(/M/g)).toHaveLength(2);
  });

  it("puts rank 1 at the top and 100 at the bottom, right of the labels' gutter", () => {
    expect(rankPoint(0, 2, 1).y).toBe(RANK_CHART.pad);
    expect(rankPoint(0, 2, 100).y).toBe(RANK_CHART.height - RANK_CHART.pad);
    const { gutter, width, pad } = RANK_CHART;
    expect(rankPoint(0, 3, 1).x).toBe(gutter);
    expect(rankPoint(2, 3, 1).x).toBe(width - pad);
    expect(rankPoint(0, 1, 50).x).toBe(gutter + (width - gutter - pad) / 2);
  });

  it("is empty when the sound never charted in the range", () => {
    expect(rankPath([null, null])).toBe("");
  });
});

describe("chartSummary", () => {
  it("counts debuts and re-entries and finds the climber and the longest-running sound", () => {
    const summary = chartSummary([
      entry(1, { movement: "same", change: 0, weeksOnChart: 9 }),
      entry(2, { movement: "up", change: 10, weeksOnChart: 9 }),
      entry(3, { movement: "up", change: 10 }),
      entry(4, { movement: "re" }),
      entry(5, { movement: "new" }),
      entry(6, { movement: "down", change: -4 }),
    ]);
    expect(summary.debuts).toBe(1);
    expect(summary.reentries).toBe(1);
    expect(summary.biggestClimber?.rank).toBe(2);
    expect(summary.longestRunning?.rank).toBe(1);
  });

  it("names no climber when nothing went up", () => {
    expect(chartSummary([entry(1, { movement: "baseline" })]).biggestClimber).toBeNull();
    expect(chartSummary([]).longestRunning).toBeNull();
  });
});

describe("escapeMarkup", () => {
  it("escapes the five special characters and removes XML-forbidden ones", () => {
    expect(escapeMarkup(`<a href="x">Tom & Jerry's</a>]]>\u0000\u0007\uFFFE\uD800`)).toBe(
      "&lt;a href=&quot;x&quot;&gt;Tom &amp; Jerry&#39;s&lt;/a&gt;]]&gt;",
    );
  });

  it("escapes every interpolated value of a markup template, never the template", () => {
    expect(markup`<p title="${`"><script>`}">${"&"}</p>`).toBe('<p title="&quot;&gt;&lt;script&gt;">&amp;</p>');
  });
});

describe("siteOrigin", () => {
  it("defaults to the local Worker and normalises an origin", () => {
    expect(siteOrigin(undefined)).toBe("http://127.0.0.1:8787");
    expect(siteOrigin(" https://Sounds.Example/ ")).toBe("https://sounds.example");
  });

  it.each(["ftp://x.example", "https://x.example/path", "https://x.example/?q", "nope"])("refuses %j", (value) => {
    expect(() => siteOrigin(value)).toThrow(/SITE_ORIGIN/);
  });
});

describe("archiveInput", () => {
  it("takes exactly one input, else the fixture", () => {
    expect(archiveInput({})).toEqual({ kind: "fixture" });
    expect(archiveInput({ ARCHIVE_FILE: "a.json" })).toEqual({ kind: "file", path: "a.json" });
    expect(archiveInput({ ARCHIVE_URL: "http://127.0.0.1:8787" })).toEqual({
      kind: "url",
      url: "http://127.0.0.1:8787",
    });
    expect(() => archiveInput({ ARCHIVE_URL: "http://x", ARCHIVE_FILE: "a" })).toThrow(/not both/);
    expect(() => archiveInput({ ARCHIVE_URL: "file:///etc/passwd" })).toThrow(/http/);
  });
});

describe("redirectRules", () => {
  const lines = redirectRules()
    .split("\n")
    .filter((line) => line && !line.startsWith("#"));

  it("redirects every lower-case region, static rules before the dynamic ones, within the limits", () => {
    expect(lines).toHaveLength(142);
    expect(lines[0]).toBe("/charts/ar /charts/AR/ 301");
    expect(lines[71]).toBe("/charts/ar/* /charts/AR/:splat 301");
    const firstDynamic = lines.findIndex((line) => line.includes("*"));
    expect(lines.slice(firstDynamic).every((line) => line.includes("*"))).toBe(true);
  });

  it("never redirects a path to itself", () => {
    for (const line of lines) {
      const [from = "", to = ""] = line.split(" ");
      expect(from.replace("/*", "/")).not.toBe(to.replace(":splat", ""));
      expect(from).toBe(from.toLowerCase());
    }
  });
});
