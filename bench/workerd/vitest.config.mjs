// The one bench scenario that cannot run on the real clock: a whole 48-hour snapshot window of
// failing hourly runs. The gate's pauses (up to 60 s each) are timed on its real clock, so 49 runs
// back to back would take ≈ 40 minutes of waiting; here they run in workerd through the tests'
// harness, whose clock the gate and the job share, against the same counting fake upstream.
// Run by `npm run bench` (bench/sections/outage.mjs), never by `npm test`.
import { fileURLToPath } from "node:url";
import { cloudflareTest, readD1Migrations } from "@cloudflare/vitest-plugin";
import { defineConfig } from "vitest/config";

const root = fileURLToPath(new URL("../..", import.meta.url));

export default defineConfig({
  root,
  plugins: [
    cloudflareTest(async () => ({
      wrangler: { configPath: "./wrangler.toml" },
      miniflare: {
        bindings: {
          TEST_MIGRATIONS: await readD1Migrations({ migrationsDir: "migrations" }),
          DATA_SOURCE: "keyapi",
          KEYAPI_KEY: "bench-outage-key",
        },
      },
    })),
  ],
  test: {
    include: ["bench/workerd/*.bench-test.mjs"],
    globalSetup: ["test/fake-upstream/global-setup.ts"],
    setupFiles: ["test/worker/setup.ts"],
    testTimeout: 120_000,
  },
});
