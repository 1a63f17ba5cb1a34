import { ArchiveStates } from "./archive/change-number";
import type { Config } from "./config";
import { HeldAnswers } from "./proxy/held-answers";
import { RenderedAnswers } from "./proxy/rendered-answers";

/** What the app needs from outside besides bindings: passed in, so every test controls it. */
export interface AppDeps {
  now: () => number;
  /** The gate instance: one global name in production; a fresh one per test. */
  gateName: string;
  /** The colo cache, or null where there is none to use. */
  coloCache: () => Cache | null;
  /** Waits between the snapshot job's retries of the build hook. */
  sleep: (ms: number) => Promise<void>;
  /** fetch for the job's webhooks (build hook, alerts); the upstream is only ever called by the gate. */
  outbound: typeof fetch;
  /** This instance's short memory of stale answers and refusals (docs/http.md "Only misses reach the gate"). */
  held: HeldAnswers;
  /** This instance's rendered answers, reused while fresh (the hit path). */
  rendered: RenderedAnswers;
  /** This instance's memory of each source's archive state, which keys what the colo cache keeps. */
  archiveStates: ArchiveStates;
  /**
   * A file of the built site that the Worker fills or answers with (a page shell, the 404 page):
   * the ASSETS binding when absent. Tests give fixtures: site/dist may be missing or stale then.
   */
  siteFile?: (env: Env, path: string) => Promise<Response>;
}

/** The site's files as the asset router has them: any origin will do for the binding. */
export function assetsFile(env: Env, path: string): Promise<Response> {
  return env.ASSETS.fetch(new Request(new URL(path, "https://assets.local")));
}

export interface AppEnv {
  Bindings: Env;
  Variables: {
    requestId: string;
    config: Config;
    app: { deps: AppDeps };
  };
}

export const GLOBAL_GATE = "global";

export const productionDeps: AppDeps = {
  now: () => Date.now(),
  gateName: GLOBAL_GATE,
  coloCache: () => (typeof caches === "undefined" ? null : caches.default),
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
  outbound: (input, init) => fetch(input, init),
  // One per isolate: the module is evaluated once per isolate, and so is this object.
  held: new HeldAnswers(),
  rendered: new RenderedAnswers(),
  archiveStates: new ArchiveStates(),
  siteFile: assetsFile,
};
