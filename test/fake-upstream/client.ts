/**
 * Drives the counting fake upstream (server.ts) from inside workerd tests. It only uses `fetch`,
 * so it runs in the Workers runtime; the server runs in Node, started by global-setup.ts.
 * The wire types live here (not in server.ts) so that the Worker's tsconfig, which has no Node
 * types, can check this file.
 */

/** One scripted answer. The first rule that matches and has `times` left answers the request. */
export interface Rule {
  /** Query params the request must carry (exact values); absent = matches any valid request. */
  match?: Partial<Record<string, string>>;
  /** How many requests this rule answers; absent = unlimited. */
  times?: number;
  /** Default 200. */
  status?: number;
  /** JSON body. Absent with status 200 → the server's default (demo) body; otherwise an error envelope. */
  body?: unknown;
  /** Sent verbatim instead of JSON (e.g. invalid JSON, HTML). Wins over `body`. */
  rawBody?: string;
  /** Extra response headers, e.g. `Retry-After` or `Location`. */
  headers?: Record<string, string>;
  /** Wait this long before answering (timeouts, coalescing). */
  delayMs?: number;
  /** Hold the answer until the test calls `release(name)`; `held(name, n)` waits until n have arrived. */
  hold?: string;
  /** The point in time (ms) the default body is computed for. */
  asOf?: number;
}

export interface RecordedRequest {
  method: string;
  /** Path after the `/s/<scenario>` prefix, e.g. `/v1/tiktok/trending/music`. */
  path: string;
  /** Query params; for a repeated param the first value (the request is then unexpected). */
  query: Record<string, string>;
  /** Every request header, names lower-cased. */
  headers: Record<string, string>;
  /** Server wall clock (ms) when the request arrived, for ordering. */
  at: number;
  /**
   * Set when the fake refused the request: why. It answered 599 for what no KeyAPI client sends,
   * 400 (the provider's envelope) for parameter values the provider itself rejects.
   */
  unexpected?: string;
}

export interface ScriptBody {
  rules: Rule[];
  /** When set, `Authorization` must be exactly `Bearer <expectKey>`. */
  expectKey?: string;
}

export interface RequestsBody {
  /** Every request that reached this scenario, expected or not, in arrival order. */
  requests: RecordedRequest[];
  /** The subset the fake refused. */
  unexpected: RecordedRequest[];
}

/** Status the fake answers anything unexpected with: not one a real upstream sends. */
export const UNEXPECTED_STATUS = 599;

export class FakeUpstream {
  readonly baseUrl: string;
  readonly scenario: string;

  constructor(baseUrl: string, scenario: string) {
    this.baseUrl = baseUrl.replace(/\/+$/, "");
    this.scenario = scenario;
  }

  /** The `UPSTREAM_URL` to give the Worker: requests under it are recorded for this scenario. */
  get url(): string {
    return `${this.baseUrl}/s/${this.scenario}`;
  }

  /** Replaces this scenario's rules (recorded requests are kept). */
  async script(rules: Rule[], options: { expectKey?: string } = {}): Promise<void> {
    const body: ScriptBody = { rules, ...options };
    const res = await fetch(this.control("script"), {
      method: "PUT",
      headers: { "content-type": "application/json" },
      body: JSON.stringify(body),
    });
    if (!res.ok) throw new Error(`fake upstream refused the script: ${res.status} ${await res.text()}`);
    await res.body?.cancel();
  }

  /** Resolves once `count` requests have reached the rules that hold under `name`. */
  async held(name: string, count = 1): Promise<void> {
    const res = await fetch(`${this.control("held")}?hold=${encodeURIComponent(name)}&count=${count}`);
    if (!res.ok) throw new Error(`fake upstream control failed: ${res.status} ${await res.text()}`);
    await res.body?.cancel();
  }

  /** Lets every answer held under `name` go (and any later one at once). */
  async release(name: string): Promise<void> {
    const res = await fetch(`${this.control("release")}?hold=${encodeURIComponent(name)}`, { method: "POST" });
    if (!res.ok) throw new Error(`fake upstream control failed: ${res.status} ${await res.text()}`);
    await res.body?.cancel();
  }

  /** Recorded requests whose query includes every given key/value (all requests if none given). */
  async count(query: Partial<Record<string, string>> = {}): Promise<number> {
    const { requests } = await this.fetchRequests();
    const wanted = Object.entries(query);
    return requests.filter((r) => wanted.every(([k, v]) => r.query[k] === v)).length;
  }

  async requests(): Promise<RecordedRequest[]> {
    return (await this.fetchRequests()).requests;
  }

  async unexpected(): Promise<RecordedRequest[]> {
    return (await this.fetchRequests()).unexpected;
  }

  /** Throws, listing them, if the fake refused any request: call it at the end of a test. */
  async assertNoUnexpected(): Promise<void> {
    const unexpected = await this.unexpected();
    if (unexpected.length > 0) {
      const lines = unexpected.map((r) => `${r.method} ${r.path} ${JSON.stringify(r.query)}: ${r.unexpected}`);
      throw new Error(`fake upstream got ${unexpected.length} unexpected request(s):\n${lines.join("\n")}`);
    }
  }

  private control(action: string): string {
    return `${this.baseUrl}/__control/${this.scenario}/${action}`;
  }

  private async fetchRequests(): Promise<RequestsBody> {
    const res = await fetch(this.control("requests"));
    if (!res.ok) throw new Error(`fake upstream control failed: ${res.status} ${await res.text()}`);
    return (await res.json()) as RequestsBody;
  }
}

/** A fresh scenario, so no test sees another test's requests or rules. */
export function fakeUpstream(baseUrl: string): FakeUpstream {
  return new FakeUpstream(baseUrl, crypto.randomUUID());
}

/**
 * Requests that reached the fake outside any scenario, e.g. from a Worker that resolved
 * `/v1/...` against UPSTREAM_URL and so dropped its `/s/<scenario>` path. Shared by all tests.
 */
export async function unroutedRequests(baseUrl: string): Promise<RecordedRequest[]> {
  const res = await fetch(`${baseUrl.replace(/\/+$/, "")}/__control/unrouted`);
  if (!res.ok) throw new Error(`fake upstream control failed: ${res.status} ${await res.text()}`);
  return ((await res.json()) as RequestsBody).requests;
}
