/**
 * Builds the hand-written archive of test/worker/global.test.ts (fixture/global-fixture.ts) and
 * reads the global chart off the built pages: the ranking worked out by hand, ties included, the
 * spreading list, the regions without a chart — and, built again with an earlier week backfilled,
 * the later weeks' last week, weeks on chart and movement recomputed.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type BuiltSite, buildSite, fileOf } from "./build-site";
import { BACKFILL_W09, CHARTS, filler, globalArchive, ID, nameOf } from "./fixture/global-fixture";
import { attr, byId, byTag, kids, text } from "./html";

let site: BuiltSite;
let backfilled: BuiltSite;

beforeAll(async () => {
  site = await buildSite(globalArchive(CHARTS), "https://sounds.example");
  backfilled = await buildSite(globalArchive({ ...CHARTS, ...BACKFILL_W09 }), "https://sounds.example");
});

afterAll(() => {
  site?.cleanup();
  backfilled?.cleanup();
});

type Page = ReturnType<BuiltSite["html"]>;

/** Each row of a global chart page as its cells' text: name, rank, move, regions, #1 in, points, LW, PK, WKS. */
function globalRows(page: Page): string[][] {
  const table = byTag(page, "table").find((t) => attr(t, "class") === "chart global")!;
  return byTag(byTag(table, "tbody")[0]!, "tr").map((row) => {
    const [rank, move, , regions, numberOne, points, lw, pk, wks] = kids(row);
    const movement = `${attr(move!, "class")} ${text(move!)}`.trim();
    return [
      nameOf(attr(row, "id")!),
      ...[rank, regions, numberOne, points, lw, pk, wks].map((c) => text(c!)),
    ].toSpliced(2, 0, movement);
  });
}

function spreadingItems(page: Page, heading: string): string[] {
  const h2 = byTag(page, "h2").find((h) => text(h).startsWith(heading))!;
  const siblings = h2.parentNode!.childNodes;
  const list = siblings.slice(siblings.indexOf(h2)).find((n) => "tagName" in n && n.tagName === "ol")!;
  return byTag(list as Parameters<typeof byTag>[0], "li").map((li) => text(li).replace(/\s+/g, " ").trim());
}

describe("the global chart, built from charts ranked by hand", () => {
  it("ranks by points, then regions, then best rank, then clip id as text", () => {
    const rows = globalRows(site.html("/charts/global/2026-W10/index.html"));
    expect(rows).toHaveLength(98);
    expect(rows.slice(0, 11)).toEqual([
      ["X", "1", "m-none — not compared", "3", "DE FR GB", "300", "—", "1", "1"],
      ["A", "2", "m-none — not compared", "3", "", "198", "—", "2", "1"],
      ["B", "3", "m-none — not compared", "2", "", "198", "—", "3", "1"],
      ["C", "4", "m-none — not compared", "2", "", "196", "—", "4", "1"],
      ["D", "5", "m-none — not compared", "2", "", "196", "—", "5", "1"],
      [filler("DE", 3), "6", "m-none — not compared", "1", "", "98", "—", "6", "1"],
      [filler("FR", 4), "7", "m-none — not compared", "1", "", "97", "—", "7", "1"],
      [filler("GB", 4), "8", "m-none — not compared", "1", "", "97", "—", "8", "1"],
      [filler("GB", 5), "9", "m-none — not compared", "1", "", "96", "—", "9", "1"],
      ["E", "10", "m-none — not compared", "1", "", "96", "—", "10", "1"],
      ["F", "11", "m-none — not compared", "1", "", "96", "—", "11", "1"],
    ]);
  });

  it("shows each entry's title, cover and TikTok link as its best-ranked region lists them", () => {
    const page = site.html("/charts/global/2026-W10/index.html");
    const row = byId(page, ID.X)!;
    const sound = kids(row)[2]!;
    const [img, title, author] = kids(sound);
    expect([attr(img!, "src"), text(title!), attr(title!, "href"), text(author!)]).toEqual([
      "https://p16.tiktokcdn.com/901-DE.jpeg",
      "Sound 901",
      `/sounds/${ID.X}/`,
      "Artist 901",
    ]);
    expect(byTag(kids(row)[9]!, "a").map((a) => attr(a, "href"))).toEqual(["https://www.tiktok.com/music/x-901"]);
    expect(byTag(kids(row)[4]!, "abbr").map((a) => attr(a, "title"))).toEqual(["Germany", "France", "United Kingdom"]);
  });

  it("derives last week, peak, weeks on chart and movement, and names the missing region", () => {
    const page = site.html("/charts/global/2026-W11/index.html");
    expect(globalRows(page)).toEqual([
      ["X", "1", "m-same = no change", "3", "FR", "298", "1", "1", "2"],
      ["F", "2", "m-up ▲9 up 9 places", "3", "DE", "297", "11", "2", "2"],
      ["G", "3", "m-new NEW", "2", "", "194", "—", "3", "1"],
      ["E", "4", "m-up ▲6 up 6 places", "1", "GB", "100", "10", "4", "2"],
      ["A", "5", "m-down ▼3 down 3 places", "1", "", "98", "2", "2", "2"],
      ["B", "6", "m-down ▼3 down 3 places", "1", "", "98", "3", "3", "2"],
      ["H", "7", "m-new NEW", "1", "", "97", "—", "7", "1"],
    ]);
    expect(text(page)).toContain("No chart this week from: Japan.");
    expect(text(page)).toContain("3 of 4 regions charted");
    expect(text(site.html("/charts/global/2026-W10/index.html"))).toMatch(/first week of the global chart/);
  });

  it("lists the spreading sounds with the regions they entered, on the global page and the home page", () => {
    const expected = [
      "Sound 907 — Artist 907 · in 3 regions, up from 1: new in Germany, United Kingdom",
      "Sound 908 — Artist 908 · in 2 regions, up from 0: new in France, United Kingdom",
      "Sound 909 — Artist 909 · in 1 region, up from 0: new in Germany",
    ];
    const page = site.html("/charts/global/2026-W11/index.html");
    expect(spreadingItems(page, "Spreading")).toEqual(expected);
    expect(spreadingItems(site.html("/index.html"), "Spreading")).toEqual(expected);
    expect(text(site.html("/charts/global/2026-W10/index.html"))).toMatch(/No spreading list this week/);
  });

  it("puts the global #1 on the home page", () => {
    const home = text(site.html("/index.html")).replace(/\s+/g, " ");
    expect(home).toContain("Global #1, week 2026-W11");
    expect(home).toContain("Sound 901 — Artist 901, charting in 3 of 3 regions, #1 in France.");
  });

  it("serves the latest week at /charts/global/ and links every week, previous and next", () => {
    expect(globalRows(site.html("/charts/global/index.html"))[0]![0]).toBe("X");
    const weeks = byTag(site.html("/charts/global/weeks/index.html"), "a").map((a) => attr(a, "href"));
    expect(weeks).toEqual(expect.arrayContaining(["/charts/global/2026-W10/", "/charts/global/2026-W11/"]));
    const rel = (path: string, r: string) =>
      byTag(site.html(path), "a")
        .find((a) => attr(a, "rel") === r)
        ?.attrs.find((a) => a.name === "href")?.value;
    expect(rel("/charts/global/2026-W10/index.html", "next")).toBe("/charts/global/2026-W11/");
    expect(rel("/charts/global/2026-W11/index.html", "prev")).toBe("/charts/global/2026-W10/");
    expect(rel("/charts/global/2026-W10/index.html", "prev")).toBeUndefined();
    for (const href of weeks.filter((h) => h?.startsWith("/charts/global/")))
      expect(site.exists(fileOf(href!))).toBe(true);
  });

  it("recomputes a later week's LW, WKS and movement when an earlier week is backfilled", () => {
    const w10 = globalRows(backfilled.html("/charts/global/2026-W10/index.html"));
    expect(w10[0]).toEqual(["X", "1", "m-up ▲1 up 1 place", "3", "DE FR GB", "300", "2", "1", "2"]);
    const w11 = globalRows(backfilled.html("/charts/global/2026-W11/index.html"));
    expect(w11[2]).toEqual(["G", "3", "m-re RE re-entry", "2", "", "194", "—", "1", "2"]);
    expect(text(backfilled.html("/charts/global/2026-W10/index.html"))).not.toMatch(/first week of the global chart/);
  });
});
