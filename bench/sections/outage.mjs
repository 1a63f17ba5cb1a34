// A whole-window outage (49 failing runs) and the recovery after it, measured in workerd through
// the tests' harness (bench/workerd/): the only scenario that needs a clock the bench controls.
import { runGroup } from "../lib/procs.mjs";

export async function outage({ log }) {
  const started = performance.now();
  const { code, output, tail } = await runGroup(
    "npx",
    ["vitest", "run", "--config", "bench/workerd/vitest.config.mjs", "--reporter", "dot"],
    {
      name: "vitest (outage)",
      env: { WRANGLER_SEND_METRICS: "false", CLOUDFLARE_CF_FETCH_ENABLED: "false" },
      limitMs: 300_000,
    },
  );
  const line = output.find((l) => l.includes("BENCH_RESULT "));
  if (code !== 0 || !line) throw new Error(`the outage measurement failed (exit ${code}):\n${tail(40)}`);
  const result = JSON.parse(line.slice(line.indexOf("BENCH_RESULT ") + "BENCH_RESULT ".length));
  log?.(
    `  outage: ${result.outage.upstreamRequests} upstream requests in ${result.outage.runs} runs (${result.outage.percentOfReserve} % of the reserve)`,
  );
  return {
    ...result,
    clock: "the tests' harness clock (pauses of up to 60 s on the gate's clock)",
    seconds: +((performance.now() - started) / 1000).toFixed(1),
  };
}
