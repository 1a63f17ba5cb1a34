/**
 * Serves a built site with Workers static assets exactly as production does (`wrangler dev` with
 * an assets-only config: the same asset worker that applies _headers and _redirects), in its own
 * process group, stopped by that group.
 */
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      const port = typeof address === "object" && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

export async function serveAssets(dir: string): Promise<{ url: string; stop(): void }> {
  const temp = mkdtempSync(join(tmpdir(), "assets-"));
  const config = join(temp, "wrangler.toml");
  // As wrangler.toml's [assets], minus the Worker: only the asset server answers. Production hands
  // a miss to the Worker (not_found_handling = "none"), which answers the site's 404 page; with no
  // Worker here, "404-page" stands in for it with the same page and status.
  writeFileSync(
    config,
    [
      'name = "site-assets-test"',
      'compatibility_date = "2026-11-01"',
      "[assets]",
      `directory = ${JSON.stringify(dir)}`,
      'not_found_handling = "404-page"',
      'html_handling = "auto-trailing-slash"',
    ].join("\n"),
  );
  const port = await freePort();
  const child = spawn(
    process.execPath,
    ["node_modules/wrangler/bin/wrangler.js", "dev", "--config", config, "--ip", "127.0.0.1", "--port", String(port)],
    {
      detached: true,
      stdio: ["ignore", "pipe", "pipe"],
      env: { ...process.env, WRANGLER_SEND_METRICS: "false", CLOUDFLARE_CF_FETCH_ENABLED: "false", CI: "true" },
    },
  );
  const output: string[] = [];
  child.stdout?.on("data", (chunk) => output.push(String(chunk)));
  child.stderr?.on("data", (chunk) => output.push(String(chunk)));
  const stop = () => {
    try {
      if (child.pid) process.kill(-child.pid, "SIGTERM");
    } catch {
      // already gone
    }
    rmSync(temp, { recursive: true, force: true });
  };
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) break;
    try {
      if ((await fetch(url)).ok) return { url, stop };
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  stop();
  throw new Error(`wrangler dev did not serve the site:\n${output.join("").slice(-3_000)}`);
}
