// How fast the demo source answers, in Node: what `npm start` and the seed cost. Numbers, never
// assertions (machines here are noisy). Run it with the project's Node 22 (type stripping):
//
//   npx node bench/demo-throughput.mjs
//
// The seed is 71 regions × 12 weeks × 5 full pages = 4,260 answers; each run starts a year after
// the previous one, so it pays for the memos it fills, as a fresh Worker isolate would.
import "./lib/ts-imports.mjs";

const { REGIONS } = await import("../worker/charts/regions.ts");
const { demoAnswer } = await import("../worker/upstream/demo.ts");

const WEEK = 7 * 86_400_000;
const WEEKS = 12;
const RUNS = 3;
/** Monday 2026-01-05, 01:00 UTC: just after a chart week ends, when the snapshot job runs. */
const AS_OF = Date.UTC(2026, 0, 5, 1);

const query = (region, page, extra = {}) => ({
  region,
  period: 7,
  page,
  limit: 20,
  newToTop100: false,
  commercialMusic: false,
  searchKeyword: null,
  ...extra,
});

function seed(start) {
  let calls = 0;
  for (const region of REGIONS) {
    for (let w = 0; w < WEEKS; w++) {
      for (let page = 1; page <= 5; page++) {
        demoAnswer(query(region, page), start + (w - WEEKS) * WEEK);
        calls++;
      }
    }
  }
  return calls;
}

function warm(label, q, times = 200) {
  demoAnswer(q, AS_OF);
  const started = performance.now();
  for (let i = 0; i < times; i++) demoAnswer(q, AS_OF);
  console.log(`${label}: ${((performance.now() - started) / times).toFixed(3)} ms per answer (warm)`);
}

for (let run = 0; run < RUNS; run++) {
  const started = performance.now();
  const calls = seed(AS_OF + run * 52 * WEEK);
  const ms = performance.now() - started;
  console.log(`seed run ${run + 1}: ${calls} answers in ${ms.toFixed(0)} ms (${(ms / calls).toFixed(3)} ms each)`);
}
warm("one page, period 7", query("DE", 3));
warm("one page, period 120, commercial filter", query("BR", 2, { period: 120, commercialMusic: true }), 20);
console.log(`heap used: ${Math.round(process.memoryUsage().heapUsed / 1_048_576)} MiB`);
