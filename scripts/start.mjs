// `npm start`: the whole product on one localhost URL, on the demo source unless a key is configured.
import { execFileSync } from "node:child_process";
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { freePort, startDevServer, WRANGLER_ENV } from "./lib/dev-server.mjs";
import { seedHistory } from "./lib/seed.mjs";

const devVars = existsSync(".dev.vars") ? readFileSync(".dev.vars", "utf8") : "";
const keyInDevVars = /^\s*KEYAPI_KEY\s*=\s*["']?[^"'\s]+/m.test(devVars);
const keyInEnv = Boolean(process.env.KEYAPI_KEY?.trim());
const useKey = keyInDevVars || keyInEnv;
const devVarsSource = devVars.match(/^\s*DATA_SOURCE\s*=\s*["']?(\w+)/m)?.[1];
const source = (process.env.DATA_SOURCE || devVarsSource || (useKey ? "keyapi" : "demo")).toLowerCase();

function step(message) {
  console.log(`• ${message}`);
}

step("building the site (site/dist)");
execFileSync("npx", ["astro", "build", "--root", "site", "--silent"], {
  stdio: "inherit",
  env: { ...process.env, ASTRO_TELEMETRY_DISABLED: "1" },
});

step("applying D1 migrations to the local archive");
execFileSync("npx", ["wrangler", "d1", "migrations", "apply", "DB", "--local"], {
  stdio: ["ignore", "ignore", "inherit"],
  env: { ...process.env, ...WRANGLER_ENV, CI: "true" },
});

// A key exported in the shell reaches the Worker through an env file only we can read: never on
// the command line, where any user of the machine could see it in the process list.
mkdirSync(".wrangler", { recursive: true });
const envFile = ".wrangler/start.env";
const lines = [devVars.trim()];
if (keyInEnv && !keyInDevVars) lines.push(`KEYAPI_KEY=${process.env.KEYAPI_KEY?.trim()}`);
lines.push(`DATA_SOURCE=${source}`); // the last definition wins
writeFileSync(envFile, `${lines.filter(Boolean).join("\n")}\n`, { mode: 0o600 });
chmodSync(envFile, 0o600);

const port = await freePort(Number(process.env.PORT) || 8787);
step(
  `starting the Worker (wrangler dev) on port ${port}, data source: ${source}${useKey ? "" : " (no KEYAPI_KEY configured)"}`,
);
const server = await startDevServer({
  port,
  envFile,
  log: (line) => {
    if (/error|warn/i.test(line) && !/EBADENGINE/.test(line)) console.log(`  wrangler: ${line}`);
  },
});

const shutdown = () => {
  server.stop();
  process.exit(0);
};
process.on("SIGINT", shutdown);
process.on("SIGTERM", shutdown);
server.child.on("exit", (code) => {
  console.log(`wrangler dev stopped (exit ${code})`);
  process.exit(code ?? 1);
});

if (source === "demo") {
  step("seeding 12 weeks of history through the snapshot job (demo source; runs already stored cost nothing)");
  await seedHistory(server.url, { weeks: 12 });
} else {
  step("not seeding history: the provider only knows the current chart (the weekly cron builds the archive)");
}

console.log(`Ready: ${server.url}`);
console.log(`  curl '${server.url}/v1/tiktok/trending/music?region=US&limit=5'`);
console.log(`  curl '${server.url}/v1/tiktok/trending/music?region=de&period=30&page=2&limit=10'`);
console.log(`  curl '${server.url}/api/regions'`);
console.log(`  curl '${server.url}/api/charts/DE/latest'`);
console.log(`  curl '${server.url}/api/status'`);
console.log(`  curl '${server.url}/openapi.json'`);
console.log("Press Ctrl+C to stop.");
