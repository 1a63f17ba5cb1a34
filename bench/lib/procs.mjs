// Every process the bench starts runs in a process group of its own and is stopped by that group
// (a Miniflare host takes its workerd child with it, nginx its worker), on success, on failure and
// on Ctrl+C: nothing the bench started may outlive it.
import { spawn } from "node:child_process";

const running = new Set();

/**
 * Starts `command` detached (its own process group). With `ready`, resolves once `ready(line)`
 * returns something other than undefined for a line of its output (the value is `ready`'s result);
 * without it, at once.
 * @param {string} command
 * @param {string[]} args
 * `keep(line)`: only lines it accepts are kept (the last 400 of them).
 * @param {{ env?: Record<string,string|undefined>, cwd?: string, ready?: (line: string) => unknown, timeoutMs?: number, name?: string, onLine?: (line: string) => void, keep?: (line: string) => boolean }} [options]
 */
export function startGroup(command, args, options = {}) {
  const name = options.name ?? command;
  const child = spawn(command, args, {
    detached: true,
    stdio: ["ignore", "pipe", "pipe"],
    cwd: options.cwd,
    env: { ...process.env, ...options.env },
  });
  const output = [];
  const exited = new Promise((resolve) => child.once("exit", (code, signal) => resolve({ code, signal })));
  const handle = {
    name,
    pid: child.pid,
    child,
    output,
    exited,
    stop: () => stopGroup(handle),
    tail: (n = 30) => output.slice(-n).join("\n"),
  };
  running.add(handle);
  exited.then(() => running.delete(handle));

  let resolveReady;
  let rejectReady;
  const ready = new Promise((resolve, reject) => {
    resolveReady = resolve;
    rejectReady = reject;
  });
  const onLine = (line) => {
    if (options.keep && !options.keep(line)) return;
    output.push(line);
    if (output.length > 400) output.splice(0, output.length - 400);
    options.onLine?.(line);
    if (!options.ready) return;
    const value = options.ready(line);
    if (value !== undefined) resolveReady(value);
  };
  for (const stream of [child.stdout, child.stderr]) {
    let pending = "";
    stream.on("data", (chunk) => {
      pending += chunk;
      const lines = pending.split("\n");
      pending = lines.pop() ?? "";
      for (const line of lines) if (line.trim()) onLine(line);
    });
  }
  child.once("error", (error) => rejectReady(new Error(`${name} could not start: ${error.message}`)));
  exited.then(({ code, signal }) =>
    rejectReady(new Error(`${name} exited (${signal ?? code}) before it was ready:\n${handle.tail()}`)),
  );
  if (!options.ready) resolveReady(undefined);
  const timeoutMs = options.timeoutMs ?? 60_000;
  const timer = setTimeout(
    () => rejectReady(new Error(`${name} not ready in ${timeoutMs} ms:\n${handle.tail()}`)),
    timeoutMs,
  );
  return ready.then(
    (value) => {
      clearTimeout(timer);
      return { ...handle, value };
    },
    async (error) => {
      clearTimeout(timer);
      await stopGroup(handle);
      throw error;
    },
  );
}

/**
 * Runs a command in its own group to the end: { code, output, tail }. Stopped with the rest on
 * Ctrl+C, and after `limitMs` (default 10 minutes) whatever it is doing.
 */
export async function runGroup(command, args, options = {}) {
  const { ready: _ignored, ...rest } = options;
  const handle = await startGroup(command, args, rest);
  const limit = setTimeout(() => {
    handle.output.push(`(stopped after ${options.limitMs ?? 600_000} ms)`);
    stopGroup(handle);
  }, options.limitMs ?? 600_000);
  const { code, signal } = await handle.exited;
  clearTimeout(limit);
  return { code: code ?? (signal ? 128 : 1), output: handle.output, tail: handle.tail };
}

/** SIGTERM to the whole group; SIGKILL after `graceMs` if anything in it is still alive. */
export async function stopGroup(handle, graceMs = 3_000) {
  if (handle.child.exitCode !== null || handle.child.signalCode !== null) {
    signalGroup(handle.pid, "SIGKILL"); // the leader is gone; make sure its group is too
    running.delete(handle);
    return;
  }
  signalGroup(handle.pid, "SIGTERM");
  const timer = setTimeout(() => signalGroup(handle.pid, "SIGKILL"), graceMs);
  await handle.exited;
  clearTimeout(timer);
  signalGroup(handle.pid, "SIGKILL");
  running.delete(handle);
}

function signalGroup(pid, signal) {
  try {
    process.kill(-pid, signal);
  } catch {
    // the group is gone already
  }
}

export async function stopAll() {
  await Promise.all([...running].map((handle) => stopGroup(handle)));
}

/** Last resort when the bench process itself exits: synchronous, so it runs inside 'exit'. */
export function killAllNow() {
  for (const handle of running) signalGroup(handle.pid, "SIGKILL");
}
