// A burst of joiners, checked under the real runtime: `npm run bench:joiners` (about a minute).
// 2,000 different proxy questions, 16 at a time, against a fresh Worker (the deployed bundle under
// workerd) on the counting fake upstream; many 10-row windows ask for a 20-row upstream page another
// request is fetching at that moment, and join its gate question (worker/cache/held-answers.ts).
// Until 2026-12-02 a few of them (2–9 of 2,000) answered 500 and workerd logged "Cannot perform I/O
// on behalf of a different request (I/O type: ReadableStreamSource)": a joiner awaited the asker's
// own promise, so its continuation ran inside the asker's request. Joiners now wait on promises of
// their own (0 of 2,000 in each of four runs). Exits 1 when any answer is not 200. The unit test in
// test/worker/held-answers.test.ts checks the cause; this checks the symptom, which needs load.
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { bundleWorker, startFakeUpstream, startWorkerHost } from "./lib/hosts.mjs";
import { burst, fakeScenario } from "./lib/http.mjs";
import { stopAll } from "./lib/procs.mjs";
import { proxyVars } from "./sections/credits.mjs";
import { tierPaths } from "./sections/tier-path.mjs";

const { REGIONS } = await import("../worker/charts/regions.ts");
const dir = mkdtempSync(join(tmpdir(), "repro-cross-request-"));
let failures = 0;
try {
  const bundleDir = await bundleWorker(dir);
  const fake = await startFakeUpstream();
  const scenario = fakeScenario(fake.url, `repro-${Date.now()}`);
  const host = await startWorkerHost(
    { kind: "product", bundleDir, vars: proxyVars(scenario.url, { CACHE_TTL_SECONDS: "86400" }) },
    dir,
  );
  const paths = tierPaths(REGIONS);
  const { answers } = await burst(paths.length, 16, (i) => host.direct + paths[i]);
  const bad = answers.map((answer, i) => [answer, paths[i]]).filter(([answer]) => answer.status !== 200);
  failures = bad.length;
  console.log(`answers not 200: ${bad.length} of ${paths.length}`);
  for (const [answer, path] of bad.slice(0, 5)) console.log(`  ${answer.status} ${path}`);
  const lines = host.output.filter((line) => line.includes("different request"));
  console.log(`${lines.length} log line(s) with "different request"${lines[0] ? `, e.g.\n  ${lines[0]}` : ""}`);
} finally {
  await stopAll();
}
process.exitCode = failures > 0 ? 1 : 0;
