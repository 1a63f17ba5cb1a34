import { cpSync, mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { seedTimes } from "../../scripts/lib/seed.mjs";
import { isoWeekOf, previousWeek } from "../../worker/charts/iso-week";
import { type BuiltSite, buildSite, filesDiffer } from "../site/build-site";
import { applyMigrations, dryRunBundle, type RunningArtifact, startArtifact } from "./artifact";
import { freePort } from "./product";
import { runCron } from "./seed-weeks";

/**
 * A restored archive: the real Worker (the deploy's bundle under workerd, real D1) stores three
 * weeks and the site is built from its API; then the database goes back to a point before the
 * third week (as D1 Time Travel restores it: every table, the change counter included) and the job
 * stores that week again, a day later, with other charts. The next incremental build must show
 * the new charts, exactly as a full build of the restored archive does: the change numbers of the
 * new history must not pass for the old one's.
 */
const REGIONS = "DE,FR";
const DAY = 86_400_000;
// One clock for every build: the about page says when the data was read.
const env = { SOURCE_DATE_EPOCH: String(Math.floor(Date.now() / 1000)) };

let temp: string;
let artifact: RunningArtifact | undefined;
let incremental: BuiltSite;
let full: BuiltSite;
let before: BuiltSite;
let week3: string;
const built: BuiltSite[] = [];

beforeAll(async () => {
  temp = mkdtempSync(join(tmpdir(), "trending-sounds-history-"));
  const state = join(temp, "state");
  const restorePoint = join(temp, "restore-point");
  const logs = join(temp, "wrangler-logs");
  const noSite = join(temp, "no-site");
  mkdirSync(noSite);
  const [bundled, migrated] = await Promise.allSettled([
    dryRunBundle(join(temp, "bundle"), noSite, logs),
    applyMigrations(state, logs),
  ]);
  if (bundled.status === "rejected") throw bundled.reason;
  if (migrated.status === "rejected") throw migrated.reason;
  const port = await freePort();
  const start = () =>
    startArtifact({
      script: bundled.value,
      assetsDir: noSite,
      stateDir: state,
      port,
      vars: { DATA_SOURCE: "demo", KEYAPI_KEY: "", REGIONS },
    });
  const stop = async () => {
    await artifact?.stop();
    artifact = undefined;
  };

  const times = seedTimes(Date.now(), 3);
  week3 = previousWeek(isoWeekOf(times[2] ?? 0));
  artifact = await start();
  const cron = artifact.crons[0] ?? "";
  for (const time of times.slice(0, 2)) await runCron(artifact, cron, time);
  // The point the database is restored to: weeks one and two stored, the third not yet.
  await stop();
  cpSync(state, restorePoint, { recursive: true });
  artifact = await start();
  await runCron(artifact, cron, times[2] ?? 0);

  const kept = { cacheDir: join(temp, "cache"), outDir: join(temp, "dist"), env };
  before = await buildSite({ url: artifact.url }, artifact.url, kept);
  built.push(before);

  // Restore, then the job stores the third week again a day later (still inside its window): the
  // demo source's chart moves once a day, so these are other charts.
  await stop();
  rmSync(state, { recursive: true, force: true });
  cpSync(restorePoint, state, { recursive: true });
  artifact = await start();
  await runCron(artifact, cron, (times[2] ?? 0) + DAY);

  incremental = await buildSite({ url: artifact.url }, artifact.url, kept);
  full = await buildSite({ url: artifact.url }, artifact.url, { env });
  built.push(incremental, full);
}, 300_000);

afterAll(async () => {
  await artifact?.stop();
  for (const site of built) site.cleanup();
  if (temp) rmSync(temp, { recursive: true, force: true });
});

describe("after the archive is restored to an earlier point and written again", () => {
  it("stores other charts for the week written again", () => {
    const page = `/charts/DE/${week3}/index.html`;
    expect(full.read(page)).not.toEqual(before.read(page));
  });

  it("builds incrementally what a full build of the restored archive builds", () => {
    expect(incremental.files()).toEqual(full.files());
    expect(filesDiffer(full, incremental)).toEqual([]);
  });
});
