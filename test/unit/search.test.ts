import { describe, expect, it } from "vitest";
import { foldedWords, foldForIndex, foldName, splitPieces } from "../../worker/search/fold";
import { MAX_PAGE, MAX_QUERY_TOKENS, parseSearch, planOf } from "../../worker/search/query";
import { keepWhole, mergedText } from "../../worker/search/step-rows";
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
    const hostile = `"love" NEAR(story*) {titles}: ^x -y +z 'a' (b) OR 1=1;--`;
    expect(foldedWords(hostile)).toEqual(["love", "nearstory", "titles", "x", "y", "z", "a", "b", "or", "11"]);
    expect(splitPieces(hostile)).toEqual(["near", "story", "1", "1"]);
  });

  it("joins a word that punctuation splits, and indexes its pieces on a line of their own", () => {
    expect(foldedWords("Don't Start Now")).toEqual(["dont", "start", "now"]);
    expect(foldForIndex("Don't Start Now")).toBe("dont start now\n~ don t");
    expect(foldForIndex("AC/DC")).toBe("acdc\n~ ac dc");
    expect(foldForIndex("P!nk")).toBe("pnk\n~ p nk");
    expect(foldForIndex("Don't Stop, Don")).toBe("dont stop don\n~ t");
    // A symbol between CJK characters leaves the same tokens either way: no pieces line.
    expect(foldForIndex("ハート♡ラブ")).toBe("ハ ー ト ラ フ");
  });

  it("spells letters without a Unicode decomposition in plain Latin", () => {
    expect(foldName("Miłość")).toBe("milosc");
    expect(foldName("Kırmızı İstanbul")).toBe("kirmizi istanbul");
    expect(foldName("Straße STRASSE")).toBe("strasse strasse");
    expect(foldName("Bjørk")).toBe("bjork");
    expect(foldName("Æon Œuvre Đorđe Þór Guðrún")).toBe("aeon oeuvre dorde thor gudrun");
  });

  it("makes Persian and Arabic letter variants one, drops tatweel, and reads Eastern digits as ASCII", () => {
    expect(foldName("کتاب")).toBe(foldName("كتاب"));
    expect(foldName("علی")).toBe(foldName("علي"));
    expect(foldName("على")).toBe(foldName("علي"));
    expect(foldName("مدرسة")).toBe(foldName("مدرسه"));
    expect(foldName("حبيـــبي")).toBe("حبيبي");
    expect(foldName("٢٠٢٤ ۱۴۰۳")).toBe("2024 1403");
  });

  it("cuts Thai, Lao, Khmer and Myanmar into words, so a word is found inside a title", () => {
    expect(foldName("ฉันรักเธอ").split(" ")).toContain(foldName("รัก"));
    expect(foldName("ຂ້ອຍຮັກເຈົ້າ").split(" ")).toContain(foldName("ຮັກ"));
    expect(foldName("ខ្ញុំស្រឡាញ់អ្នក").split(" ")).toContain(foldName("ស្រឡាញ់"));
    expect(foldName("ငါမင်းကိုချစ်တယ်").split(" ")).toContain(foldName("ချစ်"));
  });
});

describe("a search query", () => {
  it("becomes quoted phrases, the last one a prefix, CJK runs as phrases of characters", () => {
    expect(planOf(foldedWords('Love "Story'))).toEqual({
      anywhere: '{titles authors} : ("love" AND "story"*)',
      inTitles: '{titles} : ("love" AND "story"*)',
      folded: "love story",
      startsAfter: "love story",
      startsBefore: "love story\u{10FFFF}",
    });
    // A last token too short to be a prefix: names that start with the query's whole words.
    expect(planOf(foldedWords("東京"))).toMatchObject({ startsAfter: "東 京 ", startsBefore: "東 京 \u{10FFFF}" });
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
    // One "word" of 200 CJK characters is 200 tokens: refused; the longest allowed still runs.
    expect(parseSearch("愛".repeat(200), undefined)).toMatchObject({ kind: "invalid", message: /at most 40 words/ });
    expect(parseSearch("愛".repeat(MAX_QUERY_TOKENS + 1), undefined)).toMatchObject({ kind: "invalid" });
    expect(parseSearch("愛".repeat(MAX_QUERY_TOKENS), undefined)).toMatchObject({ kind: "words" });
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
  it("merges a sound's spellings' folds as the index's upsert does: each spelling's lines once, whole", () => {
    expect(mergedText(["dont\n~ don t", "dont", "love"])).toBe("dont\n~ don t\nlove");
    expect(mergedText(["dont", "dont\n~ don t"])).toBe("dont\ndont\n~ don t");
    expect(mergedText([])).toBe("");
  });

  it("writes whole sounds only, at least one", () => {
    const rows = ["1", "1", "2", "2", "2", "3"].map((clipId) => ({ clipId }));
    expect(keepWhole(rows, 6)).toHaveLength(6);
    expect(keepWhole(rows, 5).map((r) => r.clipId)).toEqual(["1", "1", "2", "2", "2"]);
    expect(keepWhole(rows, 4).map((r) => r.clipId)).toEqual(["1", "1"]);
    expect(keepWhole(rows, 1).map((r) => r.clipId)).toEqual(["1", "1"]);
  });
});
