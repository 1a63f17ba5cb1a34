// How busy the machine was around each section: the load average at its start, and the CPU other
// processes (everything but the bench and what it started) used while it ran. The load average
// alone cannot tell: it counts the bench's own previous section, and it lags by a minute.
import { readFileSync, readdirSync } from "node:fs";
import { cpus, loadavg } from "node:os";
import { CLOCK_TICKS } from "./wrk.mjs";

/**
 * Other processes' average use, in cores, above which a section's timings are marked busy: a
 * tenth of the machine taken from the bench is enough to move a ratio by more than its noise.
 */
export const BUSY_OTHER_CORES_PER_CPU = 0.1;

/** Busy and idle clock ticks of the whole machine (/proc/stat, first line). */
function machineTicks() {
  const fields = readFileSync("/proc/stat", "utf8").split("\n")[0].trim().split(/\s+/).slice(1).map(Number);
  const idle = (fields[3] ?? 0) + (fields[4] ?? 0);
  const total = fields.slice(0, 8).reduce((a, b) => a + b, 0);
  return { busy: total - idle, total };
}

/** Ticks used by this process and its descendants, finished children included (cutime, cstime). */
function ownTreeTicks() {
  const parents = new Map();
  const ticks = new Map();
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, "utf8");
      const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
      parents.set(Number(entry), Number(fields[1]));
      // utime, stime, cutime, cstime: fields 14–17 of proc(5).
      ticks.set(
        Number(entry),
        fields.slice(11, 15).reduce((a, b) => a + Number(b), 0),
      );
    } catch {
      // gone meanwhile
    }
  }
  const mine = (pid) => {
    for (let p = pid; p > 1; p = parents.get(p) ?? 0) if (p === process.pid) return true;
    return false;
  };
  let sum = 0;
  for (const [pid, t] of ticks) if (mine(pid)) sum += t;
  return sum;
}

/** Starts watching a section; `end()` gives what to record beside its results. */
export function watchSection() {
  const loadAverageAtStart = loadavg().map((x) => +x.toFixed(2));
  const started = performance.now();
  let before = null;
  try {
    before = { machine: machineTicks(), own: ownTreeTicks() };
  } catch {
    // not Linux: the load average is all there is
  }
  return {
    end() {
      const seconds = (performance.now() - started) / 1000;
      let otherCores = null;
      if (before) {
        const machine = machineTicks();
        const own = ownTreeTicks();
        const other = machine.busy - before.machine.busy - (own - before.own);
        otherCores = +Math.max(0, other / CLOCK_TICKS / seconds).toFixed(2);
      }
      return {
        loadAverageAtStart,
        otherCores,
        seconds: +seconds.toFixed(1),
        ...verdict(loadAverageAtStart, otherCores),
      };
    },
  };
}

/** Busy when other work took more than its share; without /proc, when the load exceeded the CPUs. */
export function verdict(loadAverageAtStart, otherCores, cpuCount = cpus().length) {
  if (otherCores === null) return { busy: loadAverageAtStart[0] > cpuCount, busyBy: "load average" };
  return { busy: otherCores > BUSY_OTHER_CORES_PER_CPU * cpuCount, busyBy: "other processes' CPU" };
}
