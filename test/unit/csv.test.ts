import { describe, expect, it } from "vitest";
import { CHART_CSV_HEADER, type CsvChartEntry, chartCsv, toCsv } from "../../worker/charts/csv";
import { stripXmlForbidden } from "../../worker/charts/sanitize";

/** A strict RFC 4180 reader, independent of the writer, to prove what a consumer gets back. */
function parseCsv(text: string): string[][] {
  const records: string[][] = [];
  let record: string[] = [];
  let i = 0;
  while (i < text.length) {
    let value = "";
    if (text[i] === '"') {
      for (i += 1; !(text[i] === '"' && text[i + 1] !== '"'); i += 1) {
        if (i >= text.length) throw new Error("unterminated quoted field");
        if (text[i] === '"') i += 1;
        value += text[i];
      }
      i += 1;
    } else {
      for (; i < text.length && !/[,\r\n"]/.test(text[i] ?? ""); i += 1) value += text[i];
    }
    record.push(value);
    if (text[i] === ",") {
      i += 1;
    } else if (text.startsWith("\r\n", i)) {
      records.push(record);
      record = [];
      i += 2;
    } else {
      throw new Error(`unexpected ${JSON.stringify(text[i])} at ${i}`);
    }
  }
  if (record.length > 0) throw new Error("last record not terminated");
  return records;
}

describe("toCsv", () => {
  it("ends every record, the last one too, in CRLF", () => {
    expect(toCsv(["a", "b"], [[1, 2]])).toBe("a,b\r\n1,2\r\n");
    expect(toCsv(["a"], [])).toBe("a\r\n");
  });

  it("quotes fields holding a comma, a quote, CR or LF and doubles inner quotes", () => {
    expect(toCsv(["x"], [["a,b"], ['say "hi"'], ["two\nlines"], ["cr\rhere"], ["crlf\r\n"]])).toBe(
      'x\r\n"a,b"\r\n"say ""hi"""\r\n"two\nlines"\r\n"cr\rhere"\r\n"crlf\r\n"\r\n',
    );
  });

  it("writes null and undefined empty, numbers and booleans as text", () => {
    expect(toCsv(["a", "b", "c", "d", "e", "f"], [[null, undefined, 0, -3, 1.5, true]])).toBe(
      "a,b,c,d,e,f\r\n,,0,-3,1.5,true\r\n",
    );
  });

  it("leaves unicode alone", () => {
    const title = "Ünïcödé 🎵 日本語 — مرحبا";
    expect(toCsv(["t"], [[title]])).toBe(`t\r\n${title}\r\n`);
  });

  it("defuses text a spreadsheet would run as a formula, but not numbers", () => {
    const rows = [['=HYPERLINK("http://x")'], ["+1"], ["-hi"], ["@SUM(A1)"], ["\tx"], ["a=b"], [-2]];
    expect(parseCsv(toCsv(["t"], rows)).slice(1)).toEqual([
      ['\'=HYPERLINK("http://x")'],
      ["'+1"],
      ["'-hi"],
      ["'@SUM(A1)"],
      ["'\tx"],
      ["a=b"],
      ["-2"],
    ]);
    expect(toCsv(["t"], [["=1,2"]])).toBe('t\r\n"\'=1,2"\r\n');
  });

  it("round-trips awkward values through an independent reader", () => {
    const row = ['""', ",", "a\r\nb", 'a"b,c\nd', "", "🎵", "trailing space "];
    expect(parseCsv(toCsv(["1", "2", "3", "4", "5", "6", "7"], [row]))).toEqual([
      ["1", "2", "3", "4", "5", "6", "7"],
      row,
    ]);
  });
});

describe("chartCsv", () => {
  const entry: CsvChartEntry = {
    rank: 3,
    lastWeek: 1,
    peak: 1,
    weeksOnChart: 4,
    movement: "down",
    change: -2,
    firstWeek: "2026-W44",
    clip_id: "7412345678901234567",
    song_id: "7400000000000000001",
    title: 'Song, "Live"',
    author: "=cmd|' /C calc'!A0",
    duration: 60,
    if_cml: true,
    promoted: false,
    link: "https://www.tiktok.com/music/x-7412345678901234567",
    cover: "https://p16-sign.tiktokcdn.com/cover.jpeg",
  };

  it("starts with the documented header", () => {
    const csv = chartCsv({ entries: [] });
    expect(csv).toBe(
      "rank,last_week,peak,weeks_on_chart,movement,change,first_week,clip_id,song_id,title,author,duration,if_cml,promoted,link,cover\r\n",
    );
    expect(CHART_CSV_HEADER).toHaveLength(16);
  });

  it("writes one row per entry with upstream and derived fields", () => {
    const newEntry = { ...entry, rank: 4, lastWeek: null, movement: "new" as const, change: null };
    const [, first, second] = parseCsv(chartCsv({ entries: [entry, newEntry] }));
    expect(first).toEqual([
      "3",
      "1",
      "1",
      "4",
      "down",
      "-2",
      "2026-W44",
      "7412345678901234567",
      "7400000000000000001",
      'Song, "Live"',
      "'=cmd|' /C calc'!A0",
      "60",
      "true",
      "false",
      "https://www.tiktok.com/music/x-7412345678901234567",
      "https://p16-sign.tiktokcdn.com/cover.jpeg",
    ]);
    expect(second?.slice(0, 7)).toEqual(["4", "", "1", "4", "new", "", "2026-W44"]);
  });
});

describe("stripXmlForbidden", () => {
  it("removes C0 controls other than tab, LF and CR", () => {
    expect(stripXmlForbidden("a\u0000b\u0008c\u000Bd\u000Ce\u001Ff")).toBe("abcdef");
    expect(stripXmlForbidden("tab\tlf\ncr\r")).toBe("tab\tlf\ncr\r");
  });

  it("removes U+FFFE, U+FFFF and lone surrogates but keeps real astral characters", () => {
    expect(stripXmlForbidden("x\uFFFEy\uFFFFz")).toBe("xyz");
    expect(stripXmlForbidden("a\uD800b\uDC00c")).toBe("abc");
    expect(stripXmlForbidden("\uDE00\uD83D")).toBe("");
    expect(stripXmlForbidden("🎵 \uD83C\uDFB5 \u{10FFFF}")).toBe("🎵 🎵 \u{10FFFF}");
  });

  it("keeps everything XML 1.0 allows", () => {
    const allowed = "Ünï 日本 \u007F\u0085\uE000\uFFFD\uD7FF";
    expect(stripXmlForbidden(allowed)).toBe(allowed);
  });
});
