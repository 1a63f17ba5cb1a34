import { describe, expect, it } from "vitest";
import { type DerivedRow, SITE_PROJECTION, type SnapshotRow, toSiteChart } from "../../worker/archive/rows";

/**
 * A site build keeps the charts it read from /api/site/charts and reads again only what changed,
 * unless `projection` differs from the version they were read under. So a change to what the route
 * answers for the same stored data must bump SITE_PROJECTION.version: this test holds the
 * projection of a fixed input to the hash recorded beside the version, and fails on any change.
 */

/** Stored as the upstream sent it: fields the projection drops, untrimmed trend values, odd text. */
const ENTRIES = [
  {
    rank: 1,
    rank_diff: 2,
    rank_diff_type: 1,
    clip_id: "7234567890123456789",
    song_id: "7234567890123456780",
    title: 'Song "one" <b>&amp;</b> \u00e9\u0301 \u{1F3B5}',
    author: "Artist\u00a0One",
    link: "https://www.tiktok.com/music/song-one-7234567890123456789",
    url_title: "song-one",
    cover: "https://p16-sign.tiktokcdn.com/cover-1.jpeg",
    duration: 30.5,
    country_code: "DE",
    if_cml: true,
    promoted: false,
    trend: [
      { time: 1767225600, value: 0.123456 },
      { time: 1767312000, value: 1 },
      { time: 1767398400, value: 0.0005 },
    ],
    is_search: false,
    on_list_times: 3,
    related_items: [{ item_id: "1", cover_uri: "https://p16-sign.tiktokcdn.com/item-1.jpeg" }],
    provider_extra: { nested: [1, 2] },
  },
  {
    rank: 2,
    clip_id: "42",
    song_id: "43",
    title: "",
    author: "javascript:alert(1)",
    link: "http://example.com/not-tiktok",
    url_title: "",
    cover: "",
    duration: 0,
    country_code: "DE",
    if_cml: false,
    promoted: true,
    trend: [],
    is_search: null,
    on_list_times: null,
    related_items: null,
  },
];

const SNAPSHOT: SnapshotRow & { changed: number } = {
  source: "keyapi",
  region: "DE",
  week: "2026-W05",
  fetched_at: 1_769_904_000_123,
  entries: JSON.stringify(ENTRIES),
  changed: 1_770_000_000_456,
};

const DERIVED: DerivedRow[] = [
  {
    clip_id: "42",
    last_week: null,
    peak: 2,
    weeks_on_chart: 1,
    first_week: "2026-W05",
    movement: "new",
    change: null,
  },
  {
    clip_id: "7234567890123456789",
    last_week: 3,
    peak: 1,
    weeks_on_chart: 4,
    first_week: "2026-W02",
    movement: "up",
    change: 2,
  },
];

async function sha256(text: string): Promise<string> {
  const digest = await crypto.subtle.digest("SHA-256", new TextEncoder().encode(text));
  return [...new Uint8Array(digest)].map((byte) => byte.toString(16).padStart(2, "0")).join("");
}

describe("the site projection's version", () => {
  it("is bumped whenever the projection of the same stored data changes", async () => {
    const hash = await sha256(JSON.stringify(toSiteChart(SNAPSHOT, DERIVED)));
    expect(
      hash,
      "What /api/site/charts answers for the same stored data changed. If that is intended, bump " +
        "SITE_PROJECTION.version in worker/archive/rows.ts (so builds read their kept charts again) " +
        `and set its fixtureHash to "${hash}".`,
    ).toBe(SITE_PROJECTION.fixtureHash);
  });
});
