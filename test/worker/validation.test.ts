import { createExecutionContext, waitOnExecutionContext } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { createApp } from "../../worker/app";
import { productionDeps } from "../../worker/app-env";
import { expectErrorEnvelope } from "./envelope";
import { type Harness, TRENDING, harness } from "./harness";

interface Sound {
  clip_id: string;
}
interface Success {
  code: number;
  message: string;
  data: { pagination: { page: number; size: number; total: number; has_more: boolean }; sound_list: Sound[] };
  requestId: string;
}

/** Asserts the provider's error envelope with the given status, and returns its message. */
async function expectEnvelope(response: Response, status: number): Promise<string> {
  return (await expectErrorEnvelope(response, status)).message;
}

const LONG_KEYWORD = "a".repeat(51);

const INVALID: [string, string][] = [
  ["an unknown parameter", "region=US&foo=bar"],
  ["a parameter name in the wrong case", "Region=US"],
  ["a repeated parameter with different values", "region=US&region=DE"],
  ["a repeated parameter with the same value", "region=US&region=US"],
  ["a repeated page", "region=US&page=1&page=2"],
  ["a region outside the 71 (XX)", "region=XX"],
  ["a region outside the 71 (UK, it is GB)", "region=UK"],
  ["a region outside the 71 (IN)", "region=IN"],
  ["a malformed region (one letter)", "region=U"],
  ["a malformed region (three letters)", "region=USA"],
  ["a malformed region (a digit)", "region=1"],
  ["a non-ASCII region that upper-cases to a code (ﬁ → FI)", "region=%EF%AC%81"],
  ["a non-ASCII region that upper-cases to a code (dotless ı + t → IT)", "region=%C4%B1t"],
  ["an empty region", "region="],
  ["an empty period", "period="],
  ["an empty page", "page="],
  ["an empty limit", "limit="],
  ["an empty new_to_top_100", "new_to_top_100="],
  ["an empty commercial_music", "commercial_music="],
  ["a flag without a value", "new_to_top_100"],
  ["period 14", "period=14"],
  ["period 0", "period=0"],
  ["period -7", "period=-7"],
  ["period 7.0", "period=7.0"],
  ["period 1e1", "period=1e1"],
  ["period 0x7", "period=0x7"],
  ["period with a leading space", "period=%207"],
  ["period with a plus sign", "period=%2B7"],
  ["period with a raw plus (a space once decoded)", "period=+7"],
  ["period 365", "period=365"],
  ["page 0", "page=0"],
  ["page 101", "page=101"],
  ["page -1", "page=-1"],
  ["page 1.5", "page=1.5"],
  ["page abc", "page=abc"],
  ["limit 0", "limit=0"],
  ["limit -5", "limit=-5"],
  ["limit 2e1", "limit=2e1"],
  ["new_to_top_100=yes", "new_to_top_100=yes"],
  ["new_to_top_100=1", "new_to_top_100=1"],
  ["commercial_music with a trailing space", "commercial_music=TRUE%20"],
  ["a keyword of 51 characters", `search_keyword=${LONG_KEYWORD}`],
  ["a keyword of only spaces", "search_keyword=%20%20%20"],
  ["a keyword with NUL", "search_keyword=a%00b"],
  ["a keyword with a line feed", "search_keyword=a%0Ab"],
  ["a keyword with a tab", "search_keyword=a%09b"],
  ["a keyword with US (0x1F)", "search_keyword=a%1Fb"],
  ["a keyword with DEL", "search_keyword=a%7Fb"],
  ["a keyword with a C1 control", "search_keyword=a%C2%85b"],
  ["a repeated search_keyword", "search_keyword=a&search_keyword=b"],
  ["a keyword that is not valid percent-encoded UTF-8 (%FF)", "search_keyword=%FF"],
  ["a keyword with a truncated UTF-8 sequence", "search_keyword=caf%C3"],
  ["a keyword with a bare percent sign", "search_keyword=100%"],
  ["a region with a broken escape", "region=%ZZ"],
  ["a parameter without a name", "region=US&=x"],
  ["several invalid parameters at once", "region=XX&period=14&page=0&limit=-1&commercial_music=yes&foo=1"],
];

describe("invalid input", () => {
  it.each(INVALID)("answers 400 in the envelope for %s, costing 0 upstream requests", async (_name, query) => {
    const h = await harness();
    const response = await h.request(`${TRENDING}?${query}`);
    await expectEnvelope(response, 400);
    expect(await h.upstream.count()).toBe(0);
  });

  it("names every problem when several parameters are invalid", async () => {
    const h = await harness();
    const message = await expectEnvelope(await h.request(`${TRENDING}?region=XX&period=14&page=0&foo=1`), 400);
    expect(message).toMatch(/region/);
    expect(message).toMatch(/period/);
    expect(message).toMatch(/page/);
    expect(message).toMatch(/foo/);
    expect(await h.upstream.count()).toBe(0);
  });

  it("answers 400 for invalid input even on a HEAD request, costing nothing", async () => {
    const h = await harness();
    const response = await h.request(`${TRENDING}?region=XX`, { method: "HEAD" });
    expect(response.status).toBe(400);
    expect(await h.upstream.count()).toBe(0);
  });
});

/** Requests each path (settling background work) and returns the parsed bodies and raw texts. */
async function ask(h: Harness, paths: string[]): Promise<{ path: string; text: string; body: Success }[]> {
  const out: { path: string; text: string; body: Success }[] = [];
  for (const path of paths) {
    const response = await h.requestAndSettle(path);
    expect(response.status, path).toBe(200);
    const text = await response.text();
    out.push({ path, text, body: JSON.parse(text) as Success });
  }
  return out;
}

describe("valid spellings of the same question", () => {
  it("answers every spelling of the default US chart from 1 upstream request with identical bytes", async () => {
    const h = await harness();
    const spellings = [
      "region=US",
      "region=us",
      "region=Us",
      "",
      "period=7&region=US",
      "region=US&period=7",
      "region=US&period=7&page=1&limit=20&new_to_top_100=false&commercial_music=FALSE&search_keyword=FALSE",
      "search_keyword=FALSE&commercial_music=false&new_to_top_100=FALSE&limit=20&page=1&period=7&region=us",
      "new_to_top_100=False&commercial_music=fAlSe",
      "region=US&search_keyword=",
      "region=US&search_keyword=false",
      "region=US&period=007",
      "region=US&page=01",
      "region=US&limit=020",
    ].map((q) => (q ? `${TRENDING}?${q}` : TRENDING));
    const answers = await ask(h, spellings);
    for (const answer of answers) expect(answer.text, answer.path).toBe(answers[0]?.text);
    expect(answers[0]?.body.data.sound_list).toHaveLength(20);
    expect(answers[0]?.body.data.pagination).toMatchObject({ page: 1, size: 20 });
    expect(await h.upstream.count()).toBe(1);
    expect(await h.upstream.count({ region: "US", period: "7", page: "1", limit: "20" })).toBe(1);
  });

  it("treats a keyword that normalises to false as no search", async () => {
    const h = await harness();
    const [plain, padded, shouted] = await ask(h, [
      `${TRENDING}?region=US`,
      `${TRENDING}?region=US&search_keyword=%20false%20`,
      `${TRENDING}?region=US&search_keyword=FALSE%20%20`,
    ]);
    expect(padded?.text).toBe(plain?.text);
    expect(shouted?.text).toBe(plain?.text);
    expect(await h.upstream.count()).toBe(1);
  });

  it("clamps limit=500 to 20 rows without another upstream request", async () => {
    const h = await harness();
    const [full, clamped] = await ask(h, [`${TRENDING}?region=US`, `${TRENDING}?region=US&limit=500`]);
    expect(clamped?.body.data.pagination.size).toBe(20);
    expect(clamped?.body.data.sound_list).toEqual(full?.body.data.sound_list);
    expect(await h.upstream.count()).toBe(1);
  });

  it("serves every page/limit window inside the first 20 rows by slicing 1 upstream request", async () => {
    const h = await harness();
    const [full] = await ask(h, [`${TRENDING}?region=US`]);
    const rows = full?.body.data.sound_list ?? [];
    const total = full?.body.data.pagination.total ?? 0;
    expect(rows).toHaveLength(20);
    const windows: [number, number][] = [];
    for (let limit = 1; limit <= 20; limit++) windows.push([1, limit]);
    for (let page = 1; page <= 4; page++) windows.push([page, 5]);
    windows.push([2, 10], [20, 1], [10, 2], [6, 3], [5, 4], [2, 7]);
    for (const [page, limit] of windows) {
      const [answer] = await ask(h, [`${TRENDING}?region=us&page=${page}&limit=${limit}`]);
      const offset = (page - 1) * limit;
      const expected = rows.slice(offset, offset + limit);
      expect(answer?.body.data.sound_list, `page=${page} limit=${limit}`).toEqual(expected);
      expect(answer?.body.data.pagination).toEqual({
        page,
        size: expected.length,
        total,
        has_more: offset + expected.length < total,
      });
    }
    expect(await h.upstream.count()).toBe(1);
  });
});

describe("keyword normalisation", () => {
  it("sends one upstream search for every spacing and case of the same keyword", async () => {
    const h = await harness();
    const answers = await ask(h, [
      `${TRENDING}?region=US&search_keyword=%20Hello%20%20World%20`,
      `${TRENDING}?region=US&search_keyword=hello%20world`,
      `${TRENDING}?region=US&search_keyword=HELLO+WORLD`,
      `${TRENDING}?region=US&search_keyword=Hello%C2%A0World`,
    ]);
    for (const answer of answers) expect(answer.text, answer.path).toBe(answers[0]?.text);
    expect(await h.upstream.count()).toBe(1);
    const [sent] = await h.upstream.requests();
    expect(sent?.query.search_keyword).toBe("hello world");
  });

  it("sends one upstream search, in NFC, for the NFC and NFD spellings of café", async () => {
    const h = await harness();
    const nfc = encodeURIComponent("café".normalize("NFC"));
    const nfd = encodeURIComponent("café".normalize("NFD"));
    expect(nfc).not.toBe(nfd);
    const answers = await ask(h, [
      `${TRENDING}?region=FR&search_keyword=${nfc}`,
      `${TRENDING}?region=FR&search_keyword=${nfd}`,
      `${TRENDING}?region=FR&search_keyword=CAF%C3%89`,
    ]);
    for (const answer of answers) expect(answer.text, answer.path).toBe(answers[0]?.text);
    expect(await h.upstream.count()).toBe(1);
    const [sent] = await h.upstream.requests();
    expect(sent?.query.search_keyword).toBe("café".normalize("NFC"));
  });

  it("sends a keyword holding & and = as one value, never as extra upstream parameters", async () => {
    const h = await harness();
    const response = await h.request(`${TRENDING}?region=US&search_keyword=a%26region%3DJP%26page%3D5`);
    expect(response.status).toBe(200);
    const requests = await h.upstream.requests();
    expect(requests).toHaveLength(1);
    expect(requests[0]?.query).toMatchObject({ region: "US", page: "1", search_keyword: "a&region=jp&page=5" });
  });

  it("accepts a percent sign written as %25 in a keyword", async () => {
    const h = await harness();
    const response = await h.request(`${TRENDING}?region=US&search_keyword=100%25`);
    expect(response.status).toBe(200);
    expect(await h.upstream.count({ search_keyword: "100%" })).toBe(1);
  });

  it("accepts a keyword of exactly 50 characters", async () => {
    const h = await harness();
    const keyword = "b".repeat(50);
    const response = await h.request(`${TRENDING}?region=US&search_keyword=${keyword}`);
    expect(response.status).toBe(200);
    expect(await h.upstream.count({ search_keyword: keyword })).toBe(1);
  });
});

describe("data source and configuration", () => {
  it("answers 503 not configured with Retry-After when DATA_SOURCE=keyapi has no key, costing 0 requests", async () => {
    const h = await harness({ KEYAPI_KEY: "" });
    const response = await h.request(`${TRENDING}?region=US`);
    const retryAfter = Number(response.headers.get("Retry-After"));
    const message = await expectEnvelope(response, 503);
    expect(message).toMatch(/not configured/);
    expect(retryAfter).toBeGreaterThan(0);
    expect(await h.upstream.count()).toBe(0);
  });

  it("answers from the demo source with X-Data-Source: demo and never calls the upstream", async () => {
    const h = await harness({ DATA_SOURCE: "demo" });
    const response = await h.requestAndSettle(`${TRENDING}?region=US`);
    expect(response.status).toBe(200);
    expect(response.headers.get("X-Data-Source")).toBe("demo");
    const body = (await response.json()) as Success;
    expect(body.code).toBe(0);
    expect(body.data.sound_list).toHaveLength(20);
    expect(await h.upstream.count()).toBe(0);
  });

  it("stores demo answers under demo keys and never serves them once the source is keyapi", async () => {
    const h = await harness({ DATA_SOURCE: "demo" });
    const demo = await h.requestAndSettle(`${TRENDING}?region=DE`);
    expect(demo.status).toBe(200);
    const { keys } = await env.ANSWERS.list();
    expect(keys.length).toBeGreaterThan(0);
    for (const key of keys) expect(key.name).toMatch(/^answer:v1:demo:/);

    // The same stores and the same gate, now configured for the real source.
    const app = createApp({ ...productionDeps, now: () => h.clock.now, gateName: h.gateName, coloCache: () => null });
    const ctx = createExecutionContext();
    const real = await app.fetch(
      new Request(`https://proxy.test${TRENDING}?region=DE`),
      { ...h.env, DATA_SOURCE: "keyapi" },
      ctx,
    );
    await waitOnExecutionContext(ctx);
    expect(real.status).toBe(200);
    expect(real.headers.get("X-Data-Source")).toBe("keyapi");
    expect(real.headers.get("X-Cache")).toBe("MISS");
    expect(await h.upstream.count({ region: "DE" })).toBe(1);
  });

  it.each([
    ["CACHE_TTL_SECONDS", "abc"],
    ["UPSTREAM_TIMEOUT_MS", "-1"],
    ["DATA_SOURCE", "foo"],
    ["STALE_TTL_SECONDS", "1.5"],
    ["CLIENT_CALLS_PER_HOUR", "0"],
  ])("answers a 500 envelope naming %s when it holds nonsense (%s), costing 0 requests", async (name, value) => {
    const h = await harness({ [name]: value });
    const response = await h.request(`${TRENDING}?region=US`);
    const message = await expectEnvelope(response, 500);
    expect(message).toContain(name);
    expect(await h.upstream.count()).toBe(0);
  });
});
