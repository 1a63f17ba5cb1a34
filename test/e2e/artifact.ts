import { execFile } from "node:child_process";
import { dirname, join, resolve } from "node:path";
import { promisify } from "node:util";
import { convertV4MiniflareOptions, Miniflare, type MiniflareOptions } from "miniflare";
import { unstable_getMiniflareWorkerOptions, unstable_readConfig } from "wrangler";

/**
 * The deployed artifact, run locally: the bundle `wrangler deploy --dry-run` writes (what a deploy
 * uploads) under workerd through Miniflare's API, with wrangler.toml's bindings as wrangler itself
 * turns them into Miniflare options — KV, D1, the gate Durable Object, vars, and the assets
 * binding with the asset router (run_worker_first, html_handling, the 404 page, `_headers`,
 * `_redirects`). No dev server in between: nothing of `wrangler dev` can paper over the config.
 */

const run = promisify(execFile);
const CONFIG = "wrangler.toml";
const OFFLINE = { WRANGLER_SEND_METRICS: "false", CLOUDFLARE_CF_FETCH_ENABLED: "false", CI: "true" };

/**
 * wrangler through Node 22 (process.execPath under npm), never the machine's own node. Its debug
 * log goes to `logDir` (a temp dir of the test) instead of the user's ~/.config; its errors reach
 * the test's failure message through stderr anyway.
 */
function wrangler(args: string[], logDir: string): Promise<{ stdout: string; stderr: string }> {
  return run(process.execPath, ["node_modules/wrangler/bin/wrangler.js", ...args], {
    env: { ...process.env, ...OFFLINE, WRANGLER_LOG_PATH: logDir },
    maxBuffer: 16 * 1024 * 1024,
  });
}

/**
 * `wrangler deploy --dry-run`: bundles the Worker as a deploy would and validates the assets
 * directory (`--assets` overrides only the directory; binding, routing and handling stay
 * wrangler.toml's). Returns the bundle's entry module.
 */
export async function dryRunBundle(outDir: string, assetsDir: string, logDir: string): Promise<string> {
  await wrangler(["deploy", "--dry-run", "--config", CONFIG, "--outdir", outDir, "--assets", assetsDir], logDir);
  return join(outDir, "index.js");
}

/** The archive's schema, applied the way `npm start` and the deploy do (`wrangler d1 migrations apply`). */
export async function applyMigrations(stateDir: string, logDir: string): Promise<void> {
  await wrangler(["d1", "migrations", "apply", "DB", "--local", "--config", CONFIG, "--persist-to", stateDir], logDir);
}

export interface ArtifactSpec {
  /** The bundle's entry module (from dryRunBundle). */
  script: string;
  /** The built site served as the Worker's static assets. */
  assetsDir: string;
  /** Where KV, D1 and Durable Object state live (the layout of `wrangler … --persist-to`). */
  stateDir: string;
  /** The loopback port to listen on (the site's origin names it). */
  port: number;
  /** Overrides of wrangler.toml's [vars], as secrets or `--var` would set them. */
  vars: Record<string, string>;
}

export interface RunningArtifact {
  /** Miniflare's entry URL (it also answers /cdn-cgi/local/scheduled), no trailing slash. */
  url: string;
  /** The cron expressions wrangler.toml declares. */
  crons: string[];
  /** The Worker's log lines (console.*, uncaught errors), kept for failure messages, not printed. */
  logs: string[];
  stop(): Promise<void>;
}

/** Miniflare options for the spec, from wrangler's own reading of wrangler.toml. */
function artifactOptions(spec: ArtifactSpec, logs: string[]): { options: MiniflareOptions; crons: string[] } {
  const config = unstable_readConfig({ config: CONFIG });
  const { workerOptions } = unstable_getMiniflareWorkerOptions(config, undefined, {
    overrides: { assets: { directory: resolve(spec.assetsDir) } },
  });
  // Its `bindings` are [vars] plus a developer's .dev.vars, which a deploy never sees: the vars
  // here are wrangler.toml's and the spec's (the secrets production would have).
  const {
    modulesRules: _rules,
    cronTriggers,
    bindings: _varsAndDevVars,
    ...worker
  } = workerOptions as Record<string, unknown> & { cronTriggers?: string[] };
  // The bundle is one ES module (no module rules needed) and crons are triggered by the test.
  // Whatever else wrangler.toml configures is passed on: an option Miniflare cannot run fails the
  // test here, rather than being dropped. Empty collections are options nobody configured.
  const configured = Object.fromEntries(
    Object.entries(worker).filter(([name, value]) => {
      if (name === "email") return ((value as { send_email?: unknown[] }).send_email ?? []).length > 0;
      if (Array.isArray(value)) return value.length > 0;
      if (value && typeof value === "object") return Object.keys(value).length > 0;
      return true;
    }),
  );
  const options = convertV4MiniflareOptions({
    host: "127.0.0.1",
    port: spec.port,
    logRequests: false,
    handleStructuredLogs: ({ level, message }) => void logs.push(`${level}: ${message}`),
    // Enables GET /cdn-cgi/local/scheduled?cron=…&time=… on the entry URL.
    unsafeTriggerHandlers: true,
    // `wrangler --persist-to <dir>` keeps Miniflare's state under <dir>/v3.
    resourcePersistencePath: join(spec.stateDir, "v3"),
    resourceTmpPath: join(spec.stateDir, "tmp"),
    workers: [
      {
        ...configured,
        name: config.name,
        // Module names are relative to rootPath: the bundle's own folder.
        rootPath: dirname(resolve(spec.script)),
        modules: true,
        scriptPath: resolve(spec.script),
        bindings: { ...config.vars, ...spec.vars },
      },
    ],
  } as Parameters<typeof convertV4MiniflareOptions>[0]);
  return { options, crons: cronTriggers ?? [] };
}

export async function startArtifact(spec: ArtifactSpec): Promise<RunningArtifact> {
  const logs: string[] = [];
  const { options, crons } = artifactOptions(spec, logs);
  const mf = new Miniflare(options);
  let url: URL;
  try {
    url = await mf.ready;
  } catch (error) {
    await mf.dispose().catch(() => {});
    throw error;
  }
  return { url: url.href.replace(/\/$/, ""), crons, logs, stop: () => mf.dispose() };
}
