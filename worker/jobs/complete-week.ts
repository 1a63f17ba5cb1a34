import type { GlobalStore } from "../archive/global";
import { callBuildHook, type NotifyDeps } from "./notify";

export interface CompleteWeekDeps extends NotifyDeps {
  /** The week's global ranking, already rebuilt: its debuts are published from it. */
  global: GlobalStore;
  backup: R2Bucket | null;
  /** The backup is written in the background: the run never waits on R2 while holding its lease. */
  waitUntil: (promise: Promise<unknown>) => void;
}

/**
 * A week every region that will get a snapshot has one: its global ranking is final, so its global
 * debuts are published (before the build hook: the build reads them), then it is backed up (when
 * an R2 bucket is bound) and the site build asked for. All idempotent: a second call for the same
 * week costs one D1 insert that adds nothing, a head request and a D1 claim.
 */
export async function completeWeek(deps: CompleteWeekDeps, week: string, now: number): Promise<string> {
  const published = await deps.global.publishDebuts(week);
  if (published > 0) deps.log({ event: "global_debuts_published", week, items: published });
  if (deps.backup) deps.waitUntil(backupWeek(deps, deps.backup, week));
  return callBuildHook(deps, week, now);
}

async function backupWeek(deps: CompleteWeekDeps, bucket: R2Bucket, week: string): Promise<void> {
  const key = `weeks/${deps.config.dataSource}/${week}.jsonl`;
  try {
    const stored = (await deps.archive.regionsWithSnapshot(week)).size;
    const existing = await bucket.head(key);
    // Rewritten only when the week grew (a late region): the object always holds the whole week.
    // Counted first, so an unchanged week costs no load of its charts.
    if (existing?.customMetadata?.charts === String(stored)) return;
    const charts = await deps.archive.chartsOfWeek(week);
    await bucket.put(key, charts.map((chart) => `${JSON.stringify(chart)}\n`).join(""), {
      httpMetadata: { contentType: "application/x-ndjson" },
      customMetadata: { charts: String(charts.length) },
    });
    deps.log({ event: "week_backed_up", week, key, charts: charts.length });
  } catch (error) {
    // The archive in D1 is intact; the backup is retried when the week is closed next run.
    deps.log({ event: "backup_failed", week, error: String(error) });
  }
}
