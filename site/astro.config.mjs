import { execFileSync } from "node:child_process";
import { writeFileSync } from "node:fs";
import { writeFile } from "node:fs/promises";
import { relative, resolve, sep } from "node:path";
import { fileURLToPath } from "node:url";
import sitemap from "@astrojs/sitemap";
import { defineConfig } from "astro/config";
import { diskStore } from "./src/lib/archive/chart-store.ts";
import { finishBuild, startBuild } from "./src/lib/build-output.ts";
import { codeVersion } from "./src/lib/code-version.ts";
import { siteOrigin } from "./src/lib/config.ts";
import { redirectRules } from "./src/lib/redirects.ts";
import { canonicalUrl, inSitemap } from "./src/lib/seo.ts";
import { buildCommit, SITE_BUILD_FILE, siteBuildRecord } from "./src/lib/site-build-record.ts";
import { soundSitemapFiles } from "./src/lib/sound-sitemaps.ts";

const site = siteOrigin(process.env.SITE_ORIGIN);
const cacheDir = process.env.ASTRO_CACHE_DIR || "./node_modules/.astro";

// The archive's chart store lives in Astro's cache (src/lib/archive/chart-store.ts): one cache to
// keep between builds. `astro build --force` (a full build) also reads the whole archive again.
process.env.ARCHIVE_STORE_DIR ||= resolve(
  fileURLToPath(new URL(".", import.meta.url)),
  cacheDir,
  "trending-sounds-archive",
);
if (process.argv.includes("--force")) process.env.ARCHIVE_FULL_READ = "1";
// What the build keeps between runs is valid only for the code that made it (src/lib/code-version.ts).
process.env.SITE_CODE_VERSION = codeVersion(fileURLToPath(new URL("..", import.meta.url)));

/** Writes `_redirects` (lower-case region codes → upper-case) next to the built pages. */
const regionRedirects = {
  name: "region-redirects",
  hooks: {
    "astro:build:done": async ({ dir }) => writeFile(new URL("_redirects", dir), redirectRules()),
  },
};

// The sitemap index (/sitemap-index.xml, named by robots.txt) lists the built pages' sitemap,
// written by @astrojs/sitemap from every page the build has (restored ones included), and the
// sound pages' sitemaps, which the Worker answers. No lastmod: a file's bytes change only when
// its list does (incremental builds and the deploy's "upload only changed files").
const sitemapOptions = {
  filter: inSitemap,
  customSitemaps: [],
  namespaces: { news: false, xhtml: false, image: false, video: false },
};

let root;
/**
 * Learns which sound sitemap files exist, into sitemapOptions.customSitemaps, before the build's
 * pages: @astrojs/sitemap reads its options when it writes the index, at build:done
 * (test/site/seo.test.ts checks the index lists them).
 */
const soundSitemaps = {
  name: "sound-sitemaps",
  hooks: {
    "astro:config:done": ({ config }) => {
      root = config.root;
    },
    "astro:build:start": async ({ logger }) => {
      const files = await soundSitemapFiles(process.env, {
        fetch: globalThis.fetch,
        fixturePath: fileURLToPath(new URL("fixtures/archive.json", root)),
        retryMs: process.env.ARCHIVE_RETRY_MS ? Number(process.env.ARCHIVE_RETRY_MS) : undefined,
        warn: (message) => logger.warn(message),
      });
      sitemapOptions.customSitemaps.splice(0, Infinity, ...files.map((path) => canonicalUrl(new URL(site), path)));
    },
  },
};

let paths;
let publicDir;
let startedAt = 0;
/**
 * Keeps the output folder between builds and trusts nothing an unfinished build left
 * (src/lib/build-output.ts). Last among the integrations: its build:done runs after every other
 * one has written its files (the sitemaps, _redirects), and marks the build finished.
 */
const buildOutput = {
  name: "build-output",
  hooks: {
    "astro:config:done": ({ config }) => {
      paths = {
        cacheDir: resolve(fileURLToPath(config.cacheDir)),
        outDir: resolve(fileURLToPath(config.outDir)),
        keptDirs: [process.env.ARCHIVE_STORE_DIR],
      };
      publicDir = fileURLToPath(config.publicDir);
    },
    "astro:build:start": ({ logger }) => {
      startedAt = Date.now();
      logger.info(startBuild(paths));
    },
    "astro:build:done": ({ assets, logger }) => {
      const pageFiles = [...assets.values()].flat().map((url) => fileURLToPath(url));
      writeSiteBuildRecord(pageFiles);
      const { removed } = finishBuild(paths, { pageFiles, publicDir, startedAt });
      if (removed > 0) logger.info(`removed ${removed} file(s) this build no longer makes`);
    },
  },
};

/** The commit being built: CI's, else the checkout's (null outside a git checkout). */
function commit() {
  try {
    return buildCommit(process.env) ?? execFileSync("git", ["rev-parse", "HEAD"], { encoding: "utf8" }).trim();
  } catch {
    return null;
  }
}

/** /site-build.json (src/lib/site-build-record.ts): what the site was built from, for the deploy and the Worker. */
function writeSiteBuildRecord(pageFiles) {
  const manifest = diskStore(process.env.ARCHIVE_STORE_DIR).manifest();
  if (!manifest) throw new Error("the chart store has no manifest at the end of the build: the archive was not read");
  const files = pageFiles.map((file) => relative(paths.outDir, file).split(sep).join("/"));
  const record = siteBuildRecord(manifest, files, commit());
  writeFileSync(resolve(paths.outDir, SITE_BUILD_FILE), `${JSON.stringify(record, null, 2)}\n`);
}

// A static site: the Worker serves it as assets from site/dist (see wrangler.toml [assets]).
export default defineConfig({
  output: "static",
  trailingSlash: "always",
  // SITE_ORIGIN: the public origin that feeds, canonical links and sitemaps use (absolute links);
  // guids never use it.
  site,
  // One fingerprinted stylesheet under /_astro/, never inlined: cached once, immutable (public/_headers).
  build: { format: "directory", inlineStylesheets: "never" },
  // The previous build's pages and manifest live here (incremental builds, below); tests build
  // several archives one after another, each with its own cache.
  cacheDir,
  // Incremental by default: a page whose getStaticPaths cacheKey (src/lib/page-keys.ts) and code
  // are unchanged is copied from cacheDir instead of rendered; a missing or foreign cache (another
  // config, lock file or site origin) means a full build, and `astro build --force` forces one.
  experimental: { incrementalBuild: true },
  vite: {
    // The previous output is kept and pruned by the build-output integration, not emptied.
    build: { emptyOutDir: false },
    // The Worker's modules the site imports (types, schemas, views): `@worker/schemas/slim`, as in tsconfig.json.
    resolve: { alias: { "@worker": fileURLToPath(new URL("../worker", import.meta.url)) } },
  },
  integrations: [regionRedirects, soundSitemaps, sitemap(sitemapOptions), buildOutput],
});
