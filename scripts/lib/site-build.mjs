// Builds the static site from a running Worker's public API (never the upstream) into `outDir`.
// Shared by `npm start` (its first build and every rebuild the cron's hook asks for) and deploy.
// Incremental: Astro renders only the pages whose data changed since the build whose cache
// (site/node_modules/.astro) it finds, and copies the rest from there; `full` ignores that cache.
import { spawn } from "node:child_process";
import { rmSync } from "node:fs";
import { resolve } from "node:path";

/**
 * Astro's incremental-build manifest (astro.config.mjs cacheDir, relative to the site's root). Astro
 * writes a page's new bytes into the cache as it renders it but the manifest only at the end: after
 * a failed build, the old manifest could vouch for new bytes (stale if the data then went back).
 */
function manifestFile() {
  return resolve("site", process.env.ASTRO_CACHE_DIR || "node_modules/.astro", "incremental-build.json");
}

/**
 * @param {{ archiveUrl: string, origin: string, outDir: string, full?: boolean, log?: (line: string) => void }} options
 * @returns {Promise<{ seconds: number }>}
 */
export async function buildSite({ archiveUrl, origin, outDir, full = false, log = () => {} }) {
  const started = performance.now();
  // Astro's own entry, on this Node (node_modules' Node 22, as npm run gives it): npx would cost
  // a second or two of resolving on every rebuild.
  const args = [
    resolve("node_modules/astro/bin/astro.mjs"),
    "build",
    "--root",
    "site",
    "--outDir",
    resolve(outDir),
    "--silent",
    ...(full ? ["--force"] : []),
  ];
  const child = spawn(process.execPath, args, {
    stdio: ["ignore", "pipe", "pipe"],
    env: { ...process.env, ARCHIVE_URL: archiveUrl, SITE_ORIGIN: origin, ASTRO_TELEMETRY_DISABLED: "1" },
  });
  const output = [];
  for (const stream of [child.stdout, child.stderr])
    stream.on("data", (chunk) => {
      for (const line of String(chunk).split("\n")) {
        if (!line.trim()) continue;
        output.push(line);
        log(line);
      }
    });
  const code = await new Promise((done) => child.on("close", done));
  if (code !== 0) {
    // The next build starts from nothing (a full build) rather than from a half-written cache.
    rmSync(manifestFile(), { force: true });
    throw new Error(`the site build failed (exit ${code}):\n${output.slice(-20).join("\n")}`);
  }
  return { seconds: +((performance.now() - started) / 1000).toFixed(1) };
}
