// Latency at a fixed offered rate (Debian's `hey`): wrk keeps every connection busy, so its p99 at
// saturation is queueing, whatever the server. hey's -q paces each of its -c workers, so the
// offered rate is q × c whatever the server does (up to c requests in flight).
import { runGroup } from "./procs.mjs";

/** Connections for a fixed rate: enough that a request may take c / rate seconds before the pace slips. */
export const FIXED_RATE_CONNECTIONS = 32;

const secondsLine = (text, label) => {
  const m = new RegExp(`${label}:\\s+([\\d.]+) secs`).exec(text);
  return m ? Number(m[1]) : null;
};

/**
 * hey's text report → { rps, p50Ms, p90Ms, p99Ms, maxMs, statuses, errors }; null when it holds no summary.
 * @param {string} text
 */
export function parseHey(text) {
  const rps = /Requests\/sec:\s+([\d.]+)/.exec(text);
  if (!rps) return null;
  const percentiles = {};
  for (const m of text.matchAll(/^\s*(\d+)%+ in ([\d.]+) secs/gm)) percentiles[m[1]] = Number(m[2]) * 1000;
  const statuses = {};
  for (const m of text.matchAll(/^\s*\[(\d+)\]\s+(\d+) responses/gm)) statuses[m[1]] = Number(m[2]);
  let errors = 0;
  const errorBlock = text.split("Error distribution:")[1] ?? "";
  for (const m of errorBlock.matchAll(/^\s*\[(\d+)\]/gm)) errors += Number(m[1]);
  const ms = (x) => (x === undefined || x === null ? null : +x.toFixed(2));
  const slowest = secondsLine(text, "Slowest");
  return {
    rps: Math.round(Number(rps[1])),
    p50Ms: ms(percentiles["50"]),
    p90Ms: ms(percentiles["90"]),
    p99Ms: ms(percentiles["99"]),
    maxMs: slowest === null ? null : ms(slowest * 1000),
    statuses,
    errors,
  };
}

/**
 * `rate` requests a second to `url` for `seconds` (hey -z), over FIXED_RATE_CONNECTIONS workers.
 * @returns {Promise<ReturnType<typeof parseHey> & { offeredRps: number }>}
 */
export async function hey(url, { rate, seconds, headers = {}, connections = FIXED_RATE_CONNECTIONS }) {
  const perWorker = Math.max(1, Math.round(rate / connections));
  const args = ["-z", `${seconds}s`, "-c", String(connections), "-q", String(perWorker), "-t", "10"];
  for (const [name, value] of Object.entries(headers)) args.push("-H", `${name}: ${value}`);
  args.push(url);
  const { code, output, tail } = await runGroup("hey", args, { name: "hey", limitMs: (seconds + 30) * 1000 });
  const report = parseHey(output.join("\n"));
  if (code !== 0 || !report) throw new Error(`hey failed (exit ${code}):\n${tail()}`);
  return { offeredRps: perWorker * connections, ...report };
}
