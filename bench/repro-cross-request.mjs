// Joiners, checked under the real runtime: `npm run bench:joiners` (about two minutes). Two loads
// against a fresh Worker (the deployed bundle under workerd) on the counting fake upstream:
// - 2,000 different proxy questions, 16 at a time: many 10-row windows ask for a 20-row upstream
//   page another request is fetching at that moment, and join its gate question;
// - 1,000 at once on one cold key (the colo cache on and off, the upstream answering after 1 s
//   and 8 s): 999 join the first asker's question for as long as the upstream takes.
// Both once failed (worker/proxy/held-answers.ts says how): until 2026-12-02 a few of the 2,000
// answered 500 ("Cannot perform I/O on behalf of a different request"), and a first fix made
// every joiner of the 1,000 a 500 (workerd cancelled them as hung). Exits 1 unless every answer
// is a 200 and each stampede cost one upstream request.
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { bundleWorker, startFakeUpstream, startWorkerHost } from "./lib/hosts.mjs";
import { burst, fakeScenario } from "./lib/http.mjs";
import { stopAll } from "./lib/procs.mjs";
import { proxyVars, stampede } from "./sections/credits.mjs";
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
  // 1,000 at once on one cold key: 999 join the first asker's gate question for as long as the
  // upstream takes, with the colo cache and without it (nothing else of their own pending).
  const ctx = { fakeUrl: fake.url, runId: `${Date.now()}`, bundleDir, dir };
  for (const target of ["worker", "worker-kv-only"])
    for (const delayMs of [1_000, 8_000]) {
      const result = await stampede(ctx, { target, delayMs });
      const ok = result.answers["200 MISS"] ?? 0;
      console.log(
        `${target}, upstream after ${delayMs / 1000} s: ${JSON.stringify(result.answers)}, ${result.upstreamRequests} upstream request(s)`,
      );
      failures += result.clients - ok + (result.upstreamRequests === 1 ? 0 : 1);
    }
} finally {
  await stopAll();
}
process.exitCode = failures > 0 ? 1 : 0;
