import { createExecutionContext, createScheduledController, waitOnExecutionContext } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { inject } from "vitest";
import worker from "../../worker/index";
import { fakeUpstream } from "../fake-upstream/client";
import { CANARY_KEY } from "./harness";
import { CRON, W47_START, count, mondayAfter } from "./job-harness";

/**
 * The real entry (worker/index.ts) with its production wiring: the gate named "global", the real
 * clock, the isolate's own held and rendered answers. That wiring is what is under test, so these
 * tests cannot have a gate of their own (its name is a constant of the wiring, not a binding):
 * they share the global gate (stored answers, spend, pause, client calls), the module's memory,
 * and this file's KV and D1. The test pool gives every test file its own Durable Object storage,
 * KV and D1, so only the tests below share them; hence each uses its own regions (CL for the
 * endpoint, CO and HR for the job), none depends on a pause or a budget, and the real clock only
 * stamps times that no assertion reads.
 */
async function fetchEntry(testEnv: Env, path: string): Promise<Response> {
  const ctx = createExecutionContext();
  const response = await worker.fetch!(new Request(`https://trending.test${path}`), testEnv, ctx);
  await waitOnExecutionContext(ctx);
  return response;
}

describe("the production entry", () => {
  it("answers the edge endpoint through the real wiring, once per question", async () => {
    const upstream = fakeUpstream(inject("upstreamUrl"));
    const testEnv = { ...env, UPSTREAM_URL: upstream.url, DATA_SOURCE: "keyapi", KEYAPI_KEY: CANARY_KEY } as Env;
    const first = await fetchEntry(testEnv, "/v1/tiktok/trending/music?region=CL&limit=5");
    expect(first.status).toBe(200);
    expect(first.headers.get("X-Cache")).toBe("MISS");
    const again = await fetchEntry(testEnv, "/v1/tiktok/trending/music?region=cl&page=2&limit=5");
    expect(again.status).toBe(200);
    expect(await upstream.count()).toBe(1);
    expect((await fetchEntry(testEnv, "/healthz")).status).toBe(200);
    await upstream.assertNoUnexpected();
  });

  it("runs the weekly job through scheduled()", async () => {
    const testEnv = { ...env, DATA_SOURCE: "demo", REGIONS: "CO,HR" } as Env;
    const ctx = createExecutionContext();
    await worker.scheduled!(
      createScheduledController({ scheduledTime: mondayAfter(W47_START), cron: CRON }),
      testEnv,
      ctx,
    );
    await waitOnExecutionContext(ctx);
    expect(await count("SELECT COUNT(*) AS n FROM snapshots WHERE week = '2026-W47' AND source = 'demo'")).toBe(2);
    const chart = await fetchEntry(testEnv, "/api/charts/co/2026-W47");
    expect(chart.status).toBe(200);
  });

  it("sends every Worker route to the Worker first (wrangler.toml run_worker_first)", async () => {
    const patterns = JSON.parse(env.TEST_RUN_WORKER_FIRST) as string[];
    const doc = (await (await fetchEntry(env, "/openapi.json")).json()) as { paths: Record<string, unknown> };
    const routes = [...Object.keys(doc.paths), "/openapi.json", "/healthz"];
    expect(routes.length).toBeGreaterThan(10);
    for (const route of routes) {
      const path = route.replace(/\{[^}]+\}/g, "x");
      expect(
        patterns.some((p) => matches(p, path)),
        `${route} is not in run_worker_first`,
      ).toBe(true);
    }
    // …and nothing else: the site's pages stay with the asset router.
    for (const page of ["/", "/charts/DE/", "/charts/DE/2026-W47/", "/about/", "/rss.xml"])
      expect(
        patterns.some((p) => matches(p, page)),
        page,
      ).toBe(false);
  });
});

/** run_worker_first patterns: a path, or a prefix ending in `/*`. */
function matches(pattern: string, path: string): boolean {
  return pattern.endsWith("/*") ? path.startsWith(pattern.slice(0, -1)) : path === pattern;
}
