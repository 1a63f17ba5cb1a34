// What the bench runs on loopback: the Worker bundle, the counting fake upstream, Worker hosts
// (workerd through Miniflare's API) — each a process group of its own (procs.mjs).
import { mkdirSync, readFileSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { WRANGLER_ENV } from "../../scripts/lib/dev-server.mjs";
import { runGroup, startGroup } from "./procs.mjs";

const NODE = process.execPath;

const jsonLine = (key) => (line) => {
  if (!line.startsWith("{")) return undefined;
  try {
    return JSON.parse(line)[key];
  } catch {
    return undefined;
  }
};

/** The deployable bundle, as `wrangler deploy` would upload it (assets left out: an empty directory). */
export async function bundleWorker(dir) {
  const assets = join(dir, "no-assets");
  mkdirSync(assets, { recursive: true });
  const out = join(dir, "bundle");
  const { code, tail } = await runGroup(
    "npx",
    ["wrangler", "deploy", "--dry-run", "--outdir", out, "--assets", assets],
    { env: WRANGLER_ENV, name: "wrangler deploy --dry-run", timeoutMs: 120_000 },
  );
  if (code !== 0) throw new Error(`wrangler deploy --dry-run failed:\n${tail()}`);
  return out;
}

export async function startFakeUpstream() {
  const handle = await startGroup(NODE, ["bench/lib/fake-upstream-main.mjs"], {
    name: "fake upstream",
    ready: jsonLine("fakeUpstream"),
  });
  return { ...handle, url: handle.value };
}

let hosts = 0;

/**
 * A Worker under workerd. spec: { kind: "product" | "trivial", bundleDir, vars?, cacheApi?, bodyFile?, stateDir? }.
 * `stateDir` (default: a new one under `dir`) holds its persisted KV, D1, cache and Durable Object
 * storage: a host started again on it is a cold isolate over the same stored copies.
 * Returns { entry, direct, pid (the host), workerdPid, stop }.
 */
export async function startWorkerHost(spec, dir) {
  const stateDir = spec.stateDir ?? join(dir, `host-${++hosts}`);
  mkdirSync(stateDir, { recursive: true });
  const handle = await startGroup(NODE, ["bench/lib/worker-host-main.mjs", JSON.stringify({ ...spec, stateDir })], {
    name: `worker host (${spec.kind})`,
    ready: jsonLine("workerHost"),
  });
  return { ...handle, ...handle.value, workerdPid: childNamed(handle.pid, "workerd") };
}

/** The pid of `parent`'s child whose command name is `name` (Miniflare does not expose workerd's). */
export function childNamed(parent, name) {
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, "utf8");
      const comm = stat.slice(stat.indexOf("(") + 1, stat.lastIndexOf(")"));
      const ppid = Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]);
      if (ppid === parent && comm === name) return Number(entry);
    } catch {
      // gone meanwhile
    }
  }
  return null;
}
