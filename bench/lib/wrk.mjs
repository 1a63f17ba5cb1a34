// One load generator for every throughput figure: Debian's wrk (one thread: the server under test
// gets the other core of a 2-core machine), with the CPU time of the serving process read from
// /proc/<pid>/stat over the run.
import { execFileSync } from "node:child_process";
import { readFileSync, readdirSync } from "node:fs";
import { runGroup } from "./procs.mjs";

export const CLOCK_TICKS = Number(execFileSync("getconf", ["CLK_TCK"], { encoding: "utf8" }).trim()) || 100;

export function hasCommand(name) {
  try {
    execFileSync("sh", ["-c", `command -v ${name}`], { stdio: "ignore" });
    return true;
  } catch {
    return false;
  }
}

/** User + system CPU seconds a process has used so far (all its threads). */
export function cpuSeconds(pid) {
  const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  // Fields 14 and 15 of proc(5) (utime, stime), counted from after the command name (field 3).
  return (Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS;
}

/**
 * CPU seconds of a process's live threads, to the nanosecond (/proc/<pid>/task/<tid>/schedstat):
 * for a single request, where clock ticks (10 ms) are too coarse.
 */
export function threadCpuSeconds(pid) {
  let ns = 0;
  for (const tid of readdirSync(`/proc/${pid}/task`)) {
    try {
      ns += Number(readFileSync(`/proc/${pid}/task/${tid}/schedstat`, "utf8").split(" ")[0]);
    } catch {
      // the thread ended meanwhile
    }
  }
  return ns / 1e9;
}

/**
 * wrk -t1 -c<connections> -d<seconds>s against `url`. `cpuPids`: processes whose CPU time over the
 * run is divided by the requests served (the runtime's CPU per request).
 * @returns {Promise<{ rps: number, requests: number, p50Ms: number, p99Ms: number, errors: number, errorDetail: object, cpuUsPerRequest: number | null, mbPerS: number }>}
 */
export async function wrk(
  url,
  { connections, seconds, headers = {}, cpuPids = [], threads = 1, pathsFile, pathsOffset = 0 },
) {
  const args = ["-t", String(threads), "-c", String(connections), "-d", `${seconds}s`, "--timeout", "10s"];
  for (const [name, value] of Object.entries(headers)) args.push("-H", `${name}: ${value}`);
  // pathsFile: the paths of that file in turn from pathsOffset (bench/lib/wrk-paths.lua), not `url`'s own.
  if (pathsFile) args.push("-s", "bench/lib/wrk-paths.lua", url, "--", pathsFile, String(pathsOffset));
  else args.push("-s", "bench/lib/wrk-report.lua", url);
  const cpuBefore = cpuPids.map(cpuSeconds);
  const { code, output, tail } = await runGroup("wrk", args, { name: "wrk", limitMs: (seconds + 30) * 1000 });
  const cpuAfter = cpuPids.map(cpuSeconds);
  const line = output.find((l) => l.startsWith("WRK_JSON "));
  if (code !== 0 || !line) throw new Error(`wrk failed (exit ${code}):\n${tail()}`);
  const r = JSON.parse(line.slice("WRK_JSON ".length));
  const cpu = cpuAfter.reduce((sum, after, i) => sum + after - (cpuBefore[i] ?? 0), 0);
  const errors = Object.values(r.errors).reduce((a, b) => a + b, 0);
  const secondsRun = r.durationUs / 1e6;
  return {
    connections,
    seconds: +secondsRun.toFixed(2),
    requests: r.requests,
    rps: Math.round(r.requests / secondsRun),
    p50Ms: +(r.p50Us / 1000).toFixed(2),
    p99Ms: +(r.p99Us / 1000).toFixed(2),
    maxMs: +(r.maxUs / 1000).toFixed(1),
    errors,
    errorDetail: r.errors,
    mbPerS: +(r.bytes / secondsRun / 1e6).toFixed(1),
    cpuUsPerRequest: cpuPids.length && r.requests ? +((cpu / r.requests) * 1e6).toFixed(1) : null,
    cpuCoresBusy: cpuPids.length ? +(cpu / secondsRun).toFixed(2) : null,
  };
}
