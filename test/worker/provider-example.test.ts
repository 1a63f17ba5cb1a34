import { describe, expect, it } from "vitest";
import { PROVIDER_EXAMPLE, providerChartPage, providerChartSound } from "../fixtures/provider-example";
import { harness, TRENDING } from "./harness";

interface Answer {
  code: number;
  message: string;
  data: {
    pagination: { page: number; size: number; total: number; has_more: boolean };
    sound_list: { rank: number; clip_id: string }[];
  };
  requestId: string;
}

/**
 * Every id in the Worker's wire text, per field, as the exact string of digits it was sent as: an id
 * that became a number on the way would have lost digits or its quotes.
 */
function idsInText(text: string): Record<string, string[]> {
  const ids: Record<string, string[]> = { clip_id: [], song_id: [], item_id: [] };
  for (const [, field = "", digits = ""] of text.matchAll(/"(clip_id|song_id|item_id)":"(\d+)"/g)) {
    ids[field]?.push(digits);
  }
  return ids;
}

describe("the provider's own response example", () => {
  it("reaches the client with the same values when asked the example's own question", async () => {
    const h = await harness();
    await h.upstream.script([{ times: 1, match: { region: "US", page: "1", limit: "20" }, body: PROVIDER_EXAMPLE }]);
    const response = await h.request(`${TRENDING}?region=US&page=1&limit=1`);
    expect(response.status).toBe(200);
    const text = await response.text();
    const body = JSON.parse(text) as Answer;
    expect(body.code).toBe(0);
    expect(body.message).toBe("success");
    expect(body.data).toEqual(PROVIDER_EXAMPLE.data);
    expect(idsInText(text)).toEqual({
      clip_id: ["6703723351497508865"],
      song_id: ["6703723270476138498"],
      item_id: [],
    });
    expect(await h.upstream.count()).toBe(1);
    await h.upstream.assertNoUnexpected();
  });

  it("keeps the example's pagination when the whole first page is asked for", async () => {
    const h = await harness();
    await h.upstream.script([{ times: 1, match: { page: "1" }, body: PROVIDER_EXAMPLE }]);
    const body = (await (await h.request(`${TRENDING}?region=US`)).json()) as Answer;
    expect(body.data.pagination).toEqual({ page: 1, size: 1, total: 99, has_more: true });
    expect(body.data.sound_list).toEqual(PROVIDER_EXAMPLE.data.sound_list);
    await h.upstream.assertNoUnexpected();
  });
});

describe("a 99-sound chart in the provider's shape", () => {
  async function chartOf99() {
    const h = await harness();
    await h.upstream.script(
      [1, 2, 3, 4, 5].map((page) => ({
        times: 1,
        match: { region: "DE", page: String(page), limit: "20" },
        body: providerChartPage(page, 99, "DE"),
      })),
    );
    return h;
  }

  const ranks = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => from + i);

  it.each([
    // [page, limit, ranks served, has_more]
    [5, 20, ranks(81, 99), false],
    [10, 10, ranks(91, 99), false],
    [9, 11, ranks(89, 99), false],
    [4, 25, ranks(61, 80), true],
    [2, 49, ranks(21, 40), true],
    [33, 3, ranks(97, 99), false],
    [1, 20, ranks(1, 20), true],
  ])("serves page %i limit %i with pagination recomputed for total 99", async (page, limit, served, hasMore) => {
    const h = await chartOf99();
    const response = await h.request(`${TRENDING}?region=DE&page=${page}&limit=${limit}`);
    expect(response.status).toBe(200);
    const text = await response.text();
    const body = JSON.parse(text) as Answer;
    expect(body.data.pagination).toEqual({ page, size: served.length, total: 99, has_more: hasMore });
    expect(body.data.sound_list.map((s) => s.rank)).toEqual(served);
    expect(body.data.sound_list).toEqual(served.map((rank) => providerChartSound(rank, "DE")));
    const sent = served.map((rank) => providerChartSound(rank, "DE"));
    expect(idsInText(text)).toEqual({
      clip_id: sent.map((sound) => sound.clip_id),
      song_id: sent.map((sound) => sound.song_id),
      item_id: sent.flatMap((sound) => (sound.related_items ?? []).map((item) => item.item_id)),
    });
    await h.upstream.assertNoUnexpected();
  });

  it("keeps entries without rank_diff as they came", async () => {
    const h = await chartOf99();
    const body = (await (await h.request(`${TRENDING}?region=DE&page=1&limit=10`)).json()) as Answer;
    const seventh = body.data.sound_list[6] as Record<string, unknown>;
    expect(seventh.rank).toBe(7);
    expect("rank_diff" in seventh).toBe(false);
    expect(seventh.rank_diff_type).toBe(4);
  });

  it("answers pages past 99 locally once the total is known", async () => {
    const h = await chartOf99();
    await h.request(`${TRENDING}?region=DE&page=5&limit=20`);
    expect(await h.upstream.count()).toBe(1);
    for (const [page, limit] of [
      [6, 20],
      [100, 1],
      [34, 3],
    ] as const) {
      const body = (await (await h.request(`${TRENDING}?region=DE&page=${page}&limit=${limit}`)).json()) as Answer;
      expect(body.data).toEqual({ pagination: { page, size: 0, total: 99, has_more: false }, sound_list: [] });
    }
    expect(await h.upstream.count({ page: "1" })).toBe(1);
    expect(await h.upstream.count()).toBe(2);
    await h.upstream.assertNoUnexpected();
  });
});
