// Starts `wrangler dev` in its own process group and stops it by that group (stopping only the
// wrangler pid would leave workerd running). Shared by `npm start`, the e2e tests and the benchmarks.
import { spawn } from "node:child_process";
import { createServer } from "node:net";
import { resolve } from "node:path";

export const WRANGLER_ENV = { WRANGLER_SEND_METRICS: "false", CLOUDFLARE_CF_FETCH_ENABLED: "false" };

export async function freePort(preferred) {
  const tryPort = (port) =>
    new Promise((resolve) => {
      const server = createServer();
      server.once("error", () => resolve(null));
      server.listen(port, "127.0.0.1", () => {
        const chosen = server.address().port;
        server.close(() => resolve(chosen));
      });
    });
  return (preferred && (await tryPort(preferred))) || (await tryPort(0));
}

/**
 * @param {{ port: number, vars?: Record<string,string>, envFile?: string, persistTo?: string, config?: string, env?: Record<string,string>, log?: (line: string) => void }} options
 */
export async function startDevServer(options) {
  // wrangler's own entry on this Node (node_modules' Node 22, as npm run gives it): npx would cost a
  // few tenths of a second of resolving on every start and restart.
  const args = [
    resolve("node_modules/wrangler/bin/wrangler.js"),
    "dev",
    "--ip",
    "127.0.0.1",
    "--port",
    String(options.port),
    "--show-interactive-dev-session=false",
  ];
  for (const [name, value] of Object.entries(options.vars ?? {})) args.push("--var", `${name}:${value}`);
  if (options.envFile) args.push("--env-file", options.envFile);
  if (options.persistTo) args.push("--persist-to", options.persistTo);
  if (options.config) args.push("--config", options.config);
  const child = spawn(process.execPath, args, {
    detached: true,
    stdio: ["ignore", "pipe", "pipe"],
    env: { ...process.env, ...WRANGLER_ENV, ...options.env },
  });
  const output = [];
  const collect = (chunk) => {
    for (const line of String(chunk).split("\n")) {
      if (!line.trim()) continue;
      output.push(line);
      options.log?.(line);
    }
  };
  child.stdout.on("data", collect);
  child.stderr.on("data", collect);
  const url = `http://127.0.0.1:${options.port}`;
  const exited = new Promise((resolve) => child.once("exit", resolve));
  /** Stops wrangler and its workerd children (the whole process group); resolves once it has exited. */
  const stop = async () => {
    try {
      process.kill(-child.pid, "SIGTERM");
    } catch {
      return; // already gone
    }
    const timer = setTimeout(() => {
      try {
        process.kill(-child.pid, "SIGKILL");
      } catch {
        // gone meanwhile
      }
    }, 5_000);
    await exited;
    clearTimeout(timer);
  };
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) {
      stop(); // its workerd children may outlive it
      throw new Error(`wrangler dev exited early:\n${output.slice(-30).join("\n")}`);
    }
    try {
      const response = await fetch(`${url}/healthz`);
      if (response.ok) return { url, stop, child, output };
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  stop();
  throw new Error(`wrangler dev did not become ready in 60 s:\n${output.slice(-30).join("\n")}`);
}
