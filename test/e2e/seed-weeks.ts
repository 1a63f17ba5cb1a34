import { expect } from "vitest";
import { isoWeekOf, previousWeek } from "../../worker/charts/iso-week";
import type { RecordedRequest, RequestsBody } from "../fake-upstream/client";
import type { RunningArtifact } from "./artifact";

/**
 * Seeding a running artifact's archive the way production fills it: the scheduled handler, fired
 * with a chosen time, against one scenario of the counting fake upstream (test/fake-upstream/).
 */
export interface UpstreamScenario {
  /** What the Worker gets as UPSTREAM_URL. */
  upstreamUrl: string;
  /** From now on the fake answers as the provider did at `asOf`, and only to `Bearer <key>`. */
  answerAsOf(asOf: number, key: string): Promise<void>;
  /** Every request that reached the scenario, in arrival order. */
  requests(): Promise<RecordedRequest[]>;
  /** Those the fake refused: what no KeyAPI client would send. */
  unexpected(): Promise<RecordedRequest[]>;
}

export function upstreamScenario(fakeUrl: string, scenario: string): UpstreamScenario {
  const control = `${fakeUrl}/__control/${scenario}`;
  const read = async (): Promise<RequestsBody> => {
    const response = await fetch(`${control}/requests`);
    if (!response.ok) throw new Error(`fake upstream: ${response.status}`);
    return (await response.json()) as RequestsBody;
  };
  return {
    upstreamUrl: `${fakeUrl}/s/${scenario}`,
    answerAsOf: async (asOf, key) => {
      const response = await fetch(`${control}/script`, {
        method: "PUT",
        body: JSON.stringify({ rules: [{ asOf }], expectKey: key }),
      });
      if (!response.ok) throw new Error(`fake upstream script: ${response.status} ${await response.text()}`);
    },
    requests: async () => (await read()).requests,
    unexpected: async () => (await read()).unexpected,
  };
}

/**
 * The cron as Cloudflare fires it: Miniflare's scheduled trigger with an exact scheduled time (it
 * waits for the job's waitUntil work). The job records every run it makes: the last one must be
 * the week before `time`, and complete.
 */
export async function runCron(artifact: RunningArtifact, cron: string, time: number): Promise<void> {
  const query = `cron=${encodeURIComponent(cron)}&time=${time}`;
  const trigger = await fetch(`${artifact.url}/cdn-cgi/local/scheduled?${query}`);
  const recentLogs = () => artifact.logs.slice(-20).join("\n");
  const outcome = await trigger.text();
  expect(trigger.status, `scheduled handler: ${outcome}\n${recentLogs()}`).toBe(200);
  const status = await fetch(`${artifact.url}/api/status`);
  expect(status.status, "/api/status must reach the Worker (is it in run_worker_first?)").toBe(200);
  const { lastRun } = (await status.json()) as { lastRun: { week: string; ok: boolean } | null };
  const week = previousWeek(isoWeekOf(time));
  expect(lastRun, `the snapshot run for ${week}\n${recentLogs()}`).toMatchObject({ week, ok: true });
}
