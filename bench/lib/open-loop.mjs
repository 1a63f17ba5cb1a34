// Latency at a fixed offered rate, open loop: request i is due at t0 + i / rate and is sent then
// whatever the earlier ones are doing (many in flight), and its latency runs from that intended
// time, not from when it went out. A closed-loop pacer (hey -q: each worker sends one request at a
// time and skips the ticks it was busy for) leaves the slow answers' victims out of its figures
// (coordinated omission) and never offers the rate it was asked for; here a late answer delays no
// later request, and a driver that falls behind its own schedule is charged to the latency and
// shown as send lag. The pure parts (schedule, latency, summary) take their clock as an argument.
import { Pool } from "undici";
import { percentile } from "./stats.mjs";

/** Keep-alive connections to the target: enough that OPEN_LOOP_CONNECTIONS / rate seconds of latency queue nothing. */
export const OPEN_LOOP_CONNECTIONS = 64;
/** An answer slower than this is an error (hey's -t 10 before it). */
const TIMEOUT_MS = 10_000;

/** Milliseconds after t0 at which request `i` of a `rate`-per-second schedule is due. */
export const intendedAt = (i, rate) => (i * 1000) / rate;

/** How many of `total` requests are due `elapsedMs` after t0 (request 0 is due at once). */
export const dueBy = (elapsedMs, rate, total) => Math.min(total, Math.floor((elapsedMs * rate) / 1000) + 1);

const ms = (x) => (x === undefined || x === null ? null : +x.toFixed(2));

/**
 * The figures of one run from its records (offsets in ms from t0): { offeredRps, requests, answered,
 * ok, errors, statuses, achievedRps, p50Ms, p90Ms, p99Ms, maxMs (each from the intended send time),
 * sendLagP99Ms, sendLagMaxMs }. `errors`: transport failures, timeouts and non-2xx answers;
 * `achievedRps`: 2xx answers over the time from t0 to the last answer (at least the schedule's).
 * @param {{ intended: ArrayLike<number>, sent: ArrayLike<number>, done: ArrayLike<number>, status: ArrayLike<number> }} records
 * @param {{ rate: number, seconds: number }} run
 */
export function summarize(records, { rate, seconds }) {
  const n = records.intended.length;
  const latencies = [];
  const lags = [];
  const statuses = {};
  let ok = 0;
  let last = 0;
  for (let i = 0; i < n; i++) {
    const status = records.status[i];
    statuses[status] = (statuses[status] ?? 0) + 1;
    lags.push(records.sent[i] - records.intended[i]);
    last = Math.max(last, records.done[i]);
    if (status === 0) continue;
    latencies.push(records.done[i] - records.intended[i]);
    if (status >= 200 && status < 300) ok++;
  }
  latencies.sort((a, b) => a - b);
  lags.sort((a, b) => a - b);
  return {
    offeredRps: rate,
    requests: n,
    answered: latencies.length,
    ok,
    errors: n - ok,
    statuses,
    achievedRps: Math.round(ok / Math.max(seconds, last / 1000)),
    p50Ms: ms(percentile(latencies, 50)),
    p90Ms: ms(percentile(latencies, 90)),
    p99Ms: ms(percentile(latencies, 99)),
    maxMs: ms(latencies.at(-1)),
    sendLagP99Ms: ms(percentile(lags, 99)),
    sendLagMaxMs: ms(lags.at(-1)),
  };
}

/**
 * `rate` requests a second to `url` for `seconds`, open loop, over `connections` keep-alive
 * connections (a request finding them all busy waits in the pool: that wait is in its latency).
 * A warm-up at the same rate comes first, not counted: it opens the connections and lets the JIT
 * settle (without it the driver fell tens of ms behind its own schedule in its first second).
 * @returns {Promise<ReturnType<typeof summarize> & { connections: number, maxInFlight: number, warmupSeconds: number }>}
 */
export async function openLoop(
  url,
  { rate, seconds, headers = {}, connections = OPEN_LOOP_CONNECTIONS, warmupSeconds = 1 },
) {
  const { origin, pathname, search } = new URL(url);
  const path = `${pathname}${search}`;
  const pool = new Pool(origin, { connections, pipelining: 1, headersTimeout: TIMEOUT_MS, bodyTimeout: TIMEOUT_MS });
  try {
    await scheduled(pool, { path, headers, rate, total: Math.floor(rate * warmupSeconds) });
    const { records, maxInFlight } = await scheduled(pool, { path, headers, rate, total: Math.floor(rate * seconds) });
    return { ...summarize(records, { rate, seconds }), connections, maxInFlight, warmupSeconds };
  } finally {
    await pool.close();
  }
}

/** One schedule of `total` requests through `pool`, every answer awaited: the records and the most in flight. */
async function scheduled(pool, { path, headers, rate, total }) {
  const records = {
    intended: new Float64Array(total),
    sent: new Float64Array(total),
    done: new Float64Array(total),
    status: new Uint16Array(total),
  };
  let inFlight = 0;
  let maxInFlight = 0;
  const pending = [];
  const t0 = performance.now();
  const clock = () => performance.now() - t0;
  const send = (i) => {
    records.intended[i] = intendedAt(i, rate);
    records.sent[i] = clock();
    maxInFlight = Math.max(maxInFlight, ++inFlight);
    pending.push(
      pool
        .request({ path, method: "GET", headers })
        .then(async ({ statusCode, body }) => {
          for await (const _ of body);
          records.status[i] = statusCode;
        })
        .catch(() => {
          records.status[i] = 0;
        })
        .finally(() => {
          records.done[i] = clock();
          inFlight--;
        }),
    );
  };
  await drive({ rate, total, clock, wait: until, send });
  await Promise.all(pending);
  return { records, maxInFlight };
}

/**
 * The schedule: calls `send(i)` for i = 0 … total − 1 as soon as `clock()` (ms since t0) reaches
 * request i's intended time, never waiting for an answer; `wait(ms)` sleeps until the next one is due.
 * @param {{ rate: number, total: number, clock: () => number, wait: (ms: number) => Promise<void>, send: (i: number) => void }} run
 */
export async function drive({ rate, total, clock, wait, send }) {
  let next = 0;
  while (next < total) {
    const due = dueBy(clock(), rate, total);
    while (next < due) send(next++);
    if (next < total) await wait(intendedAt(next, rate) - clock());
  }
}

/** Waits about `delayMs` (a timer when it is worth one, else one turn of the event loop). */
const until = (delayMs) =>
  new Promise((resolve) => (delayMs >= 1 ? setTimeout(resolve, Math.floor(delayMs)) : setImmediate(resolve)));
