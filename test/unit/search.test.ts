import { describe, expect, it } from "vitest";
import { keepWhole } from "../../worker/search/step-rows";
import { foldForIndex, foldedWords } from "../../worker/search/fold";
import { MAX_PAGE, parseSearch, planOf } from "../../worker/search/query";
import { renderSearchPage, searchUrl } from "../../worker/views/search-page";

/** The pure side of search (issue 17): the fold shared by index and query, query parsing, the page. */
describe("the search fold", () => {
  it("drops case and diacritics in every script, keeping Hangul syllables whole", () => {
    expect(foldForIndex("Canción del Verano")).toBe("cancion del verano");
    expect(foldForIndex("ÉTÉ À PARIS — Ça va?")).toBe("ete a paris ca va");
    expect(foldForIndex("Ёлка, ЙОД")).toBe("елка иод");
    expect(foldForIndex("حَبِيبِي يا نور")).toBe("حبيبي يا نور");
    expect(foldForIndex("사랑해요")).toBe("사랑해요");
    expect(foldForIndex("ﬁnal Ｔｏｋｙｏ")).toBe("final tokyo");
  });

  it("makes each Han, Hiragana and Katakana character a token of its own", () => {
    expect(foldForIndex("夜に駆ける")).toBe("夜 に 駆 け る");
    expect(foldForIndex("東京の夜 (Remix)")).toBe("東 京 の 夜 remix");
    expect(foldForIndex("ハート♡ラブ")).toBe("ハ ー ト ラ フ");
    expect(foldForIndex("愛情 DJ阿凱")).toBe("愛 情 dj 阿 凱");
  });

  it("leaves nothing of FTS5's syntax: only letters and digits make words", () => {
    expect(foldedWords(`"love" NEAR(story*) {titles}: ^x -y +z 'a' (b) OR 1=1;--`)).toEqual([
      "love",
      "near",
      "story",
      "titles",
      "x",
      "y",
      "z",
      "a",
      "b",
      "or",
      "1",
      "1",
    ]);
  });
});

describe("a search query", () => {
  it("becomes quoted phrases, the last one a prefix, CJK runs as phrases of characters", () => {
    expect(planOf(foldedWords('Love "Story'))).toEqual({
      anywhere: '{titles authors} : ("love" AND "story"*)',
      inTitles: '{titles} : ("love" AND "story"*)',
      folded: "love story",
    });
    expect(planOf(foldedWords("東京 NEAR"))?.anywhere).toBe('{titles authors} : ("東 京" AND "near"*)');
    expect(planOf(foldedWords("love a"))?.anywhere).toBe('{titles authors} : ("love" AND "a")');
    expect(planOf(foldedWords("東京"))?.anywhere).toBe('{titles authors} : ("東 京")');
    expect(planOf(foldedWords("*** ()"))).toBeNull();
  });

  it("is normalised, and refused when too long, full of controls or words, or on a page out of range", () => {
    expect(parseSearch(undefined, undefined)).toEqual({ kind: "empty" });
    expect(parseSearch("  \t ", undefined)).toEqual({ kind: "empty" });
    expect(parseSearch("  Cafe\u0301   del  mar ", "2")).toMatchObject({
      kind: "words",
      query: "Café del mar",
      page: 2,
    });
    expect(parseSearch("x".repeat(10_000), undefined)).toMatchObject({ kind: "invalid" });
    expect(parseSearch("x".repeat(201), undefined)).toMatchObject({ kind: "invalid" });
    expect(parseSearch("x".repeat(200), undefined)).toMatchObject({ kind: "words" });
    expect(parseSearch("a\u0000b", undefined)).toMatchObject({ kind: "invalid" });
    expect(parseSearch("a\r\n\tb", undefined)).toMatchObject({ kind: "words", query: "a b" });
    expect(parseSearch("1 2 3 4 5 6 7 8 9 10 11", undefined)).toMatchObject({ kind: "invalid" });
    for (const page of ["0", String(MAX_PAGE + 1), "01a", "", "1e1"])
      expect(parseSearch("love", page), page).toMatchObject({ kind: "invalid" });
    expect(parseSearch("love", String(MAX_PAGE))).toMatchObject({ kind: "words", page: MAX_PAGE });
  });

  it("recognises a pasted clip id or TikTok music link", () => {
    expect(parseSearch(" 7300000000000000001 ", undefined)).toMatchObject({
      kind: "clip",
      clipId: "7300000000000000001",
    });
    expect(parseSearch("https://www.tiktok.com/music/Nachtzug-7300000000000000001?lang=de", undefined)).toMatchObject({
      kind: "clip",
      clipId: "7300000000000000001",
    });
    expect(parseSearch("1989", undefined)).toMatchObject({ kind: "words" });
  });
});

describe("the search page", () => {
  it("escapes the query and every title, with right-to-left text in bdi", () => {
    const page = renderSearchPage({
      kind: "results",
      query: `<b>"x"</b>`,
      page: 1,
      results: {
        hits: [
          {
            clipId: "7300000000000000001",
            title: "<script>alert(1)</script>",
            author: "حبيبي",
            regions: ["DE", "EG"],
            bestRank: 3,
            firstWeek: "2026-W01",
            lastWeek: "2026-W09",
          },
        ],
        total: 1,
        truncated: false,
        indexing: false,
      },
    });
    expect(page.title.value).toBe("Search: &lt;b&gt;&quot;x&quot;&lt;/b&gt;");
    expect(page.path).toBe("/search?q=%3Cb%3E%22x%22%3C%2Fb%3E");
    expect(page.main.value).not.toContain("<script>");
    expect(page.main.value).toContain("<bdi>&lt;script&gt;alert(1)&lt;/script&gt;</bdi>");
    expect(page.main.value).toContain("<td><bdi>حبيبي</bdi></td>");
    expect(page.main.value).toContain('value="&lt;b&gt;&quot;x&quot;&lt;/b&gt;"');
  });

  it("links pages by the query's own address", () => {
    expect(searchUrl("love story")).toBe("/search?q=love+story");
    expect(searchUrl("a&b", 3)).toBe("/search?q=a%26b&page=3");
  });
});

describe("a backfill step", () => {
  it("writes whole sounds only, at least one", () => {
    const rows = ["1", "1", "2", "2", "2", "3"].map((clipId) => ({ clipId }));
    expect(keepWhole(rows, 6)).toHaveLength(6);
    expect(keepWhole(rows, 5).map((r) => r.clipId)).toEqual(["1", "1", "2", "2", "2"]);
    expect(keepWhole(rows, 4).map((r) => r.clipId)).toEqual(["1", "1"]);
    expect(keepWhole(rows, 1).map((r) => r.clipId)).toEqual(["1", "1"]);
  });
});
