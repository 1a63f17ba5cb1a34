import { describe, expect, it } from "vitest";
import type { Sound } from "../../worker/charts/sound";
import { assembleChart, SNAPSHOT_PAGES, sanitizeSound } from "../../worker/jobs/assemble";
import type { UpstreamQuery } from "../../worker/proxy/keys";
import { demoAnswer } from "../../worker/upstream/demo";

/** Monday 2026-01-05, 01:00 UTC: when the snapshot job runs. */
const AS_OF = Date.UTC(2026, 0, 5, 1);

type Page = { page: number; total: number; rows: Sound[] };

function demoPage(page: number, overrides: Partial<UpstreamQuery> = {}): Page {
  const query: UpstreamQuery = {
    region: "US",
    period: 7,
    page,
    limit: 20,
    newToTop100: false,
    commercialMusic: false,
    searchKeyword: null,
    ...overrides,
  };
  const { pagination, sound_list } = demoAnswer(query, AS_OF).data;
  return { page, total: pagination.total, rows: sound_list };
}

function demoPages(overrides: Partial<UpstreamQuery> = {}): Page[] {
  return [1, 2, 3, 4, 5].map((page) => demoPage(page, overrides));
}

function rowOf(pages: Page[], page: number, index: number): Sound {
  const row = pages[page - 1]?.rows[index];
  if (row === undefined) throw new Error(`no row ${index} on page ${page}`);
  return row;
}

describe("assembleChart", () => {
  it("takes five pages per chart", () => {
    expect(SNAPSHOT_PAGES).toBe(5);
  });

  it("assembles five demo pages into 100 entries ranked 1..100", () => {
    const pages = demoPages();
    const result = assembleChart("US", pages);
    if (!result.ok) throw new Error(result.reason);
    expect(result.entries).toHaveLength(100);
    expect(result.entries.map((e) => e.rank)).toEqual(Array.from({ length: 100 }, (_, i) => i + 1));
    expect(result.entries).toEqual(pages.flatMap((p) => p.rows));
  });

  it("assembles pages given in any order", () => {
    const pages = demoPages();
    const shuffled = [pages[3], pages[0], pages[4], pages[2], pages[1]] as Page[];
    const result = assembleChart("US", shuffled);
    expect(result.ok).toBe(true);
    if (result.ok) expect(result.entries.map((e) => e.rank).slice(0, 3)).toEqual([1, 2, 3]);
  });

  it("keeps only the top 100 when the upstream reports a larger total", () => {
    const pages = demoPages().map((p) => ({ ...p, total: 400 }));
    const result = assembleChart("US", pages);
    expect(result.ok && result.entries.length).toBe(100);
  });

  it("assembles a short chart whose rows match its total", () => {
    const pages = demoPages().slice(0, 2);
    const rows = pages.flatMap((p) => p.rows).slice(0, 37);
    const result = assembleChart("US", [
      { page: 1, total: 37, rows: rows.slice(0, 20) },
      { page: 2, total: 37, rows: rows.slice(20) },
    ]);
    expect(result.ok && result.entries.length).toBe(37);
  });

  it("refuses a chart with a missing page", () => {
    const pages = demoPages().filter((p) => p.page !== 3);
    expect(assembleChart("US", pages)).toEqual({ ok: false, reason: "expected 100 entries, got 80" });
  });

  it("refuses a chart missing its last page", () => {
    expect(assembleChart("US", demoPages().slice(0, 4))).toMatchObject({ ok: false });
  });

  it("refuses a chart with one row fewer than its total", () => {
    const pages = demoPages();
    const last = pages[4] as Page;
    pages[4] = { ...last, rows: last.rows.slice(0, 19) };
    expect(assembleChart("US", pages)).toEqual({ ok: false, reason: "expected 100 entries, got 99" });
  });

  it("refuses a chart with a page given twice in place of another", () => {
    const pages = demoPages();
    pages[1] = { ...(pages[0] as Page) };
    expect(assembleChart("US", pages)).toMatchObject({ ok: false });
  });

  it("refuses a chart in which a sound appears twice", () => {
    const pages = demoPages();
    const repeated = rowOf(pages, 1, 0).clip_id;
    const page3 = pages[2] as Page;
    pages[2] = { ...page3, rows: page3.rows.map((row, i) => (i === 5 ? { ...row, clip_id: repeated } : row)) };
    expect(assembleChart("US", pages)).toEqual({ ok: false, reason: "a sound appears twice" });
  });

  it("refuses a chart whose ranks are out of order", () => {
    const pages = demoPages();
    const page2 = pages[1] as Page;
    const rows = [...page2.rows];
    [rows[3], rows[4]] = [rows[4] as Sound, rows[3] as Sound];
    pages[1] = { ...page2, rows };
    expect(assembleChart("US", pages)).toEqual({ ok: false, reason: "ranks are not 1..n in page order" });
  });

  it("refuses a chart whose ranks skip a number", () => {
    const pages = demoPages();
    const page4 = pages[3] as Page;
    pages[3] = { ...page4, rows: page4.rows.map((row, i) => (i === 0 ? { ...row, rank: 200 } : row)) };
    expect(assembleChart("US", pages)).toMatchObject({ ok: false, reason: "ranks are not 1..n in page order" });
  });

  it("refuses an empty chart", () => {
    expect(assembleChart("US", [{ page: 1, total: 0, rows: [] }])).toMatchObject({ ok: false });
    expect(assembleChart("US", [])).toMatchObject({ ok: false });
    const result = assembleChart(
      "US",
      [1, 2, 3, 4, 5].map((page) => ({ page, total: 100, rows: [] })),
    );
    expect(result).toMatchObject({ ok: false });
    if (!result.ok) expect(result.reason).toMatch(/empty/);
  });

  it("sanitizes the entries it returns", () => {
    const pages = demoPages();
    const page1 = pages[0] as Page;
    pages[0] = {
      ...page1,
      rows: page1.rows.map((row, i) => (i === 0 ? { ...row, title: `\u0000${row.title}\u0007` } : row)),
    };
    const result = assembleChart("US", pages);
    if (!result.ok) throw new Error(result.reason);
    expect(result.entries[0]?.title).toBe(rowOf(demoPages(), 1, 0).title);
  });
});

describe("sanitizeSound", () => {
  const clean = rowOf(demoPages(), 1, 0);

  it("leaves a clean demo sound unchanged", () => {
    expect(sanitizeSound(clean)).toEqual(clean);
  });

  it("removes XML-forbidden control characters from title and author", () => {
    const dirty: Sound = { ...clean, title: "a\u0000b\u0007c\u001Fd", author: "x\uFFFEy\uFFFFz\u000Bw\u000C" };
    const result = sanitizeSound(dirty);
    expect(result.title).toBe("abcd");
    expect(result.author).toBe("xyzw");
  });

  it("removes lone surrogates but keeps emoji", () => {
    const dirty: Sound = { ...clean, title: "🎵 a\uD800b\uDC00c 😀", author: "\uDE00\uD83Cok 👍🏽" };
    const result = sanitizeSound(dirty);
    expect(result.title).toBe("🎵 abc 😀");
    expect(result.author).toBe("ok 👍🏽");
  });

  it("keeps tabs, newlines and carriage returns", () => {
    const dirty: Sound = { ...clean, title: "line one\nline\ttwo\r\n" };
    expect(sanitizeSound(dirty).title).toBe("line one\nline\ttwo\r\n");
  });

  it("keeps non-Latin text and characters at the edges of the allowed ranges", () => {
    const title = "愛してる · Ünïcödé \u0020\uD7FF\uE000\uFFFD\u{10000}\u{10FFFF}";
    expect(sanitizeSound({ ...clean, title }).title).toBe(title);
  });

  it("cleans strings in nested arrays and objects, including unknown upstream fields", () => {
    const dirty = {
      ...clean,
      related_items: [{ item_id: "1\u0000", cover_uri: "https://cdn.example.test/\u0007x" }],
      extra: { nested: ["a\uD800", { deep: "b\u0001" }] },
    } as Sound;
    const result = sanitizeSound(dirty) as Sound & { extra: unknown };
    expect(result.related_items).toEqual([{ item_id: "1", cover_uri: "https://cdn.example.test/x" }]);
    expect(result.extra).toEqual({ nested: ["a", { deep: "b" }] });
  });

  it("keeps numbers, booleans and nulls as they are", () => {
    const sound: Sound = { ...clean, rank_diff: null, related_items: null, on_list_times: 3, promoted: true };
    const result = sanitizeSound(sound);
    expect(result).toMatchObject({
      rank: clean.rank,
      duration: clean.duration,
      rank_diff: null,
      related_items: null,
      on_list_times: 3,
      promoted: true,
      if_cml: clean.if_cml,
      trend: clean.trend,
    });
  });

  it("does not modify the sound it is given", () => {
    const dirty: Sound = { ...clean, title: "a\u0000b", related_items: [{ item_id: "1\u0007", cover_uri: "c" }] };
    const copy = structuredClone(dirty);
    sanitizeSound(dirty);
    expect(dirty).toEqual(copy);
  });
});
