import { fileURLToPath } from "node:url";
import { cloudflareTest, readD1Migrations } from "@cloudflare/vitest-plugin";
import { defineConfig } from "vitest/config";
import { unstable_readConfig } from "wrangler";

// What the asset router sends to the Worker first: tests check every route is among them.
const assets = unstable_readConfig({ config: "./wrangler.toml" }).assets;
const runWorkerFirst = assets?.run_worker_first ?? [];
// The site's modules import the Worker's as `@worker/…` (site/tsconfig.json): so do the tests that load them.
const resolve = { alias: { "@worker": fileURLToPath(new URL("./worker", import.meta.url)) } };

export default defineConfig({
  test: {
    projects: [
      {
        // Pure domain code: plain functions over plain data, no bindings.
        // The demo source's tests generate weeks of 71 charts: seconds of CPU on a busy 2-core machine.
        test: { name: "unit", include: ["test/unit/**/*.test.ts"], environment: "node", testTimeout: 30_000 },
      },
      {
        // Everything that touches the Workers runtime: real workerd, KV, D1, Durable Objects.
        plugins: [
          cloudflareTest(async () => ({
            wrangler: { configPath: "./wrangler.toml" },
            miniflare: {
              // The optional R2 backup bucket, so the job's backup path runs in tests too.
              r2Buckets: ["ARCHIVE_BUCKET"],
              bindings: {
                TEST_MIGRATIONS: await readD1Migrations({ migrationsDir: "migrations" }),
                DATA_SOURCE: "keyapi",
                KEYAPI_KEY: "test-canary-key-9f3b2c",
                TEST_RUN_WORKER_FIRST: JSON.stringify(runWorkerFirst),
                TEST_ASSETS_CONFIG: JSON.stringify(assets ?? {}),
              },
            },
          })),
        ],
        resolve,
        test: {
          name: "worker",
          include: ["test/worker/**/*.test.ts"],
          globalSetup: ["test/fake-upstream/global-setup.ts"],
          setupFiles: ["test/worker/setup.ts"],
          testTimeout: 30_000,
        },
      },
      {
        // The static site: its pure helpers, the archive loader, and builds of fixture archives
        // inspected with real HTML and XML parsers. One file at a time: each builds the site.
        resolve,
        test: {
          name: "site",
          include: ["test/site/**/*.test.ts"],
          environment: "node",
          fileParallelism: false,
          testTimeout: 30_000,
          hookTimeout: 180_000,
        },
      },
      {
        // The product as `npm start` runs it, in a real Chromium and real feed parsers. Starts
        // wrangler dev and builds the site: one file at a time, long hooks.
        test: {
          name: "e2e",
          include: ["test/e2e/**/*.test.ts"],
          environment: "node",
          fileParallelism: false,
          testTimeout: 300_000,
          hookTimeout: 300_000,
        },
      },
    ],
  },
});
