// An archive stored before search existed (migration 0008) is indexed in bounded steps by the new
// Worker: with ADMIN_TOKEN, the deploy takes them to the end. Not a deploy failure if it cannot:
// the site is live, search says its index is still being built, and the next deploy goes on.

/** One step is one bounded Worker invocation: a minute without an answer means it is stuck. */
const STEP_TIMEOUT_MS = 60_000;
/** The whole backfill: a CI job has a time limit of its own, and the next deploy goes on anyway. */
const BACKFILL_DEADLINE_MS = 15 * 60_000;
const MAX_STEPS = 10_000;

/**
 * @param {{ archiveUrl: string, token: string, say: (line: string) => void, signal?: AbortSignal, deadlineMs?: number }} options
 */
export async function indexForSearch({ archiveUrl, token, say, signal, deadlineMs = BACKFILL_DEADLINE_MS }) {
  const deadline = Date.now() + deadlineMs;
  for (let step = 1; step <= MAX_STEPS; step++) {
    if (Date.now() >= deadline || signal?.aborted) {
      say(`the search index's backfill stopped after ${step - 1} steps (time is up): the next deploy goes on`);
      return;
    }
    const stepSignal = AbortSignal.any([AbortSignal.timeout(STEP_TIMEOUT_MS), ...(signal ? [signal] : [])]);
    const answer = await fetch(`${archiveUrl}/api/admin/search-index`, {
      method: "POST",
      headers: { Authorization: `Bearer ${token}` },
      signal: stepSignal,
    })
      .then(async (response) => (response.ok ? { body: await response.json() } : { status: response.status }))
      .catch((error) => ({
        status: error.name === "TimeoutError" ? `no answer in ${STEP_TIMEOUT_MS / 1000} s` : String(error),
      }));
    if (!answer.body) {
      say(`the search index's backfill stopped (HTTP ${answer.status}): the next deploy goes on`);
      return;
    }
    const { pending, sounds } = answer.body;
    if (pending.length === 0) {
      if (step > 1) say(`search index complete (${step} steps)`);
      return;
    }
    if (step % 50 === 1) say(`indexing the archive for search: step ${step}, ${sounds} sounds in this step`);
  }
}
