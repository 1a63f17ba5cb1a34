import {
  applyD1Migrations,
  createExecutionContext,
  reset,
  runInDurableObject,
  waitOnExecutionContext,
} from "cloudflare:test";
import { env } from "cloudflare:workers";
import { inject } from "vitest";
import { createApp } from "../../worker/app";
import type { AppDeps } from "../../worker/app-env";
import { ArchiveStates } from "../../worker/archive/change-number";
import { HeldAnswers } from "../../worker/proxy/held-answers";
import { RenderedAnswers } from "../../worker/proxy/rendered-answers";
import type { Gate } from "../../worker/upstream/gate";
import { type FakeUpstream, fakeUpstream } from "../fake-upstream/client";

/** Background work of requests a test did not wait for: finished before the next test resets the stores. */
const unsettled: ExecutionContext[] = [];

export const CANARY_KEY = "test-canary-key-9f3b2c";
export const T0 = Date.UTC(2026, 10, 23, 12, 0, 0);

export interface Harness {
  upstream: FakeUpstream;
  /** The one clock of the test: the app's, the gate's and the job's. Waits (`sleep`) move it on. */
  clock: { now: number };
  /** What the gate's randomness returns (backoff jitter): 0 = the backoff's floor, 1 = twice it. */
  random: { value: number };
  deps: AppDeps;
  gateName: string;
  env: Env;
  /** One request through the real app (same middleware, routes and onError as production). */
  request(path: string, init?: RequestInit): Promise<Response>;
  /** Like request, but also waits for the background work (refreshes, cache writes) it started. */
  requestAndSettle(path: string, init?: RequestInit): Promise<Response>;
  /**
   * One request through another instance of the Worker (another isolate: its own memory of held
   * and rendered answers), with the same clock, stores and gate; waits for its background work.
   */
  requestElsewhere(path: string, init?: RequestInit, deps?: Partial<AppDeps>): Promise<Response>;
  /** Waits for the background work of every request so far (refreshes, cache writes, alerts). */
  settle(): Promise<void>;
  /** The gate's status (spend, pause, questions received). */
  gateStatus(): ReturnType<Gate["status"]>;
  /**
   * Resolves once the gate has received `count` questions in all (an event: each look is one
   * call to the gate, never a wait on the clock), so a test can hold the upstream until every
   * joiner is in.
   */
  untilGateQuestions(count: number): Promise<void>;
}

/**
 * Each test gets its own fake-upstream scenario, gate instance, clock and empty stores, so no
 * test depends on another's leftovers. Vars can be overridden per test, as `wrangler dev --var` would.
 */
export async function harness(
  vars: Partial<Record<keyof Env, string>> = {},
  options: { colo?: boolean } = {},
): Promise<Harness> {
  await Promise.all(unsettled.splice(0).map((ctx) => waitOnExecutionContext(ctx)));
  await reset();
  // reset() drops D1's tables too: bring the archive back to the committed schema.
  await applyD1Migrations(env.DB, env.TEST_MIGRATIONS);
  const upstream = fakeUpstream(inject("upstreamUrl"));
  const clock = { now: T0 };
  const random = { value: 0.5 };
  const gateName = `test-${crypto.randomUUID()}`;
  const testEnv = { ...env, UPSTREAM_URL: upstream.url, DATA_SOURCE: "keyapi", KEYAPI_KEY: CANARY_KEY, ...vars } as Env;
  const deps: AppDeps = {
    now: () => clock.now,
    gateName,
    coloCache: () => (options.colo ? caches.default : null),
    sleep: async (ms) => {
      clock.now += ms;
    },
    outbound: () => Promise.reject(new Error("no outbound calls in proxy tests")),
    held: new HeldAnswers(),
    rendered: new RenderedAnswers(),
    archiveStates: new ArchiveStates(),
  };
  const app = createApp(deps);
  const gate = env.GATE.get(env.GATE.idFromName(gateName));
  await runInDurableObject(gate, (instance: Gate) =>
    instance.useClock(
      () => clock.now,
      () => random.value,
    ),
  );
  const send = async (path: string, init: RequestInit | undefined, settle: boolean) => {
    const ctx = createExecutionContext();
    const response = await app.fetch(new Request(`https://proxy.test${path}`, init), testEnv, ctx);
    if (settle) await waitOnExecutionContext(ctx);
    else unsettled.push(ctx);
    return response;
  };
  return {
    upstream,
    clock,
    random,
    deps,
    gateName,
    env: testEnv,
    gateStatus: () => gate.status(),
    untilGateQuestions: async (count) => {
      let questions = (await gate.status()).questions;
      while (questions < count) questions = (await gate.status()).questions;
    },
    requestElsewhere: async (path, init, overrides = {}) => {
      const elsewhere = createApp({
        ...deps,
        held: new HeldAnswers(),
        rendered: new RenderedAnswers(),
        archiveStates: new ArchiveStates(),
        ...overrides,
      });
      const ctx = createExecutionContext();
      const response = await elsewhere.fetch(new Request(`https://proxy.test${path}`, init), testEnv, ctx);
      await waitOnExecutionContext(ctx);
      return response;
    },
    settle: async () => {
      await Promise.all(unsettled.splice(0).map((ctx) => waitOnExecutionContext(ctx)));
      await gate.idle();
    },
    request: (path, init) => send(path, init, false),
    requestAndSettle: (path, init) => send(path, init, true),
  };
}

export const TRENDING = "/v1/tiktok/trending/music";
