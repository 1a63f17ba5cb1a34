// Where the tier path's CPU goes: `npx node bench/profile-tier.mjs` (about a minute). Warms
// TIER_KEYS answers through a Worker, then profiles its isolate (V8's sampling profiler through
// workerd's inspector) while wrk asks them in turn, so every request misses the memo and reads the
// colo cache: the path `npm run bench`'s tier section times. Prints self time by source and the top
// functions, mapped back to the Worker's own files with the bundle's source map.
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { bundleWorker, startFakeUpstream, startWorkerHost } from "./lib/hosts.mjs";
import { burst, fakeScenario } from "./lib/http.mjs";
import { stopAll } from "./lib/procs.mjs";
import { profileWhile, summarise } from "./lib/profile.mjs";
import { wrk } from "./lib/wrk.mjs";
import { proxyVars } from "./sections/credits.mjs";
import { tierPaths } from "./sections/tier-path.mjs";

const { REGIONS } = await import("../worker/charts/regions.ts");
const dir = mkdtempSync(join(tmpdir(), "profile-tier-"));
try {
  const bundleDir = await bundleWorker(dir);
  const fake = await startFakeUpstream();
  const scenario = fakeScenario(fake.url, `profile-tier-${Date.now()}`);
  const host = await startWorkerHost(
    { kind: "product", bundleDir, inspect: true, vars: proxyVars(scenario.url, { CACHE_TTL_SECONDS: "86400" }) },
    dir,
  );
  const paths = tierPaths(REGIONS);
  const { answers } = await burst(paths.length, 16, (i) => host.direct + paths[i]);
  const bad = answers.filter((a) => a.status !== 200).length;
  if (bad) throw new Error(`${bad} answers were not 200 while warming`);
  const pathsFile = join(dir, "paths.txt");
  writeFileSync(pathsFile, `${paths.join("\n")}\n`);
  const { profile, result } = await profileWhile(host, () =>
    wrk(host.direct, { connections: 16, seconds: 5, cpuPids: [host.workerdPid], pathsFile, pathsOffset: 0 }),
  );
  console.log(
    `${result.rps} req/s, ${result.cpuUsPerRequest} µs CPU a request (whole process), ${result.errors} errors`,
  );
  console.log(JSON.stringify(summarise(profile, bundleDir, []), null, 1));
} finally {
  await stopAll();
}
