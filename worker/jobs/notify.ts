import { postAlert, WEBHOOK_TIMEOUT_MS } from "../alerts";
import type { JobLog } from "../archive/job-log";
import type { ArchiveStore } from "../archive/store";
import type { Config } from "../config";
import { utcDay } from "../upstream/gate-policy";
import { SITE_BUILD_EVENT } from "./triggers";

export interface NotifyDeps {
  config: Config;
  archive: ArchiveStore;
  jobLog: JobLog;
  fetch: typeof fetch;
  sleep: (ms: number) => Promise<void>;
  log: (event: Record<string, unknown>) => void;
}

/** Attempts per run, and the waits between them; a week still not hooked is retried next run. */
export const HOOK_ATTEMPTS = 3;
export const HOOK_BACKOFF_MS = [1_000, 4_000];
/** A claim older than this is considered abandoned (a run that died mid-call): well above 3 timed-out attempts. */
export const HOOK_CLAIM_MS = 10 * 60_000;
const USER_AGENT = "trending-sounds-snapshot-job";

/**
 * POSTs SITE_BUILD_HOOK once for a complete week: plain POST for a deploy hook, or GitHub's
 * repository_dispatch (bearer token, User-Agent, {event_type, client_payload}) when a token is
 * set. The claim in D1 makes it never twice for the same week, even across overlapping runs.
 */
export async function callBuildHook(
  deps: NotifyDeps,
  week: string,
  now: number,
): Promise<"called" | "failed" | "already" | "unset"> {
  const { siteBuildHook: url, siteBuildHookToken: token } = deps.config;
  if (!url) return "unset";
  if ((await deps.jobLog.claimBuildHook(week, now, HOOK_CLAIM_MS)) === null) return "already";
  let lastError = "";
  for (let attempt = 0; attempt < HOOK_ATTEMPTS; attempt++) {
    if (attempt > 0) await deps.sleep(HOOK_BACKOFF_MS[attempt - 1] ?? 4_000);
    try {
      const init: RequestInit = token
        ? {
            method: "POST",
            headers: {
              Authorization: `Bearer ${token}`,
              "User-Agent": USER_AGENT,
              Accept: "application/vnd.github+json",
              "Content-Type": "application/json",
            },
            body: JSON.stringify({ event_type: SITE_BUILD_EVENT, client_payload: { week } }),
          }
        : { method: "POST", headers: { "User-Agent": USER_AGENT } };
      const response = await deps.fetch(url, {
        ...init,
        redirect: "manual",
        signal: AbortSignal.timeout(WEBHOOK_TIMEOUT_MS),
      });
      await response.body?.cancel();
      if (response.ok) {
        await deps.jobLog.finishBuildHook(week, now, null);
        deps.log({ event: "build_hook_called", week, attempt: attempt + 1 });
        return "called";
      }
      lastError = `HTTP ${response.status}`;
    } catch (error) {
      lastError = error instanceof Error ? error.name : "network error";
    }
  }
  await deps.jobLog.finishBuildHook(week, now, lastError);
  deps.log({ event: "build_hook_failed", week, error: lastError });
  // A site that is not rebuilt shows last week's charts: the operator hears of it, once per week
  // (the hook itself is tried again by every later run until it answers).
  await sendAlert(deps, "build_hook_failed", { week, error: lastError, attempts: HOOK_ATTEMPTS }, now, week);
  return "failed";
}

/**
 * At most once per condition per UTC day (or per `period` given, e.g. a chart week), so an
 * operator hears about it without being flooded.
 */
export async function sendAlert(
  deps: NotifyDeps,
  condition: string,
  details: Record<string, unknown>,
  now: number,
  period: string = utcDay(now),
): Promise<boolean> {
  const url = deps.config.alertWebhook;
  if (!url) return false;
  if (!(await deps.jobLog.claimAlert(condition, period, now))) return false;
  const result = await postAlert(deps.fetch, url, condition, details, now);
  deps.log({ event: result.ok ? "alert_sent" : "alert_failed", condition, status: result.status });
  return result.ok;
}
