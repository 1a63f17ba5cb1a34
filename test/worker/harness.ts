import { applyD1Migrations, createExecutionContext, reset, waitOnExecutionContext } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { inject } from "vitest";
import { createApp } from "../../worker/app";
import { type FakeUpstream, fakeUpstream } from "../fake-upstream/client";

export const CANARY_KEY = "test-canary-key-9f3b2c";
export const T0 = Date.UTC(2026, 10, 23, 12, 0, 0);

export interface Harness {
  upstream: FakeUpstream;
  clock: { now: number };
  gateName: string;
  env: Env;
  /** One request through the real app (same middleware, routes and onError as production). */
  request(path: string, init?: RequestInit): Promise<Response>;
  /** Like request, but also waits for the background work (refreshes, cache writes) it started. */
  requestAndSettle(path: string, init?: RequestInit): Promise<Response>;
  logs: string[];
}

/**
 * Each test gets its own fake-upstream scenario, gate instance, clock and empty stores, so no
 * test depends on another's leftovers. Vars can be overridden per test, as `wrangler dev --var` would.
 */
export async function harness(
  vars: Partial<Record<keyof Env, string>> = {},
  options: { colo?: boolean } = {},
): Promise<Harness> {
  await reset();
  // reset() drops D1's tables too: bring the archive back to the committed schema.
  await applyD1Migrations(env.DB, env.TEST_MIGRATIONS);
  const upstream = fakeUpstream(inject("upstreamUrl"));
  const clock = { now: T0 };
  const gateName = `test-${crypto.randomUUID()}`;
  const testEnv = { ...env, UPSTREAM_URL: upstream.url, DATA_SOURCE: "keyapi", KEYAPI_KEY: CANARY_KEY, ...vars } as Env;
  const app = createApp({
    now: () => clock.now,
    gateName,
    coloCache: () => (options.colo ? caches.default : null),
    sleep: async () => undefined,
    outbound: () => Promise.reject(new Error("no outbound calls in proxy tests")),
  });
  const logs: string[] = [];
  const send = async (path: string, init: RequestInit | undefined, settle: boolean) => {
    const ctx = createExecutionContext();
    const response = await app.fetch(new Request(`https://proxy.test${path}`, init), testEnv, ctx);
    if (settle) await waitOnExecutionContext(ctx);
    return response;
  };
  return {
    upstream,
    clock,
    gateName,
    env: testEnv,
    logs,
    request: (path, init) => send(path, init, false),
    requestAndSettle: (path, init) => send(path, init, true),
  };
}

export const TRENDING = "/v1/tiktok/trending/music";
