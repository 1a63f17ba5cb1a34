import type { AppDeps } from "./app-env";
import { GlobalStore } from "./archive/global";
import { JobLog } from "./archive/job-log";
import { ArchiveStore } from "./archive/store";
import { loadConfig } from "./config";
import { runWeeklySnapshot } from "./jobs/snapshot";

/** A run this close to real time is the current week's: it may refresh the proxy's copies. */
const CURRENT_RUN_TOLERANCE_MS = 3_600_000;

/** The cron entry: wires the job's dependencies and hands it the scheduled time. */
export function createScheduled(deps: AppDeps): ExportedHandlerScheduledHandler<Env> {
  return async (controller, env) => {
    const config = loadConfig(env);
    await runWeeklySnapshot(
      {
        config,
        archive: new ArchiveStore(env.DB, config.dataSource),
        global: new GlobalStore(env.DB, config.dataSource),
        jobLog: new JobLog(env.DB, config.dataSource),
        gate: env.GATE.get(env.GATE.idFromName(deps.gateName)),
        kv: env.ANSWERS,
        fetch: deps.outbound,
        sleep: deps.sleep,
        now: deps.now,
        log: (event) => console.log(JSON.stringify(event)),
        refreshProxy: Math.abs(deps.now() - controller.scheduledTime) < CURRENT_RUN_TOLERANCE_MS,
        backup: env.ARCHIVE_BUCKET ?? null,
        runId: crypto.randomUUID(),
      },
      controller.scheduledTime,
    );
  };
}
