// A known bug, reproduced (not fixed yet): `npx node bench/repro-cross-request.mjs`.
// 2,000 different proxy questions, 16 at a time, against a fresh Worker (the deployed bundle under
// workerd) on the counting fake upstream. A few of them (2–7 of 2,000 in four runs on 2026-12-02)
// answer 500, and workerd logs "Cannot perform I/O on behalf of a different request (I/O type:
// ReadableStreamSource)" as a `remote.` error: it comes back from the gate Durable Object. Each is a
// 10-row window whose 20-row upstream page another request was fetching at that moment. Handing
// joiners a copy of the gate's in-flight answer (structuredClone) did not change it. The bench's
// tier-path section warms the 20-row windows first to stay clear of it. Exits 1 while it happens.
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
  console.log(`non-200: ${bad.length} of ${paths.length}`);
  for (const [answer, path] of bad.slice(0, 5)) console.log(`  ${answer.status} ${path}`);
  const lines = host.output.filter((line) => line.includes("different request"));
  console.log(`${lines.length} log line(s) with "different request"${lines[0] ? `, e.g.\n  ${lines[0]}` : ""}`);
} finally {
  await stopAll();
}
process.exitCode = failures > 0 ? 1 : 0;
