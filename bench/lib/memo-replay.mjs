// Which requests of a run the isolate's memo of rendered answers could answer: the runs replayed in
// order through the memo's own class (worker/proxy/rendered-answers.ts, passed in), each answer
// sized as the Worker rendered it. Each run goes on in its file where the last one stopped
// (wrk-paths.lua's offset).

const REPLAY_TTL_SECONDS = 3_600;

/** The share of the runs' requests that missed the memo (null for no requests). */
export function memoMissShare(RenderedAnswers, runs, sizeOf) {
  const memo = new RenderedAnswers();
  let misses = 0;
  let total = 0;
  let served = 0;
  for (const { paths, requests } of runs)
    for (let i = 0; i < requests; i++) {
      const path = paths[served++ % paths.length];
      total++;
      // Time stands still in a replay (now = fetchedAt = 0, a TTL of an hour): nothing expires,
      // only the memo's size limit evicts, which is what the replay measures.
      if (memo.get(path, 0, REPLAY_TTL_SECONDS)) continue;
      misses++;
      memo.keep(path, { body: "x".repeat(sizeOf(path)), etag: "", fetchedAt: 0, modifiedAt: 0 });
    }
  return total ? +(misses / total).toFixed(3) : null;
}
