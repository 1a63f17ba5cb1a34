// Builds the static site from a running Worker's public API (never the upstream) into `outDir`.
// Shared by `npm start` (its first build and every rebuild the cron's hook asks for) and deploy.
// Incremental: Astro renders only the pages whose data changed since the build whose cache
// (site/node_modules/.astro) it finds, and copies the rest from there; `full` ignores that cache.
import { spawn } from "node:child_process";
import { resolve } from "node:path";

/**
 * The build's V8 heap, in MB: measured at ten years, a full build holds ≈ 270 MB of live objects
 * and an incremental one ≈ 130 MB, but V8 sized for this 24 GiB machine lets garbage pile up to
 * over 1 GB before collecting it. A cap keeps the peak near what is live (ten years: 950 → 620 MiB
 * for a week's build) with room for a full build to grow. `npm run build` passes the same
 * (package.json); bench/scale.mjs measures with it.
 */
export const BUILD_HEAP_MB = 768;

/** After SIGTERM, a build that has not exited gets this long before SIGKILL. */
const STOP_GRACE_MS = 5_000;

/**
 * `signal` (the deploy's deadline or its cancellation) stops the build: with one, the build runs
 * in a process group of its own and the whole group is stopped (Astro's helpers, esbuild among
 * them, would outlive a kill of the node process alone); the error then gives `signal.reason`.
 * @param {{ archiveUrl: string, origin: string, outDir: string, full?: boolean, log?: (line: string) => void, signal?: AbortSignal }} options
 * @returns {Promise<{ seconds: number }>}
 */
export async function buildSite({ archiveUrl, origin, outDir, full = false, log = () => {}, signal }) {
  const started = performance.now();
  // Astro's own entry, on this Node (node_modules' Node 22, as npm run gives it): npx would cost
  // a second or two of resolving on every rebuild.
  const args = [
    `--max-old-space-size=${BUILD_HEAP_MB}`,
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
    detached: signal !== undefined,
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
  const closed = new Promise((done) => child.on("close", done));
  const stop = () => stopGroup(child, closed);
  signal?.addEventListener("abort", stop, { once: true });
  if (signal?.aborted) stop();
  const code = await closed;
  signal?.removeEventListener("abort", stop);
  if (signal?.aborted) throw new Error(`the site build was stopped: ${signal.reason?.message ?? signal.reason}`);
  if (code !== 0) {
    // Nothing to clean up: the build's state says it did not finish, and the next build starts
    // from nothing (site/src/lib/build-output.ts).
    throw new Error(`the site build failed (exit ${code}):\n${output.slice(-20).join("\n")}`);
  }
  return { seconds: +((performance.now() - started) / 1000).toFixed(1) };
}

/** SIGTERM to the build's process group, SIGKILL if it is still there after STOP_GRACE_MS. */
function stopGroup(child, closed) {
  const kill = (name) => {
    try {
      process.kill(-child.pid, name);
    } catch {
      // already gone
    }
  };
  kill("SIGTERM");
  const timer = setTimeout(() => kill("SIGKILL"), STOP_GRACE_MS);
  closed.then(() => clearTimeout(timer));
}
