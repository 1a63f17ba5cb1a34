// A small HTTP client for the counting scenarios (exact numbers of requests at a set concurrency,
// every answer inspected), and the fake upstream's control API (test/fake-upstream/client.ts's
// wire format). Throughput is measured with wrk, not with this.
import http from "node:http";

const agent = new http.Agent({ keepAlive: true, maxSockets: Number.POSITIVE_INFINITY });

/** GET (or another method) → { status, headers, body: Buffer, ms }. Never rejects on HTTP status. */
export function request(url, { method = "GET", headers = {}, body } = {}) {
  const started = performance.now();
  return new Promise((resolve, reject) => {
    const req = http.request(url, { method, headers, agent }, (res) => {
      const chunks = [];
      res.on("data", (chunk) => chunks.push(chunk));
      res.on("end", () =>
        resolve({
          status: res.statusCode ?? 0,
          headers: res.headers,
          body: Buffer.concat(chunks),
          ms: performance.now() - started,
        }),
      );
      res.on("error", reject);
    });
    req.on("error", reject);
    req.setTimeout(60_000, () => req.destroy(new Error(`timeout: ${url}`)));
    req.end(body);
  });
}

/**
 * Sends `count` requests with at most `concurrency` in flight; `make(i)` gives the i-th URL (or
 * { url, headers }). Resolves to every answer, in order, with transport errors as { error }.
 */
export async function burst(count, concurrency, make) {
  const answers = new Array(count);
  let next = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: Math.min(concurrency, count) }, async () => {
      while (next < count) {
        const i = next++;
        const target = make(i);
        const { url, headers } = typeof target === "string" ? { url: target, headers: {} } : target;
        try {
          answers[i] = await request(url, { headers });
        } catch (error) {
          answers[i] = { status: 0, error: String(error), headers: {}, body: Buffer.alloc(0), ms: 0 };
        }
      }
    }),
  );
  return { answers, seconds: (performance.now() - started) / 1000 };
}

/** Counts answers by a key function: { "200 HIT": 998, … }. */
export function tally(answers, keyOf) {
  const counts = {};
  for (const answer of answers) {
    const key = keyOf(answer);
    counts[key] = (counts[key] ?? 0) + 1;
  }
  return counts;
}

export { percentile } from "./stats.mjs";

/** A scenario of the counting fake: script its answers, read what it received. */
export function fakeScenario(fakeUrl, name) {
  const control = (action) => `${fakeUrl}/__control/${name}/${action}`;
  return {
    name,
    /** The UPSTREAM_URL that routes to this scenario. */
    url: `${fakeUrl}/s/${name}`,
    async script(rules) {
      const res = await request(control("script"), {
        method: "PUT",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ rules }),
      });
      if (res.status !== 200) throw new Error(`fake upstream refused the script: ${res.status} ${res.body}`);
    },
    /** { requests, unexpected } as the fake recorded them. */
    async recorded() {
      const res = await request(control("requests"));
      return JSON.parse(res.body.toString("utf8"));
    },
    async count() {
      return (await this.recorded()).requests.length;
    },
  };
}
