// Runs wrangler for the deploy and reads the few facts it needs from what wrangler prints. The
// formats are wrangler 4's (node_modules/wrangler/wrangler-dist/cli.js): `versions upload` and
// `deploy` log "Worker Version ID: <id>" / "Current Version ID: <id>", `deployments status --json`
// prints the latest deployment as JSON, and `versions upload` refuses a pending Durable Object
// migration with a message of its own.
import { spawn } from "node:child_process";
import { WRANGLER_ENV } from "./dev-server.mjs";

export class WranglerError extends Error {
  /** @param {string} message @param {string} output what wrangler printed */
  constructor(message, output) {
    super(message);
    this.output = output;
  }
}

const VERSION_ID = "[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}";
const UPLOADED = new RegExp(`Worker Version ID:\\s*(${VERSION_ID})`, "i");
const DEPLOYED = new RegExp(`Current Version ID:\\s*(${VERSION_ID})`, "i");
/** `versions upload` cannot carry a Durable Object migration: only `wrangler deploy` applies one. */
const PENDING_DO_MIGRATION = /Durable Object migrations must be applied with/;

/**
 * A runner of `wrangler` from PATH (node_modules/.bin under npm, a stub in the tests) that echoes
 * its output and resolves with it (stdout + stderr) when it exits 0. `config` is passed to every
 * command, so the configuration whose DATA_SOURCE the deploy checked is the one deployed.
 * `signal` stops the running command (the deploy was cancelled).
 * @param {{ config?: string, signal?: AbortSignal }} options
 * @returns {(...args: string[]) => Promise<string>}
 */
export function wranglerRunner({ config, signal }) {
  return (...args) => {
    const full = config ? [...args, "--config", config] : args;
    return new Promise((resolve, reject) => {
      const child = spawn("wrangler", full, {
        stdio: ["ignore", "pipe", "pipe"],
        env: { ...process.env, ...WRANGLER_ENV },
        signal,
      });
      let output = "";
      child.stdout.on("data", (chunk) => {
        output += chunk;
        process.stdout.write(chunk);
      });
      child.stderr.on("data", (chunk) => {
        output += chunk;
        process.stderr.write(chunk);
      });
      child.on("error", (error) => reject(new WranglerError(`wrangler ${args.join(" ")}: ${error.message}`, output)));
      child.on("close", (code, killed) => {
        if (code === 0) resolve(output);
        else reject(new WranglerError(`wrangler ${args.join(" ")} failed (${killed ?? `exit ${code}`})`, output));
      });
    });
  };
}

/** The id of the version `versions upload` made, or null. */
export function uploadedVersionId(output) {
  return UPLOADED.exec(output)?.[1] ?? null;
}

/** The id of the version `wrangler deploy` made live, or null. */
export function deployedVersionId(output) {
  return DEPLOYED.exec(output)?.[1] ?? null;
}

/** Whether a failed `versions upload` was refused for a pending Durable Object migration. */
export function pendingDurableObjectMigration(error) {
  return error instanceof WranglerError && PENDING_DO_MIGRATION.test(error.output);
}

/**
 * The version serving most traffic in `deployments status --json` output (a split deployment has
 * several; rolling back to the main one is what the operator would do), or null.
 */
export function servingVersionId(output) {
  const start = output.indexOf("{");
  const end = output.lastIndexOf("}");
  if (start < 0 || end < start) return null;
  try {
    const { versions } = JSON.parse(output.slice(start, end + 1));
    const main = [...(versions ?? [])].sort((a, b) => b.percentage - a.percentage)[0];
    return typeof main?.version_id === "string" ? main.version_id : null;
  } catch {
    return null;
  }
}
