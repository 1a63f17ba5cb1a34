import { describe, expect, it } from "vitest";
import { clientNetwork } from "../../worker/http/client-id";
import { answerKey, type ChartQuery, canonicalChart, isUnfiltered, upstreamQueryFor } from "../../worker/proxy/keys";

const PLAIN: ChartQuery = {
  region: "US",
  period: 7,
  newToTop100: false,
  commercialMusic: false,
  searchKeyword: null,
};

const KEY_SHAPE = /^answer:v1:(keyapi|demo):[0-9a-f]{64}$/;

describe("canonicalChart", () => {
  it("writes every parameter, defaults included, with names sorted", () => {
    const text = canonicalChart(PLAIN);
    expect(text).toBe("commercial_music=false&new_to_top_100=false&period=7&region=US&search_keyword=FALSE");
    const names = [...new URLSearchParams(text).keys()];
    expect(names).toEqual([...names].sort());
    expect(names).toHaveLength(5);
  });

  it("does not depend on the order the question's fields were written in", () => {
    const reordered: ChartQuery = {
      searchKeyword: "love",
      commercialMusic: true,
      period: 30,
      region: "DE",
      newToTop100: true,
    };
    const ordered: ChartQuery = {
      region: "DE",
      period: 30,
      newToTop100: true,
      commercialMusic: true,
      searchKeyword: "love",
    };
    expect(canonicalChart(reordered)).toBe(canonicalChart(ordered));
  });

  it("reads the region case-insensitively and writes it upper-case", () => {
    expect(canonicalChart({ ...PLAIN, region: "us" })).toBe(canonicalChart(PLAIN));
    expect(new URLSearchParams(canonicalChart({ ...PLAIN, region: "fr" })).get("region")).toBe("FR");
  });

  it("distinguishes every part of the question", () => {
    const variants: ChartQuery[] = [
      PLAIN,
      { ...PLAIN, region: "DE" },
      { ...PLAIN, period: 30 },
      { ...PLAIN, period: 120 },
      { ...PLAIN, newToTop100: true },
      { ...PLAIN, commercialMusic: true },
      { ...PLAIN, searchKeyword: "love" },
      { ...PLAIN, searchKeyword: "love song" },
    ];
    expect(new Set(variants.map(canonicalChart)).size).toBe(variants.length);
  });

  it("escapes a keyword so it cannot smuggle in other parameters", () => {
    const text = canonicalChart({ ...PLAIN, searchKeyword: "a&period=30" });
    const params = new URLSearchParams(text);
    expect(params.get("period")).toBe("7");
    expect(params.get("search_keyword")).toBe("a&period=30");
  });
});

describe("upstreamQueryFor", () => {
  it("always asks for a full page of 20", () => {
    expect(upstreamQueryFor(PLAIN, 3)).toEqual({ ...PLAIN, page: 3, limit: 20 });
  });
});

describe("answerKey", () => {
  it("is versioned and carries the data source", async () => {
    const real = await answerKey("keyapi", PLAIN, 1);
    const demo = await answerKey("demo", PLAIN, 1);
    expect(real).toMatch(KEY_SHAPE);
    expect(real.startsWith("answer:v1:keyapi:")).toBe(true);
    expect(demo.startsWith("answer:v1:demo:")).toBe(true);
  });

  it("differs between data sources for the same question", async () => {
    expect(await answerKey("keyapi", PLAIN, 1)).not.toBe(await answerKey("demo", PLAIN, 1));
  });

  it("is stable for the same question, however it was written", async () => {
    const first = await answerKey("keyapi", PLAIN, 2);
    const again = await answerKey(
      "keyapi",
      { searchKeyword: null, commercialMusic: false, newToTop100: false, period: 7, region: "us" },
      2,
    );
    expect(again).toBe(first);
  });

  it("differs by page", async () => {
    const keys = await Promise.all([1, 2, 3, 4, 5].map((page) => answerKey("keyapi", PLAIN, page)));
    expect(new Set(keys).size).toBe(5);
  });

  it("differs by keyword and by filter", async () => {
    const keys = await Promise.all(
      [
        PLAIN,
        { ...PLAIN, searchKeyword: "love" },
        { ...PLAIN, searchKeyword: "lov" },
        { ...PLAIN, commercialMusic: true },
        { ...PLAIN, newToTop100: true },
        { ...PLAIN, period: 30 as const },
      ].map((chart) => answerKey("keyapi", chart, 1)),
    );
    expect(new Set(keys).size).toBe(keys.length);
  });

  it("stays far below the KV limit of 512 bytes for a 50-character non-ASCII keyword", async () => {
    const keyword = "愛".repeat(25) + "🎵".repeat(25);
    expect([...keyword]).toHaveLength(50);
    // Escaped as a query string, the keyword alone would be well over 512 bytes.
    expect(new TextEncoder().encode(canonicalChart({ ...PLAIN, searchKeyword: keyword })).length).toBeGreaterThan(512);
    const key = await answerKey("keyapi", { ...PLAIN, searchKeyword: keyword }, 100);
    expect(key).toMatch(KEY_SHAPE);
    expect(new TextEncoder().encode(key).length).toBeLessThan(100);
  });
});

describe("isUnfiltered", () => {
  it("is true only with no filter and no keyword", () => {
    expect(isUnfiltered(PLAIN)).toBe(true);
    expect(isUnfiltered({ ...PLAIN, region: "JP", period: 120 })).toBe(true);
  });

  it.each([
    ["new to top 100", { newToTop100: true }],
    ["commercial music", { commercialMusic: true }],
    ["a keyword", { searchKeyword: "love" }],
  ] as const)("is false with %s", (_what, change) => {
    expect(isUnfiltered({ ...PLAIN, ...change })).toBe(false);
  });
});

describe("clientNetwork: what the per-client limit counts", () => {
  it("keeps an IPv4 address whole", () => {
    expect(clientNetwork("203.0.113.7")).toBe("203.0.113.7");
  });

  it("counts an IPv6 client by its /64, however the address is written", () => {
    const net = "2001:db8:aa:bb::/64";
    expect(clientNetwork("2001:db8:aa:bb::1")).toBe(net);
    expect(clientNetwork("2001:0db8:00aa:00bb:1:2:3:4")).toBe(net);
    expect(clientNetwork("2001:DB8:AA:BB:ffff:ffff:ffff:ffff")).toBe(net);
    expect(clientNetwork("2001:db8::1")).toBe("2001:db8:0:0::/64");
    expect(clientNetwork("::1")).toBe("0:0:0:0::/64");
  });
});
