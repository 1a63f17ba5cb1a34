import { writeFile } from "node:fs/promises";
import { defineConfig } from "astro/config";
import { siteOrigin } from "./src/lib/config.ts";
import { redirectRules } from "./src/lib/redirects.ts";

/** Writes `_redirects` (lower-case region codes → upper-case) next to the built pages. */
const regionRedirects = {
  name: "region-redirects",
  hooks: {
    "astro:build:done": async ({ dir }) => writeFile(new URL("_redirects", dir), redirectRules()),
  },
};

// A static site: the Worker serves it as assets from site/dist (see wrangler.toml [assets]).
export default defineConfig({
  output: "static",
  trailingSlash: "always",
  // SITE_ORIGIN: the public origin that feeds link to (absolute links); guids never use it.
  site: siteOrigin(process.env.SITE_ORIGIN),
  // One fingerprinted stylesheet under /_astro/, never inlined: cached once, immutable (public/_headers).
  build: { format: "directory", inlineStylesheets: "never" },
  // The previous build's pages and manifest live here (incremental builds, below); tests build
  // several archives one after another, each with its own cache.
  cacheDir: process.env.ASTRO_CACHE_DIR || "./node_modules/.astro",
  // Incremental by default: a page whose getStaticPaths cacheKey (src/lib/page-keys.ts) and code
  // are unchanged is copied from cacheDir instead of rendered; a missing or foreign cache (another
  // config, lock file or site origin) means a full build, and `astro build --force` forces one.
  experimental: { incrementalBuild: true },
  integrations: [regionRedirects],
});
