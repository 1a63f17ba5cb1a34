import { createExecutionContext, createScheduledController, waitOnExecutionContext } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { vi } from "vitest";
import { JobLog } from "../../worker/archive/job-log";
import { ArchiveStore } from "../../worker/archive/store";
import { createScheduled } from "../../worker/scheduled";
import { type Harness, harness } from "./harness";

export const CRON = "17 * * * MON,TUE";
/** Monday 01:00 UTC of the week after `week` (the snapshot window opens at 00:00). */
export const mondayAfter = (weekStartMs: number) => weekStartMs + 7 * 86_400_000 + 3_600_000;
/** Monday 2026-11-16 00:00 UTC = the start of 2026-W47. */
export const W47_START = Date.UTC(2026, 10, 16);
const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
/** The hourly runs of 2026-W47's window as the crons schedule them: Monday and Tuesday at :17. */
export const WINDOW_RUNS = Array.from({ length: 48 }, (_, i) => W47_START + 7 * 24 * HOUR + i * HOUR + 17 * MINUTE);
/** Wednesday 00:05: the run that closes the window. */
export const CLOSING_RUN = W47_START + 9 * 24 * HOUR + 5 * MINUTE;

export interface JobHarness extends Harness {
  archive: ArchiveStore;
  jobLog: JobLog;
  hookCalls: { url: string; init: RequestInit | undefined }[];
  outbound: ReturnType<typeof vi.fn>;
  /**
   * Runs the scheduled handler for `time`, with the clock set to `clockAt` (default: `time`; a run
   * can start late); resolves to the error it threw, if any.
   */
  run(time: number, clockAt?: number): Promise<Error | null>;
  /**
   * Starts the scheduled handler for `time` with other bindings (`env`), without waiting for its
   * background work: `result` settles when the handler returns, `background()` when its waitUntil
   * work has finished too.
   */
  start(time: number, env: Env): { result: Promise<Error | null>; background: () => Promise<void> };
}

export async function jobHarness(vars: Partial<Record<keyof Env, string>> = {}): Promise<JobHarness> {
  const h = await harness(vars);
  const hookCalls: JobHarness["hookCalls"] = [];
  const outbound = vi.fn(async (input: RequestInfo | URL, init?: RequestInit) => {
    hookCalls.push({ url: String(input), init });
    return new Response(null, { status: 204 });
  });
  const scheduled = createScheduled({ ...h.deps, outbound: outbound as unknown as typeof fetch });
  return {
    ...h,
    archive: new ArchiveStore(env.DB, h.env.DATA_SOURCE === "demo" ? "demo" : "keyapi"),
    jobLog: new JobLog(env.DB, h.env.DATA_SOURCE === "demo" ? "demo" : "keyapi"),
    hookCalls,
    outbound,
    async run(time, clockAt = time) {
      h.clock.now = clockAt;
      const ctx = createExecutionContext();
      try {
        await scheduled(createScheduledController({ scheduledTime: time, cron: CRON }), h.env, ctx);
        return null;
      } catch (error) {
        return error as Error;
      } finally {
        await waitOnExecutionContext(ctx);
      }
    },
    start(time, runEnv) {
      h.clock.now = time;
      const ctx = createExecutionContext();
      const result = Promise.resolve(
        scheduled(createScheduledController({ scheduledTime: time, cron: CRON }), runEnv, ctx),
      ).then(
        () => null,
        (error: Error) => error,
      );
      return { result, background: () => waitOnExecutionContext(ctx) };
    },
  };
}

export async function count(sql: string, ...params: unknown[]): Promise<number> {
  const row = await env.DB.prepare(sql)
    .bind(...params)
    .first<{ n: number }>();
  return row?.n ?? 0;
}
