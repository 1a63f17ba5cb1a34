import type { D1Migration } from "cloudflare:test";

declare global {
  namespace Cloudflare {
    interface Env {
      TEST_MIGRATIONS: D1Migration[];
      /** wrangler.toml's assets.run_worker_first, as JSON (vitest.config.ts). */
      TEST_RUN_WORKER_FIRST: string;
      /** wrangler.toml's [assets], as JSON (vitest.config.ts). */
      TEST_ASSETS_CONFIG: string;
    }
  }
}

declare module "vitest" {
  export interface ProvidedContext {
    /** Base URL of the counting fake upstream (test/fake-upstream/global-setup.ts). */
    upstreamUrl: string;
  }
}
