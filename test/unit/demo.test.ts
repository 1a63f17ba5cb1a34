import { describe, expect, it } from "vitest";
import { REGIONS } from "../../worker/charts/regions";
import type { Sound } from "../../worker/charts/sound";
import type { UpstreamQuery } from "../../worker/proxy/keys";
import { demoAnswer } from "../../worker/upstream/demo";
import { successEnvelopeSchema } from "../../worker/upstream/schema";

const DAY = 86_400_000;
const WEEK = 7 * DAY;
/** Monday 2026-01-05, 01:00 UTC: just after a chart week ends, when the snapshot job runs. */
const AS_OF = Date.UTC(2026, 0, 5, 1);

function query(overrides: Partial<UpstreamQuery> = {}): UpstreamQuery {
  return {
    region: "US",
    period: 7,
    page: 1,
    limit: 20,
    newToTop100: false,
    commercialMusic: false,
    searchKeyword: null,
    ...overrides,
  };
}

/** The whole chart, five full pages as the proxy asks for it. */
function fullChart(overrides: Partial<UpstreamQuery>, asOf: number): Sound[] {
  const rows: Sound[] = [];
  for (let page = 1; page <= 5; page++) {
    rows.push(...demoAnswer(query({ ...overrides, page, limit: 20 }), asOf).data.sound_list);
  }
  return rows;
}

describe("demo source: wire format", () => {
  it.each([
    ["US", 7, false, false],
    ["DE", 30, false, true],
    ["JP", 120, false, false],
    ["SA", 7, true, false],
    ["BR", 30, true, true],
    ["KR", 7, false, false],
  ] as const)(
    "answers %s period %i (new %s, commercial %s) in the provider's envelope",
    (region, period, fresh, cml) => {
      const answer = demoAnswer(query({ region, period, newToTop100: fresh, commercialMusic: cml }), AS_OF);
      expect(successEnvelopeSchema.safeParse(answer).success).toBe(true);
      expect(answer.code).toBe(0);
      expect(answer.message).toBe("success");
      expect(answer.requestId).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    },
  );

  it("answers every region with a full top 100", () => {
    for (const region of REGIONS) {
      const answer = demoAnswer(query({ region, page: 5 }), AS_OF);
      expect(successEnvelopeSchema.safeParse(answer).success).toBe(true);
      expect(answer.data.pagination).toEqual({ page: 5, size: 20, total: 100, has_more: false });
      expect(answer.data.sound_list.every((sound) => sound.country_code === region)).toBe(true);
    }
  });

  it("fills every field with plausible values", () => {
    for (const sound of fullChart({ region: "FR" }, AS_OF)) {
      expect(sound.clip_id).toMatch(/^\d{19}$/);
      expect(BigInt(sound.clip_id) > BigInt(Number.MAX_SAFE_INTEGER)).toBe(true);
      expect(sound.song_id).toMatch(/^\d+$/);
      expect(sound.link).toBe(`https://www.tiktok.com/music/x-${sound.clip_id}`);
      expect(sound.url_title).toMatch(/^[A-Za-z0-9]+(-[A-Za-z0-9]+)*$/);
      expect(sound.cover).toMatch(/^https:\/\/p16-sg\.tiktokcdn\.com\/aweme\/720x720\/tos-alisg-v-2774\/\w+\.jpeg$/);
      expect(Number.isInteger(sound.duration) && sound.duration >= 5 && sound.duration <= 60).toBe(true);
      expect([1, 2, 3, 4]).toContain(sound.rank_diff_type);
      expect(sound.rank_diff ?? 0).toBeGreaterThanOrEqual(0);
      if (sound.rank_diff_type === 4 || sound.rank_diff_type === 2) expect(sound.rank_diff ?? 0).toBe(0);
      expect(sound.is_search).toBe(false);
      expect(sound.on_list_times).toBeNull();
      for (const item of sound.related_items ?? []) {
        expect(item.item_id).toMatch(/^\d{19}$/);
        expect(item.cover_uri).toMatch(/^https:\/\/p16-sg\.tiktokcdn\.com\/obj\//);
      }
    }
  });

  it("includes non-ASCII titles and authors", () => {
    const text = ["JP", "SA", "DE", "VN", "KR", "TR"]
      .flatMap((region) => fullChart({ region }, AS_OF))
      .map((sound) => `${sound.title} ${sound.author}`)
      .join("\n");
    for (const script of [/[äöüß]/, /[ãçéñ]/, /\p{Script=Hiragana}|\p{Script=Katakana}|\p{Script=Han}/u]) {
      expect(text).toMatch(script);
    }
    for (const script of [
      /\p{Script=Hangul}/u,
      /\p{Script=Arabic}/u,
      /[ğışİ]/,
      /[ơưđ]/i,
      /\p{Extended_Pictographic}/u,
    ]) {
      expect(text).toMatch(script);
    }
  });

  it("gives a trend point per day at 00:00 UTC over the period, scaled to a maximum of 1", () => {
    const endOfDay = Math.floor(AS_OF / DAY) * 86_400;
    for (const period of [7, 30, 120] as const) {
      for (const sound of demoAnswer(query({ region: "GB", period }), AS_OF).data.sound_list) {
        expect(sound.trend).toHaveLength(period);
        expect(sound.trend.at(-1)?.time).toBe(endOfDay);
        sound.trend.forEach((point, i) => {
          expect(point.time % 86_400).toBe(0);
          expect(point.time).toBe(endOfDay - (period - 1 - i) * 86_400);
          expect(point.value >= 0 && point.value <= 1).toBe(true);
          expect(Math.round(point.value * 100) / 100).toBe(point.value);
        });
        expect(Math.max(...sound.trend.map((point) => point.value))).toBe(1);
      }
    }
  });
});

describe("demo source: determinism and pagination", () => {
  it("gives identical bytes for the same question on the same UTC day", () => {
    const first = JSON.stringify(demoAnswer(query({ region: "MX", page: 2 }), AS_OF));
    expect(JSON.stringify(demoAnswer(query({ region: "MX", page: 2 }), AS_OF + 20 * 3_600_000))).toBe(first);
    expect(JSON.stringify(demoAnswer(query({ region: "MX", page: 2 }), AS_OF + DAY))).not.toBe(first);
  });

  it("splits the top 100 into five pages of 20 distinct sounds ranked 1..100", () => {
    const rows = fullChart({ region: "DE" }, AS_OF);
    expect(rows.map((sound) => sound.rank)).toEqual(Array.from({ length: 100 }, (_, i) => i + 1));
    expect(new Set(rows.map((sound) => sound.clip_id)).size).toBe(100);
  });

  it("slices any page size consistently with the full pages", () => {
    const rows = fullChart({ region: "IT" }, AS_OF);
    const answer = demoAnswer(query({ region: "IT", page: 4, limit: 7 }), AS_OF);
    expect(answer.data.pagination).toEqual({ page: 4, size: 7, total: 100, has_more: true });
    expect(answer.data.sound_list.map((sound) => sound.clip_id)).toEqual(rows.slice(21, 28).map((s) => s.clip_id));
    const last = demoAnswer(query({ region: "IT", page: 15, limit: 7 }), AS_OF);
    expect(last.data.pagination).toEqual({ page: 15, size: 2, total: 100, has_more: false });
  });

  it("answers a page past the total with an empty list", () => {
    const answer = demoAnswer(query({ region: "NL", page: 6 }), AS_OF);
    expect(successEnvelopeSchema.safeParse(answer).success).toBe(true);
    expect(answer.data.pagination).toEqual({ page: 6, size: 0, total: 100, has_more: false });
    expect(answer.data.sound_list).toEqual([]);
  });
});

describe("demo source: filters", () => {
  it("lists only commercial music, ranked within the filter", () => {
    const rows = fullChart({ region: "ES", commercialMusic: true }, AS_OF);
    expect(rows.length).toBeGreaterThan(0);
    expect(rows.every((sound) => sound.if_cml)).toBe(true);
    expect(rows.map((sound) => sound.rank)).toEqual(rows.map((_, i) => i + 1));
  });

  it("lists only sounds that entered the top 100 in the last 7 days", () => {
    const before = new Set(fullChart({ region: "PL" }, AS_OF - WEEK).map((sound) => sound.clip_id));
    const now = new Set(fullChart({ region: "PL" }, AS_OF).map((sound) => sound.clip_id));
    const fresh = fullChart({ region: "PL", newToTop100: true }, AS_OF);
    const expected = [...now].filter((id) => !before.has(id));
    expect(fresh.map((sound) => sound.clip_id).sort()).toEqual(expected.sort());
    const page1 = demoAnswer(query({ region: "PL", newToTop100: true }), AS_OF).data.pagination;
    expect(page1.total).toBe(expected.length);
    expect(fresh.every((sound) => sound.rank_diff_type === 4)).toBe(true);
  });

  it("searches titles and authors case-insensitively within the chart", () => {
    const chart = fullChart({ region: "US" }, AS_OF);
    const word = (chart.find((sound) => /^[A-Za-z]{4,}/.test(sound.title))?.title ?? "").slice(0, 4).toLowerCase();
    const hits = fullChart({ region: "US", searchKeyword: word }, AS_OF);
    const expected = chart.filter((s) => `${s.title}\n${s.author}`.toLowerCase().includes(word));
    expect(hits.map((sound) => sound.clip_id)).toEqual(expected.map((sound) => sound.clip_id));
    expect(hits.map((sound) => sound.rank)).toEqual(hits.map((_, i) => i + 1));
    const none = demoAnswer(query({ region: "US", searchKeyword: "zzzz-no-such-sound" }), AS_OF);
    expect(none.data).toEqual({ pagination: { page: 1, size: 0, total: 0, has_more: false }, sound_list: [] });
  });
});

describe("demo source: week-over-week realism", () => {
  const WEEKS = 12;

  function weeklyCharts(region: string): string[][] {
    return Array.from({ length: WEEKS }, (_, w) => fullChart({ region }, AS_OF + w * WEEK).map((s) => s.clip_id));
  }

  it("debuts 5–30 sounds a week and brings some back after a week away", () => {
    let reEntries = 0;
    for (const region of ["US", "DE", "BR", "JP"]) {
      const charts = weeklyCharts(region);
      const seen = new Set(charts[0]);
      for (let w = 1; w < WEEKS; w++) {
        const previous = new Set(charts[w - 1]);
        const current = charts[w] ?? [];
        const debuts = current.filter((id) => !seen.has(id)).length;
        expect(debuts).toBeGreaterThanOrEqual(5);
        expect(debuts).toBeLessThanOrEqual(30);
        reEntries += current.filter((id) => seen.has(id) && !previous.has(id)).length;
        for (const id of current) seen.add(id);
      }
    }
    expect(reEntries).toBeGreaterThan(0);
  });
});

describe("demo source: sounds shared across regions, as on real charts", () => {
  /** Every region's top 100 at `asOf`: 355 answers. */
  const chartsAt = (asOf: number) => new Map(REGIONS.map((region) => [region, fullChart({ region }, asOf)]));
  let memo: Map<string, Sound[]> | null = null;
  /** This week's charts, built once and shared by these tests. */
  const charts = () => {
    memo ??= chartsAt(AS_OF);
    return memo;
  };

  /** How many regions each sound charts in. */
  function regionsCharting(byRegion: Map<string, Sound[]>, top = 100): Map<string, number> {
    const counts = new Map<string, number>();
    for (const rows of byRegion.values()) {
      for (const sound of rows.slice(0, top)) counts.set(sound.clip_id, (counts.get(sound.clip_id) ?? 0) + 1);
    }
    return counts;
  }

  const chartingInAtLeast = (byRegion: Map<string, Sound[]>, regions: number) =>
    new Set([...regionsCharting(byRegion)].filter(([, n]) => n >= regions).map(([id]) => id));

  function shared(a: string, b: string): number {
    const ids = new Set((charts().get(a) ?? []).map((sound) => sound.clip_id));
    return (charts().get(b) ?? []).filter((sound) => ids.has(sound.clip_id)).length;
  }

  it("puts a handful of worldwide hits on most of the 71 charts, some of them near the top", () => {
    const counts = [...regionsCharting(charts()).values()];
    expect(Math.max(...counts)).toBeGreaterThanOrEqual(50);
    expect(counts.filter((n) => n >= 40).length).toBeGreaterThanOrEqual(5);
    expect(Math.max(...regionsCharting(charts(), 10).values())).toBeGreaterThanOrEqual(20);
  });

  it("shares more between neighbours that share a language than between distant markets", () => {
    for (const [a, b] of [
      ["DE", "AT"],
      ["DE", "CH"],
      ["ES", "MX"],
      ["AR", "MX"],
      ["BR", "PT"],
      ["SA", "AE"],
    ] as const) {
      expect(shared(a, b), `${a}–${b}`).toBeGreaterThanOrEqual(15);
    }
    expect(shared("DE", "AT")).toBeGreaterThan(2 * shared("DE", "JP"));
    expect(shared("ES", "MX")).toBeGreaterThan(2 * shared("ES", "KR"));
  });

  it("keeps every chart mostly its own", () => {
    const counts = regionsCharting(charts());
    for (const [region, rows] of charts()) {
      const onlyHere = rows.filter((sound) => counts.get(sound.clip_id) === 1).length;
      expect(onlyHere, region).toBeGreaterThanOrEqual(30);
    }
    for (const [a, b] of [
      ["DE", "AT"],
      ["BR", "PT"],
      ["US", "GB"],
      ["CH", "LU"],
    ] as const) {
      expect(shared(a, b), `${a}–${b}`).toBeLessThanOrEqual(60);
    }
  });

  it("gives a shared sound the same identity everywhere, and each region its own country_code and rank", () => {
    const identity = (s: Sound) => [s.clip_id, s.song_id, s.title, s.author, s.link, s.url_title, s.cover, s.duration];
    const wide = chartingInAtLeast(charts(), 20);
    expect(wide.size).toBeGreaterThan(0);
    for (const id of wide) {
      const copies = [...charts()].flatMap(([region, rows]) =>
        rows.filter((sound) => sound.clip_id === id).map((sound) => ({ region, sound })),
      );
      for (const { region, sound } of copies) {
        expect(identity(sound)).toEqual(identity(copies[0]?.sound as Sound));
        expect(sound.country_code).toBe(region);
      }
      expect(new Set(copies.map(({ sound }) => sound.rank)).size).toBeGreaterThan(1);
    }
  });

  it("keeps most worldwide hits from one week to the next, and turns them over within two months", () => {
    const now = chartingInAtLeast(charts(), 40);
    const stillWide = (asOf: number) => {
      const later = chartingInAtLeast(chartsAt(asOf), 40);
      return [...now].filter((id) => later.has(id)).length;
    };
    expect(stillWide(AS_OF + WEEK)).toBeGreaterThanOrEqual(now.size / 2);
    expect(stillWide(AS_OF + 8 * WEEK)).toBeLessThanOrEqual(now.size / 2);
  });
});
