import { describe, expect, it } from "vitest";
import type { HeldAnswers } from "../../worker/proxy/held-answers";
import { harness, TRENDING } from "./harness";

/** Resolves once `count` requests in all have asked `held` for a gate question or joined one. */
function watchAskers(held: HeldAnswers): (count: number) => Promise<void> {
  let seen = 0;
  const waiting: { count: number; resolve: () => void }[] = [];
  const ask = held.ask.bind(held);
  held.ask = (key, question) => {
    seen++;
    for (const w of waiting.filter((w) => seen >= w.count)) w.resolve();
    return ask(key, question);
  };
  return (count) => (seen >= count ? Promise.resolve() : new Promise((resolve) => waiting.push({ count, resolve })));
}

/** The colo cache, with the URL of every write made to it. */
function countingCache(cache: Cache): Cache & { puts: string[] } {
  const puts: string[] = [];
  return {
    puts,
    match: (request, options) => cache.match(request, options),
    delete: (request, options) => cache.delete(request, options),
    put: (request, response) => {
      puts.push(request instanceof Request ? request.url : String(request));
      return cache.put(request, response);
    },
  };
}

describe("one upstream call per question", () => {
  it("coalesces 200 concurrent questions from 200 instances for one cold key into exactly 1 upstream request", async () => {
    const h = await harness();
    // The one call is held at the fake until every instance's question has reached the gate.
    await h.upstream.script([{ hold: "call" }]);
    const asking = Array.from({ length: 200 }, () =>
      h.requestElsewhere(`${TRENDING}?region=FR`, { headers: { "CF-Connecting-IP": "203.0.113.7" } }),
    );
    await h.upstream.held("call", 1);
    await h.untilGateQuestions(200);
    await h.upstream.release("call");
    const responses = await Promise.all(asking);
    const bodies = await Promise.all(responses.map((r) => r.text()));
    expect(responses.map((r) => r.status)).toEqual(Array(200).fill(200));
    expect(new Set(bodies).size).toBe(1);
    expect(await h.upstream.count()).toBe(1);
    await h.upstream.assertNoUnexpected();
  });

  it("asks the gate once for concurrent requests of one instance for one cold key", async () => {
    const h = await harness();
    const asked = watchAskers(h.deps.held);
    await h.upstream.script([{ hold: "call" }]);
    const responses = Promise.all(Array.from({ length: 30 }, () => h.request(`${TRENDING}?region=FI`)));
    // Every request has reached the instance's question (asked it or joined it) before it is answered.
    await asked(30);
    await h.upstream.release("call");
    expect((await responses).map((r) => `${r.status} ${r.headers.get("X-Cache")}`)).toEqual(Array(30).fill("200 MISS"));
    expect((await h.gateStatus()).questions).toBe(1);
    expect(await h.upstream.count()).toBe(1);
  });

  it("writes a stampede's rendered answer to the colo cache once, not once per joiner", async () => {
    const h = await harness({}, { colo: true });
    const colo = countingCache(caches.default);
    h.deps.coloCache = () => colo;
    const asked = watchAskers(h.deps.held);
    await h.upstream.script([{ hold: "call" }]);
    const responses = Promise.all(Array.from({ length: 30 }, () => h.request(`${TRENDING}?region=NO`)));
    await asked(30);
    await h.upstream.release("call");
    expect(new Set((await responses).map((r) => `${r.status} ${r.headers.get("X-Cache")}`))).toEqual(
      new Set(["200 MISS"]),
    );
    await h.settle();
    expect(colo.puts.filter((url) => url.includes("/rendered-v1/"))).toHaveLength(1);
    expect(await h.upstream.count()).toBe(1);
  });

  it("serves every page/limit inside the first 20 rows from the one full page it fetched", async () => {
    const h = await harness();
    const first = await h.request(`${TRENDING}?region=JP`);
    const full = ((await first.json()) as { data: { sound_list: { clip_id: string }[] } }).data.sound_list;
    for (const [page, limit] of [
      [1, 1],
      [2, 5],
      [4, 5],
      [1, 13],
      [2, 10],
      [20, 1],
      [1, 20],
    ] as const) {
      const response = await h.request(`${TRENDING}?region=JP&page=${page}&limit=${limit}`);
      const body = (await response.json()) as {
        data: {
          pagination: { page: number; size: number; total: number; has_more: boolean };
          sound_list: { clip_id: string }[];
        };
      };
      expect(body.data.sound_list.map((s) => s.clip_id)).toEqual(
        full.slice((page - 1) * limit, page * limit).map((s) => s.clip_id),
      );
      expect(body.data.pagination).toEqual({ page, size: limit, total: 100, has_more: true });
    }
    expect(await h.upstream.count()).toBe(1);
    expect(await h.upstream.count({ page: "1", limit: "20" })).toBe(1);
  });

  it("asks the upstream only for full pages of 20 and stitches a window across two of them", async () => {
    const h = await harness();
    const response = await h.request(`${TRENDING}?region=BR&page=2&limit=15`);
    const body = (await response.json()) as { data: { pagination: unknown; sound_list: { rank: number }[] } };
    expect(body.data.sound_list.map((s) => s.rank)).toEqual(Array.from({ length: 15 }, (_, i) => 16 + i));
    expect(body.data.pagination).toEqual({ page: 2, size: 15, total: 100, has_more: true });
    const requests = await h.upstream.requests();
    expect(requests.map((r) => [r.query.page, r.query.limit])).toEqual([
      ["1", "20"],
      ["2", "20"],
    ]);
  });

  it("answers a page past a known total locally, with 0 upstream requests", async () => {
    const h = await harness();
    await h.request(`${TRENDING}?region=CA`);
    expect(await h.upstream.count()).toBe(1);
    const past = await h.request(`${TRENDING}?region=CA&page=6&limit=20`);
    const body = (await past.json()) as { code: number; data: { pagination: unknown; sound_list: unknown[] } };
    expect(past.status).toBe(200);
    expect(body.code).toBe(0);
    expect(body.data).toEqual({ pagination: { page: 6, size: 0, total: 100, has_more: false }, sound_list: [] });
    expect(await h.upstream.count()).toBe(1);
  });

  it("serves the last rows of the chart from page 5 and says there is no more", async () => {
    const h = await harness();
    const response = await h.request(`${TRENDING}?region=MX&page=10&limit=10`);
    const body = (await response.json()) as { data: { pagination: unknown; sound_list: { rank: number }[] } };
    expect(body.data.sound_list.map((s) => s.rank)).toEqual(Array.from({ length: 10 }, (_, i) => 91 + i));
    expect(body.data.pagination).toEqual({ page: 10, size: 10, total: 100, has_more: false });
    expect(await h.upstream.count({ page: "5" })).toBe(1);
    expect(await h.upstream.count()).toBe(1);
  });

  it("learns the total from page 1 (not the page itself) when asked past the top 100 on a cold chart", async () => {
    const h = await harness();
    const response = await h.request(`${TRENDING}?region=IS&page=100&limit=20`);
    const body = (await response.json()) as { data: { pagination: unknown; sound_list: unknown[] } };
    expect(body.data).toEqual({ pagination: { page: 100, size: 0, total: 100, has_more: false }, sound_list: [] });
    expect(await h.upstream.count()).toBe(1);
    expect(await h.upstream.count({ page: "1" })).toBe(1);
  });
});

describe("a filtered chart's short total is learnt before its later pages", () => {
  it("asks page 1 first, then answers the pages past its total without a call", async () => {
    const h = await harness();
    const pages = [5, 4, 3];
    const answers = [];
    for (const page of pages)
      answers.push(await h.requestAndSettle(`${TRENDING}?region=DE&new_to_top_100=true&page=${page}`));
    const total = ((await answers[0]!.json()) as { data: { pagination: { total: number } } }).data.pagination.total;
    expect(total).toBeLessThan(40); // the demo's new entries: a short chart
    expect(answers.map((r) => r.status)).toEqual([200, 200, 200]);
    // Page 1 once (it tells the total); pages 3–5 lie past it: no call for them.
    expect(await h.upstream.count()).toBe(1);
    expect(await h.upstream.count({ page: "1", new_to_top_100: "true" })).toBe(1);
  });
});
