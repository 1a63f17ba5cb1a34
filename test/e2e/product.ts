import { type ChildProcess, spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";

/**
 * The product as `npm start` runs it (scripts/start.mjs: wrangler dev, the seeded demo archive,
 * the site built from it, the local build hook), on its own port and state directory, stopped by
 * its process group. Fewer regions and weeks than a real `npm start`, so a test run stays short.
 */
export interface RunningProduct {
  url: string;
  port: number;
  output: string[];
  stop(): Promise<void>;
}

export async function startProduct(options: { regions: string; weeks: number }): Promise<RunningProduct> {
  const port = await freePort();
  const state = mkdtempSync(join(tmpdir(), "trending-sounds-e2e-"));
  const child = spawn(process.execPath, ["scripts/start.mjs"], {
    detached: true,
    stdio: ["ignore", "pipe", "pipe"],
    env: {
      ...process.env,
      PORT: String(port),
      STATE_DIR: state,
      SEED_WEEKS: String(options.weeks),
      REGIONS: options.regions,
      DATA_SOURCE: "demo",
      KEYAPI_KEY: "",
    },
  });
  const output: string[] = [];
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      const exited = new Promise((resolve) => child.once("exit", resolve));
      try {
        process.kill(-(child.pid ?? 0), "SIGTERM");
      } catch {
        // gone already
      }
      await exited;
    }
    rmSync(state, { recursive: true, force: true });
  };
  const url = await readyLine(child, output).catch(async (error: Error) => {
    await stop();
    throw error;
  });
  return { url, port, output, stop };
}

/** Resolves with the URL of the `Ready: <url>` line: the event start.mjs announces once pages answer. */
function readyLine(child: ChildProcess, output: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    const onData = (chunk: Buffer) => {
      for (const line of String(chunk).split("\n")) {
        if (!line.trim()) continue;
        output.push(line);
        const ready = /^Ready: (http\S+)/.exec(line);
        if (ready?.[1]) resolve(ready[1]);
      }
    };
    child.stdout?.on("data", onData);
    child.stderr?.on("data", onData);
    child.once("exit", (code) => reject(new Error(`npm start exited (${code}):\n${output.slice(-30).join("\n")}`)));
  });
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      server.close(() => resolve(typeof address === "object" && address ? address.port : 0));
    });
  });
}

/** Runs a project script (Node 22, as npm would) and resolves with its exit code and output. */
export function runScript(
  script: string,
  env: Record<string, string>,
  args: string[] = [],
): Promise<{ code: number; output: string }> {
  return runCommand(process.execPath, [script, ...args], env);
}

export function runCommand(
  command: string,
  args: string[],
  env: Record<string, string> = {},
): Promise<{ code: number; output: string }> {
  return new Promise((resolve) => {
    const child = spawn(command, args, { env: { ...process.env, ...env } });
    let output = "";
    child.stdout.on("data", (chunk) => {
      output += chunk;
    });
    child.stderr.on("data", (chunk) => {
      output += chunk;
    });
    child.on("close", (code) => resolve({ code: code ?? 1, output }));
  });
}
