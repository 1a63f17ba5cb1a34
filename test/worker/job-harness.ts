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

export interface JobHarness extends Harness {
  archive: ArchiveStore;
  jobLog: JobLog;
  hookCalls: { url: string; init: RequestInit | undefined }[];
  outbound: ReturnType<typeof vi.fn>;
  /** Runs the exported scheduled handler at `time`; resolves to the error it threw, if any. */
  run(time: number): Promise<Error | null>;
  gateStatus(): Promise<{ spend: { proxyToday: number; searchToday: number; snapshotThisWeek: number } }>;
}

export async function jobHarness(vars: Partial<Record<keyof Env, string>> = {}): Promise<JobHarness> {
  const h = await harness(vars);
  const hookCalls: JobHarness["hookCalls"] = [];
  const outbound = vi.fn(async (input: RequestInfo | URL, init?: RequestInit) => {
    hookCalls.push({ url: String(input), init });
    return new Response(null, { status: 204 });
  });
  const scheduled = createScheduled({
    now: () => h.clock.now,
    gateName: h.gateName,
    coloCache: () => null,
    sleep: async () => undefined,
    outbound: outbound as unknown as typeof fetch,
  });
  return {
    ...h,
    archive: new ArchiveStore(env.DB),
    jobLog: new JobLog(env.DB),
    hookCalls,
    outbound,
    async run(time) {
      h.clock.now = time;
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
    async gateStatus() {
      return env.GATE.get(env.GATE.idFromName(h.gateName)).status(h.clock.now);
    },
  };
}

export async function count(sql: string, ...params: unknown[]): Promise<number> {
  const row = await env.DB.prepare(sql)
    .bind(...params)
    .first<{ n: number }>();
  return row?.n ?? 0;
}
