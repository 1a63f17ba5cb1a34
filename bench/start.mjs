// `npm run bench:start`: the README's quick start, timed on a fresh clone. Clones this checkout's
// HEAD into a temporary folder, installs it (`npm ci`, timed apart), then times `npm start` until
// it prints `Ready` (wrangler dev, 12 demo weeks seeded through the snapshot job, a full site build
// with no cache) and `npm run cron:next` until the next week's page is served (the job, an
// incremental build, the new files written into the served folder). Stops everything and removes
// the clone. Results: bench/results/start.json (`npm run bench:readme` shows them).
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { loadavg, tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { freePort } from "../scripts/lib/dev-server.mjs";
import { runGroup } from "./lib/procs.mjs";

const OUT = resolve("bench/results/start.json");
const dir = mkdtempSync(join(tmpdir(), "trending-sounds-start-"));
const clone = join(dir, "clone");
let server;
const cleanUp = () => {
  if (server?.pid) {
    try {
      process.kill(-server.pid, "SIGTERM");
    } catch {
      // gone
    }
  }
  rmSync(dir, { recursive: true, force: true });
};
for (const signal of ["SIGINT", "SIGTERM", "SIGHUP"])
  process.once(signal, () => {
    cleanUp();
    process.exit(130);
  });

const seconds = (from) => +((performance.now() - from) / 1000).toFixed(1);

async function step(command, args, cwd, env = {}) {
  const started = performance.now();
  const { code, tail } = await runGroup(command, args, {
    cwd,
    env,
    name: `${command} ${args.join(" ")}`,
    limitMs: 900_000,
  });
  if (code !== 0) throw new Error(`${command} ${args.join(" ")} failed (exit ${code}):\n${tail(30)}`);
  return seconds(started);
}

try {
  const load = loadavg()[0];
  await step("git", ["clone", "--quiet", resolve("."), clone], ".");
  const install = await step("npm", ["ci", "--no-audit", "--no-fund"], clone);
  const port = await freePort(0);
  const started = performance.now();
  server = spawn("npm", ["start"], { cwd: clone, detached: true, env: { ...process.env, PORT: String(port) } });
  const output = [];
  const ready = await new Promise((done, fail) => {
    const onData = (chunk) => {
      output.push(String(chunk));
      if (/^Ready: /m.test(output.join(""))) done(seconds(started));
    };
    server.stdout.on("data", onData);
    server.stderr.on("data", (chunk) => output.push(String(chunk)));
    server.once("exit", (code) => fail(new Error(`npm start exited (${code}):\n${output.join("").slice(-3000)}`)));
  });
  console.log(`npm start: Ready in ${ready} s`);
  const cron = await step("npm", ["run", "-s", "cron:next"], clone, { PORT: String(port) });
  console.log(`npm run cron:next: the new week served in ${cron} s`);
  // npm start says what the rebuild took once the new pages answer, a moment after cron:next sees them.
  const rebuilt = () =>
    /site rebuilt from the archive in ([\d.]+) s \((\d+) files written/.exec(
      output.join("").split("job says")[1] ?? "",
    );
  for (let i = 0; i < 100 && !rebuilt(); i++) await new Promise((done) => setTimeout(done, 100));
  const build = rebuilt();
  const result = {
    date: new Date().toISOString(),
    loadAtStart: +load.toFixed(2),
    npmCiSeconds: install,
    npmStartToReadySeconds: ready,
    cronNextSeconds: cron,
    cronNextBuildSeconds: build ? Number(build[1]) : null,
    cronNextFilesWritten: build ? Number(build[2]) : null,
    log: output
      .join("")
      .split("\n")
      .filter((line) => line.startsWith("•") || line.startsWith("  [")),
  };
  writeFileSync(OUT, `${JSON.stringify(result, null, 2)}\n`);
  console.log(`written: ${OUT}`);
} finally {
  cleanUp();
}
