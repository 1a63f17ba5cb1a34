// The request mixes of the credit scenarios: deterministic (seeded), so every run asks the same.

/** A small seeded PRNG (mulberry32): the same mix on every run and machine. */
export function seeded(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Ranks 0..n-1 drawn with probability ∝ 1 / (rank + 1)^s. */
export function zipf(n, s, random) {
  const weights = Array.from({ length: n }, (_, i) => 1 / (i + 1) ** s);
  const total = weights.reduce((a, b) => a + b, 0);
  const cumulative = [];
  let sum = 0;
  for (const w of weights) {
    sum += w / total;
    cumulative.push(sum);
  }
  return () => {
    const x = random();
    const i = cumulative.findIndex((c) => c >= x);
    return i === -1 ? n - 1 : i;
  };
}

const REGIONS = ["US", "GB", "DE", "FR", "BR", "JP", "KR", "MX", "ID", "TR"];
const PERIODS = [7, 30, 120];
const FILTERS = [
  { new_to_top_100: false, commercial_music: false },
  { new_to_top_100: true, commercial_music: false },
  { new_to_top_100: false, commercial_music: true },
  { new_to_top_100: true, commercial_music: true },
];

/** 120 distinct charts: region × period × filters, as query parameters. */
export function charts() {
  const list = [];
  for (const region of REGIONS)
    for (const period of PERIODS) for (const filter of FILTERS) list.push({ region, period, ...filter });
  return list;
}

export const chartQuery = (chart) =>
  `region=${chart.region}&period=${chart.period}&new_to_top_100=${chart.new_to_top_100}&commercial_music=${chart.commercial_music}`;

/** Upstream pages hold 20 rows; the top 100 is five of them (docs/upstream.md). */
const FULL_PAGE = 20;
const LIMITS = [1, 2, 3, 5, 7, 10, 12, 15, 20, 20, 20, 25, 50];

/** Rows [start, end) of a client's page/limit (a limit over 20 is served as 20, as upstream). */
export function rowsOf(page, limit) {
  const size = Math.min(limit, FULL_PAGE);
  return { start: (page - 1) * size, end: page * size };
}

/** The full upstream pages holding rows [start, end), 1-based. */
export function fullPagesOf({ start, end }) {
  const pages = [];
  for (let p = Math.floor(start / FULL_PAGE) + 1; p <= Math.floor((end - 1) / FULL_PAGE) + 1; p++) pages.push(p);
  return pages;
}

/**
 * `count` requests over the 120 charts, Zipf-skewed (s = 1.1, shuffled so the popular charts are
 * not all one region), every page/limit mix within the top 100 plus a few windows past a chart's end.
 */
export function zipfMix(count, seed = 20261130) {
  const random = seeded(seed);
  const list = charts();
  for (let i = list.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [list[i], list[j]] = [list[j], list[i]];
  }
  const pick = zipf(list.length, 1.1, random);
  return Array.from({ length: count }, () => {
    const chart = list[pick()];
    const limit = LIMITS[Math.floor(random() * LIMITS.length)];
    const lastPage = Math.min(100, Math.ceil(100 / Math.min(limit, FULL_PAGE)));
    const page = 1 + Math.floor(random() * (lastPage + (random() < 0.05 ? 1 : 0)));
    return { chart, page: Math.min(page, 100), limit };
  });
}

/** Full pages of the top 100: a cache knows without asking that nothing lies past page 5. */
const TOP_PAGES = 5;

/**
 * The fewest upstream requests any cache of full pages could have made for these requests:
 * per chart, every full page with rows that some request's window touched; a chart touched only
 * past its end still needs one page to learn its total.
 * - withPage1: what a cache that learns each chart's total from page 1 before any later page pays
 *   (the Worker's policy): one more for each chart whose clients asked only for later pages.
 * - direct: what asking every touched page of the top 100 directly pays: a page past a short
 *   chart's end is a request too, answered empty.
 */
export function minimumRequests(requests, totalOf) {
  const pagesByChart = new Map();
  const touchedByChart = new Map();
  for (const { chart, page, limit } of requests) {
    const key = chartQuery(chart);
    const total = totalOf(key);
    const needed = pagesByChart.get(key) ?? new Set();
    const touched = touchedByChart.get(key) ?? new Set();
    for (const p of fullPagesOf(rowsOf(page, limit))) {
      if ((p - 1) * FULL_PAGE < total) needed.add(p);
      if (p <= TOP_PAGES) touched.add(p);
    }
    pagesByChart.set(key, needed);
    touchedByChart.set(key, touched);
  }
  let minimum = 0;
  let withPage1 = 0;
  let direct = 0;
  for (const [key, pages] of pagesByChart) {
    minimum += Math.max(1, pages.size);
    withPage1 += pages.has(1) ? pages.size : pages.size + 1;
    direct += Math.max(1, touchedByChart.get(key)?.size ?? 0);
  }
  return { minimum, withPage1, direct, charts: pagesByChart.size };
}
