import { afterEach, describe, expect, it, vi } from "vitest";
import { CANARY_KEY, TRENDING, harness } from "./harness";

/** Every console line written during the test (the gate runs in this isolate too). */
function captureLogs(): string[] {
  const lines: string[] = [];
  for (const method of ["log", "info", "warn", "error", "debug"] as const) {
    vi.spyOn(console, method).mockImplementation((...args: unknown[]) => {
      lines.push(args.map((a) => (typeof a === "string" ? a : (JSON.stringify(a) ?? String(a)))).join(" "));
    });
  }
  return lines;
}

async function everything(response: Response): Promise<string> {
  return `${[...response.headers].map(([k, v]) => `${k}: ${v}`).join("\n")}\n${await response.text()}`;
}

afterEach(() => vi.restoreAllMocks());

describe("the API key stays secret", () => {
  it("never appears in a response body, header or log line, whatever happens upstream", async () => {
    const logs = captureLogs();
    const h = await harness({ UPSTREAM_TIMEOUT_MS: "100", CACHE_TTL_SECONDS: "60" });
    // An upstream that echoes the key back in its error text must not leak it either.
    const echo = { code: 401, message: `apiKey ${CANARY_KEY} is invalid`, data: null };
    await h.upstream.script([
      { match: { region: "US" }, times: 1 },
      { match: { region: "DE" }, status: 500, body: { ...echo, code: 500 } },
      { match: { region: "FR" }, hold: "never" }, // a timeout: never released, the deadline passes first
      { match: { region: "IT" }, rawBody: `not json ${CANARY_KEY}` },
      { match: { region: "ES" }, status: 401, body: echo },
      {},
    ]);
    const seen: string[] = [];
    const steps: [string, number][] = [
      ["?region=US", 0],
      ["?region=DE", 0],
      ["?region=FR", 120_000],
      ["?region=IT", 120_000],
      ["?region=ES", 120_000],
      ["?region=GB", 0], // cooling down
      ["?region=US", 61_000], // stale while cooling down
      ["?region=XX", 0],
      ["?foo=bar", 0],
    ];
    for (const [query, advance] of steps) {
      h.clock.now += advance;
      seen.push(await everything(await h.requestAndSettle(`${TRENDING}${query}`)));
    }
    seen.push(await everything(await h.request("/openapi.json")));
    seen.push(await everything(await h.request("/healthz")));
    expect(logs.some((line) => line.includes("upstream_cooldown"))).toBe(true);
    for (const text of [...seen, ...logs]) expect(text).not.toContain(CANARY_KEY);
    expect(await h.upstream.count()).toBe(5);
  });

  it("sends the upstream only Authorization and Accept: no client header is forwarded", async () => {
    const h = await harness();
    await h.upstream.script([{}], { expectKey: CANARY_KEY });
    const response = await h.request(`${TRENDING}?region=US`, {
      headers: {
        Authorization: "Bearer client-own-keyapi-key",
        Cookie: "session=client-cookie",
        "X-Forwarded-For": "192.0.2.44",
        "X-Real-IP": "192.0.2.45",
        "CF-Connecting-IP": "192.0.2.46",
        "User-Agent": "client-agent/1.0",
        Referer: "https://client.example/page",
        "X-Custom": "client-custom",
      },
    });
    expect(response.status).toBe(200);
    await h.upstream.assertNoUnexpected();
    const [request] = await h.upstream.requests();
    expect(request?.headers.authorization).toBe(`Bearer ${CANARY_KEY}`);
    expect(request?.headers.accept).toBe("application/json");
    // What the runtime itself adds to any subrequest is allowed; nothing of the client's is.
    const allowed = new Set([
      "host",
      "accept",
      "authorization",
      "cf-worker",
      "accept-encoding",
      "connection",
      "user-agent",
      "content-length",
    ]);
    expect(Object.keys(request?.headers ?? {}).filter((name) => !allowed.has(name))).toEqual([]);
    const sent = JSON.stringify(request?.headers);
    for (const value of [
      "client-own-keyapi-key",
      "client-cookie",
      "192.0.2.4",
      "client-agent",
      "client.example",
      "client-custom",
    ]) {
      expect(sent).not.toContain(value);
    }
  });
});
