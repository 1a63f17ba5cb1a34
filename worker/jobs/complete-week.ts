import { callBuildHook, type NotifyDeps } from "./notify";

export interface CompleteWeekDeps extends NotifyDeps {
  backup: R2Bucket | null;
  /** The backup is written in the background: the run never waits on R2 while holding its lease. */
  waitUntil: (promise: Promise<unknown>) => void;
}

/**
 * A week every region that will get a snapshot has one: back it up (when an R2 bucket is bound)
 * and ask for the site build. Both are idempotent: a second call for the same week costs a head
 * request and a D1 claim, nothing more.
 */
export async function completeWeek(deps: CompleteWeekDeps, week: string, now: number): Promise<string> {
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
