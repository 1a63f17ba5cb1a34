// Requests that must cost nothing (invalid input, cache-busting parameters) and spellings that
// must share one upstream request per real question (docs/http.md "The edge JSON endpoint — contract").

/**
 * Spellings of five real questions, each inside full page 1 of its chart: `key` names the
 * question; all spellings of one key must cost one upstream request together.
 */
export const VARIANTS = [
  // DE, period 7, unfiltered, page 1.
  ["de7", "region=DE"],
  ["de7", "region=de"],
  ["de7", "region=De&period=7"],
  ["de7", "period=007&region=DE&page=01&limit=020"],
  ["de7", "region=%44E&limit=5"],
  ["de7", "region=DE&new_to_top_100=FALSE&commercial_music=false&search_keyword="],
  ["de7", "region=DE&search_keyword=FALSE&limit=25"],
  ["de7", "region=DE&search_keyword=false&page=2&limit=10"],
  ["de7", "commercial_music=False&region=dE&new_to_top_100=false&period=7&page=1&limit=20"],
  ["de7", "region=DE&limit=100"],
  // US, period 30, commercial only.
  ["us30c", "region=US&period=30&commercial_music=true"],
  ["us30c", "region=us&period=30&commercial_music=TRUE&limit=10"],
  ["us30c", "commercial_music=True&period=030&region=US&page=2&limit=10"],
  // JP, period 120, new to the top 100 (a short chart).
  ["jp120n", "region=JP&period=120&new_to_top_100=true"],
  ["jp120n", "region=jp&period=120&new_to_top_100=TRUE&limit=3"],
  // BR, period 7, a keyword: trimmed, inner spaces collapsed, case-folded for the key.
  ["brkw", "region=BR&search_keyword=love%20song"],
  ["brkw", "region=BR&search_keyword=Love+Song"],
  ["brkw", "region=br&search_keyword=%20%20LOVE%20%20%20song%20"],
  // No parameters at all: the provider's defaults (US, period 7, page 1, limit 20).
  ["us7", ""],
  ["us7", "region=US&period=7"],
];

/** Invalid questions: each must be a 400 in the envelope and reach nobody. `{i}` = request number. */
export const INVALID = [
  "region=XX",
  "region=UK",
  "region=D",
  "region=DEU",
  "region=",
  "region=DE&region=FR",
  "region=12",
  "region=%ZZ",
  "region=%E0%A4%A",
  "period=14",
  "period=7.0",
  "period=-7",
  "period=1e1",
  "period=+7",
  "period=0x7",
  "period=",
  "page=0",
  "page=101",
  "page=-1",
  "page=1.5",
  "page=%201",
  "page=abc",
  "limit=0",
  "limit=-5",
  "limit=1e1",
  "limit=0x10",
  "limit=",
  "new_to_top_100=yes",
  "new_to_top_100=1",
  "new_to_top_100=",
  "commercial_music=maybe",
  "search_keyword=%01",
  "search_keyword=%00abc",
  `search_keyword=${"a".repeat(51)}`,
  "=x",
  "region=DE&=1",
  // Cache-busting and tracking parameters: unknown names are refused, never a new cache key.
  "region=DE&_={i}",
  "region=DE&cb={i}",
  "region=DE&t={i}",
  "region=DE&utm_source=bench&utm_campaign={i}",
  "region=DE&callback=cb{i}",
  "region=DE&REGION=DE",
  "region=DE&Page=2",
];

/** Request i of the mix: invalid and variant requests interleaved, 3 invalid for every 2 variants. */
export function invalidMix(i) {
  if (i % 5 < 3) {
    const n = Math.floor(i / 5) * 3 + (i % 5);
    return { kind: "invalid", query: INVALID[n % INVALID.length].replaceAll("{i}", String(i)) };
  }
  const n = Math.floor(i / 5) * 2 + (i % 5) - 3;
  const [key, query] = VARIANTS[n % VARIANTS.length];
  return { kind: "variant", key, query };
}

export const REAL_KEYS = new Set(VARIANTS.map(([key]) => key)).size;
