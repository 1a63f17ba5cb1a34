import { describe, expect, it } from "vitest";
import type { Sound } from "../../worker/charts/sound";
import { UPSTREAM_PAGE_SIZE } from "../../worker/proxy/keys";
import { type FullPageRows, fullPagesFor, isPastTotal, sliceWindow } from "../../worker/proxy/slice";

function sound(rank: number): Sound {
  return {
    rank,
    clip_id: String(7_000_000_000 + rank),
    song_id: String(6_000_000_000 + rank),
    title: `Sound ${rank}`,
    author: "Someone",
    link: `https://www.tiktok.com/music/x-${7_000_000_000 + rank}`,
    url_title: `sound-${rank}`,
    cover: "https://example.test/cover.jpeg",
    duration: 30,
    country_code: "US",
    if_cml: false,
    promoted: false,
    trend: [],
  };
}

/** Full page `page` of a chart with `total` rows, as the upstream would send it. */
function fullPage(page: number, total: number): FullPageRows {
  const rows: Sound[] = [];
  for (let i = (page - 1) * 20; i < Math.min(total, page * 20); i++) rows.push(sound(i + 1));
  return { page, total, rows };
}

function ranks(rows: Sound[]): number[] {
  return rows.map((row) => row.rank);
}

describe("fullPagesFor", () => {
  it("assumes upstream pages of 20", () => {
    expect(UPSTREAM_PAGE_SIZE).toBe(20);
  });

  it("names exactly the full pages a window touches, for every page 1..100 and limit 1..20", () => {
    for (let page = 1; page <= 100; page++) {
      for (let limit = 1; limit <= 20; limit++) {
        const touched = new Set<number>();
        for (let row = (page - 1) * limit; row < page * limit; row++) touched.add(Math.floor(row / 20) + 1);
        const expected = [...touched].sort((a, b) => a - b);
        expect(fullPagesFor(page, limit), `page ${page}, limit ${limit}`).toEqual(expected);
      }
    }
  });

  it("never needs more than two full pages", () => {
    for (let page = 1; page <= 100; page++) {
      for (let limit = 1; limit <= 20; limit++) expect(fullPagesFor(page, limit).length).toBeLessThanOrEqual(2);
    }
  });

  it("maps a full-size request onto the same full page", () => {
    expect(fullPagesFor(1, 20)).toEqual([1]);
    expect(fullPagesFor(5, 20)).toEqual([5]);
  });

  it("spans two full pages when the window crosses a boundary", () => {
    expect(fullPagesFor(2, 15)).toEqual([1, 2]);
    expect(fullPagesFor(3, 7)).toEqual([1, 2]);
  });
});

describe("isPastTotal", () => {
  it("is false for pages that start before the total", () => {
    expect(isPastTotal(1, 1)).toBe(false);
    expect(isPastTotal(5, 100)).toBe(false);
    expect(isPastTotal(5, 81)).toBe(false);
  });

  it("is true for pages that start at or past the total", () => {
    expect(isPastTotal(5, 80)).toBe(true);
    expect(isPastTotal(6, 100)).toBe(true);
    expect(isPastTotal(2, 20)).toBe(true);
    expect(isPastTotal(1, 0)).toBe(true);
  });
});

describe("sliceWindow", () => {
  it("serves a window inside one full page", () => {
    const result = sliceWindow(2, 5, [fullPage(1, 100)]);
    expect(ranks(result.sound_list)).toEqual([6, 7, 8, 9, 10]);
    expect(result.pagination).toEqual({ page: 2, size: 5, total: 100, has_more: true });
  });

  it("serves a whole full page unchanged", () => {
    const page = fullPage(3, 100);
    const result = sliceWindow(3, 20, [page]);
    expect(result.sound_list).toEqual(page.rows);
    expect(result.pagination).toEqual({ page: 3, size: 20, total: 100, has_more: true });
  });

  it("joins a window across two full pages in rank order, whatever order they are given in", () => {
    const result = sliceWindow(2, 15, [fullPage(2, 100), fullPage(1, 100)]);
    expect(ranks(result.sound_list)).toEqual([16, 17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30]);
    expect(result.pagination).toEqual({ page: 2, size: 15, total: 100, has_more: true });
  });

  it("serves every window of a chart of 100 from the pages fullPagesFor names", () => {
    const pages = [1, 2, 3, 4, 5].map((p) => fullPage(p, 100));
    for (let limit = 1; limit <= 20; limit++) {
      for (let page = 1; page * limit <= 100; page++) {
        const needed = fullPagesFor(page, limit).map((p) => pages[p - 1] as FullPageRows);
        const result = sliceWindow(page, limit, needed);
        const expected = Array.from({ length: limit }, (_, i) => (page - 1) * limit + i + 1);
        expect(ranks(result.sound_list), `page ${page}, limit ${limit}`).toEqual(expected);
        expect(result.pagination.has_more).toBe(page * limit < 100);
      }
    }
  });

  it("says there is no more on the last window of the chart", () => {
    const result = sliceWindow(10, 10, [fullPage(5, 100)]);
    expect(ranks(result.sound_list)).toEqual([91, 92, 93, 94, 95, 96, 97, 98, 99, 100]);
    expect(result.pagination).toEqual({ page: 10, size: 10, total: 100, has_more: false });
  });

  it("answers a window past the end with no rows and no more", () => {
    const result = sliceWindow(6, 20, [fullPage(6, 100)]);
    expect(result).toEqual({ pagination: { page: 6, size: 0, total: 100, has_more: false }, sound_list: [] });
  });

  it("answers a window past the end with the total from any page known", () => {
    const result = sliceWindow(11, 10, [fullPage(5, 99)]);
    expect(result.pagination).toEqual({ page: 11, size: 0, total: 99, has_more: false });
  });

  it("serves a short last page of a chart of 99", () => {
    const last = fullPage(5, 99);
    expect(last.rows).toHaveLength(19);
    const whole = sliceWindow(5, 20, [last]);
    expect(ranks(whole.sound_list)).toEqual(Array.from({ length: 19 }, (_, i) => 81 + i));
    expect(whole.pagination).toEqual({ page: 5, size: 19, total: 99, has_more: false });
    const tail = sliceWindow(10, 10, [last]);
    expect(ranks(tail.sound_list)).toEqual([91, 92, 93, 94, 95, 96, 97, 98, 99]);
    expect(tail.pagination).toEqual({ page: 10, size: 9, total: 99, has_more: false });
  });

  it("reports has_more only while rows remain past the window in a chart of 99", () => {
    const result = sliceWindow(9, 11, [fullPage(5, 99)]);
    expect(ranks(result.sound_list)).toEqual([89, 90, 91, 92, 93, 94, 95, 96, 97, 98, 99]);
    expect(result.pagination).toEqual({ page: 9, size: 11, total: 99, has_more: false });
    const before = sliceWindow(8, 11, [fullPage(4, 99), fullPage(5, 99)]);
    expect(ranks(before.sound_list)).toEqual([78, 79, 80, 81, 82, 83, 84, 85, 86, 87, 88]);
    expect(before.pagination).toEqual({ page: 8, size: 11, total: 99, has_more: true });
  });

  it("answers an empty chart with no rows and a total of 0", () => {
    const result = sliceWindow(1, 20, [{ page: 1, total: 0, rows: [] }]);
    expect(result).toEqual({ pagination: { page: 1, size: 0, total: 0, has_more: false }, sound_list: [] });
  });

  it("answers with a total of 0 when given no pages at all", () => {
    expect(sliceWindow(3, 10, [])).toEqual({
      pagination: { page: 3, size: 0, total: 0, has_more: false },
      sound_list: [],
    });
  });
});
