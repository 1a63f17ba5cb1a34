/**
 * The rows of a chart table as the site writes them (chart-rows.ts, through markup.ts `html`)
 * and the compact charts they are written from (indexed-chart.ts).
 */
import { describe, expect, it } from "vitest";
import { chartRows, globalRows, movementCell } from "../../site/src/lib/chart-rows";
import { type IndexedEntry, indexCharts } from "../../site/src/lib/indexed-chart";
import { html } from "../../site/src/lib/markup";
import { entry } from "./fixture/entries";

describe("html", () => {
  it("escapes interpolated text, passes nested html through, and writes nothing for null, undefined and false", () => {
    const inner = html`<b>${"<i>"}</b>`;
    expect(html`<p title="${`"'`}">${inner}${null}${undefined}${false}${0}${[html`<br>`, "&"]}</p>`.value).toBe(
      '<p title="&quot;&#39;"><b>&lt;i&gt;</b>0<br>&amp;</p>',
    );
    expect(html`${"bell\u0007 \uFFFE ok 🎵"}`.value).toBe("bell  ok 🎵");
  });
});

describe("chart rows", () => {
  const {
    trend: _,
    promoted: __,
    duration: ___,
    firstWeek: ____,
    ...slim
  } = entry(1, {
    clip_id: "42",
    title: `<script>alert(1)</script> & "x"`,
    author: "<b>",
    cover: "javascript:alert(1)",
    link: "https://evil.example/x",
    movement: "up",
    change: 3,
    lastWeek: 4,
    peak: 1,
    weeksOnChart: 2,
    if_cml: true,
  });
  const hostile: IndexedEntry = { ...slim, sparkline: "M0 17l60-16" };

  it("writes one row per entry with escaped text, no foreign link or image, and optional end tags left out", () => {
    expect(chartRows([hostile], (id) => `/sounds/${id}/`)).toBe(
      '<tr id="42"><th scope=row>1<td class=m-up><span aria-hidden=true>▲3</span><span class=vh> up 3 places</span>' +
        '<td><span class=cv data-i="SX"></span>' +
        '<a href="/sounds/42/"><bdi>&lt;script&gt;alert(1)&lt;/script&gt; &amp; &quot;x&quot;</bdi></a><bdi>&lt;b&gt;</bdi>' +
        '<td>4<td>1<td>2<td><svg aria-hidden=true><path d="M0 17l60-16"/></svg><td>✓<td>',
    );
  });

  it("writes a cover from TikTok's CDN as the image itself, sized, lazy and without referrer", () => {
    const row = chartRows([{ ...hostile, cover: "https://p16-sg.tiktokcdn.com/a.jpeg", title: "Low Tide" }], () => "/");
    expect(row).toContain(
      '<td><img src="https://p16-sg.tiktokcdn.com/a.jpeg" alt width=40 height=40 loading=lazy referrerpolicy=no-referrer data-i="LT"><a href="/"><bdi>Low Tide</bdi></a>',
    );
  });

  it("writes a global row: regions, #1 regions named, points, and the TikTok link made from the clip id", () => {
    const row = globalRows(
      [
        {
          ...hostile,
          link: "https://www.tiktok.com/music/x-42",
          points: 298,
          regions: 3,
          numberOne: ["DE", "FR"],
          bestRank: 1,
          firstWeek: "2026-W46",
        },
      ],
      () => "/",
      (code) => ({ DE: "Germany", FR: "France" })[code] ?? code,
    );
    expect(row).toMatch(
      /<td>3<td><abbr title="Germany">DE<\/abbr> <abbr title="France">FR<\/abbr><td>298<td>4<td>1<td>2<td><a href="https:\/\/www\.tiktok\.com\/music\/x-42">TikTok<\/a>$/,
    );
  });

  it("writes no author line for a sound without an author", () => {
    expect(chartRows([{ ...hostile, author: "" }], () => "/")).toContain(
      '<a href="/"><bdi>&lt;script&gt;alert(1)&lt;/script&gt; &amp; &quot;x&quot;</bdi></a><td>4',
    );
  });

  // What a reader sees (and copies) is the arrow and the number; a screen reader hears words.
  it.each([
    ["up", 3, "<td class=m-up><span aria-hidden=true>▲3</span><span class=vh> up 3 places</span>"],
    ["up", 1, "<td class=m-up><span aria-hidden=true>▲1</span><span class=vh> up 1 place</span>"],
    ["down", -2, "<td class=m-down><span aria-hidden=true>▼2</span><span class=vh> down 2 places</span>"],
    ["same", 0, "<td class=m-same><span aria-hidden=true>=</span><span class=vh> no change</span>"],
    ["new", null, "<td class=m-new>NEW"],
    ["re", null, "<td class=m-re><span aria-hidden=true>RE</span><span class=vh> re-entry</span>"],
    ["baseline", null, "<td class=m-none><span aria-hidden=true>—</span><span class=vh> not compared</span>"],
    ["unknown", null, "<td class=m-none><span aria-hidden=true>—</span><span class=vh> not compared</span>"],
  ] as const)("writes movement %s %s as %s", (movement, change, cell) => {
    expect(movementCell(movement, change).value).toBe(cell);
  });
});

describe("indexCharts", () => {
  it("keeps what pages show and draws the trend once, as its sparkline", () => {
    const chart = (week: string) => ({
      region: "DE",
      week,
      fetchedAt: "2026-11-23T00:17:00.000Z",
      source: "demo" as const,
      entries: [entry(1, { title: ["Low", "Tide"].join(" "), trend: [0, 1, 0.5] })],
    });
    const [a, b] = indexCharts([chart("2026-W46"), chart("2026-W47")]);
    expect(a).toEqual({
      region: "DE",
      week: "2026-W46",
      fetchedAt: "2026-11-23T00:17:00.000Z",
      source: "demo",
      entries: [
        {
          rank: 1,
          clip_id: "1",
          title: "Low Tide",
          author: "A",
          cover: "",
          link: "",
          if_cml: false,
          lastWeek: null,
          peak: 1,
          weeksOnChart: 1,
          movement: "new",
          change: null,
          sparkline: "M0 17l30-16 30 8",
        },
      ],
    });
    expect(Object.keys(b!.entries[0]!)).not.toContain("trend");
  });
});
