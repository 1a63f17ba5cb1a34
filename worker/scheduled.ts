import { type AppDeps, assetsFile } from "./app-env";
import { GlobalStore } from "./archive/global";
import { JobLog } from "./archive/job-log";
import { countingD1 } from "./archive/query-counter";
import { ArchiveStore } from "./archive/store";
import { loadConfig } from "./config";
import { runSiteAgeCheck } from "./jobs/site-age-check";
import { runWeeklySnapshot } from "./jobs/snapshot";
import { SITE_AGE_CRON } from "./jobs/triggers";
import { readLiveSiteRecord } from "./site-record";

/** A run this close to real time is the current week's: it may refresh the proxy's copies. */
const CURRENT_RUN_TOLERANCE_MS = 3_600_000;

const log = (event: Record<string, unknown>) => console.log(JSON.stringify(event));

/**
 * The cron entry: wires the jobs' dependencies and hands them the time. The site-age cron runs
 * only the site-age check; every other cron is the snapshot job's.
 */
export function createScheduled(deps: AppDeps): ExportedHandlerScheduledHandler<Env> {
  return async (controller, env, ctx) => {
    const config = loadConfig(env);
    if (controller.cron === SITE_AGE_CRON) {
      await runSiteAgeCheck(
        {
          config,
          archive: new ArchiveStore(env.DB, config.dataSource),
          jobLog: new JobLog(env.DB, config.dataSource),
          fetch: deps.outbound,
          sleep: deps.sleep,
          log,
          readSite: () => readLiveSiteRecord((path) => (deps.siteFile ?? assetsFile)(env, path)),
        },
        deps.now(),
      );
      return;
    }
    // One counted binding for the whole run: D1's queries per invocation are its real limit.
    const d1 = countingD1(env.DB);
    await runWeeklySnapshot(
      {
        config,
        archive: new ArchiveStore(d1.db, config.dataSource),
        global: new GlobalStore(d1.db, config.dataSource),
        jobLog: new JobLog(d1.db, config.dataSource),
        d1Queries: d1.queries,
        waitUntil: (promise) => ctx.waitUntil(promise),
        gate: env.GATE.get(env.GATE.idFromName(deps.gateName)),
        kv: env.ANSWERS,
        fetch: deps.outbound,
        sleep: deps.sleep,
        now: deps.now,
        log,
        refreshProxy: Math.abs(deps.now() - controller.scheduledTime) < CURRENT_RUN_TOLERANCE_MS,
        backup: env.ARCHIVE_BUCKET ?? null,
        runId: crypto.randomUUID(),
      },
      controller.scheduledTime,
    );
  };
}
