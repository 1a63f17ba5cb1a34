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

/**
 * Clock ticks the machine's processes ran (/proc/stat, first line): user, nice, system and steal
 * (a hypervisor's other guests). Interrupt time is left out: on this machine it is the loopback
 * traffic of the bench's own load generators, which no process is charged for.
 */
function machineTicks() {
  const [user = 0, nice = 0, system = 0, , , , , steal = 0] = readFileSync("/proc/stat", "utf8")
    .split("\n")[0]
    .trim()
    .split(/\s+/)
    .slice(1)
    .map(Number);
  return user + nice + system + steal;
}

/**
 * Ticks each process of this process's tree has used itself (utime, stime: fields 14–15 of
 * proc(5)), by pid. Not the children's totals (cutime, cstime): a child that dies unreaped, or
 * whose parent dies first (a Worker host's workerd, stopped with its group), never reaches them.
 */
export function ownTreeTicks() {
  const parents = new Map();
  const ticks = new Map();
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, "utf8");
      const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
      parents.set(Number(entry), Number(fields[1]));
      ticks.set(Number(entry), Number(fields[11]) + Number(fields[12]));
    } catch {
      // gone meanwhile
    }
  }
  const mine = (pid) => {
    for (let p = pid; p > 1; p = parents.get(p) ?? 0) if (p === process.pid) return true;
    return false;
  };
  return new Map([...ticks].filter(([pid]) => mine(pid)));
}

/**
 * How often the bench's own processes are sampled: what one uses after its last sample is lost
 * (a process shorter than this may be missed whole; the measured ones run for seconds).
 */
const SAMPLE_MS = 500;

/**
 * The ticks the bench's processes used since `start`, from samples: each process counts from its
 * first sample (0 when it started after `start`) to its last, so those that ended still count.
 */
export function ownUse(start = ownTreeTicks()) {
  const seen = new Map([...start].map(([pid, t]) => [pid, { first: t, last: t }]));
  const sample = () => {
    for (const [pid, t] of ownTreeTicks()) {
      const known = seen.get(pid);
      if (known) known.last = t;
      else seen.set(pid, { first: 0, last: t });
    }
  };
  const timer = setInterval(sample, SAMPLE_MS);
  timer.unref();
  return {
    sample,
    end() {
      clearInterval(timer);
      sample();
      return [...seen.values()].reduce((sum, { first, last }) => sum + Math.max(0, last - first), 0);
    },
  };
}

/** Starts watching a section; `end()` gives what to record beside its results. */
export function watchSection() {
  const loadAverageAtStart = loadavg().map((x) => +x.toFixed(2));
  const started = performance.now();
  let before = null;
  try {
    before = { machine: machineTicks(), own: ownUse() };
  } catch {
    // not Linux: the load average is all there is
  }
  return {
    end() {
      const seconds = (performance.now() - started) / 1000;
      let otherCores = null;
      if (before) {
        const other = machineTicks() - before.machine - before.own.end();
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
