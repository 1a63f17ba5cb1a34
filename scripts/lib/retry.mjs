// Retries with exponential backoff, for reads of a Worker that may blip (a 5xx, a reset, a new
// workers.dev hostname that does not resolve yet). Waits are passed in, so tests control them.

/**
 * Calls `attempt` until it returns something other than null, at most `tries` times, waiting
 * `baseMs`, 2 × `baseMs`, … (capped at `maxMs`) in between. Returns that value, or null.
 * @template T
 * @param {(tryNumber: number) => Promise<T | null>} attempt
 * @param {{ tries: number, baseMs: number, maxMs?: number, sleep?: (ms: number) => Promise<void>, log?: (line: string) => void }} options
 * @returns {Promise<T | null>}
 */
export async function withRetries(attempt, { tries, baseMs, maxMs = 60_000, sleep = defaultSleep, log = () => {} }) {
  for (let n = 1; n <= tries; n++) {
    const value = await attempt(n);
    if (value !== null) return value;
    if (n === tries) break;
    const wait = Math.min(maxMs, baseMs * 2 ** (n - 1));
    log(`try ${n} of ${tries} failed; again in ${wait / 1000} s`);
    await sleep(wait);
  }
  return null;
}

/** GET `url` as JSON: the parsed body of a 2xx answer, or null (any status, network error, bad JSON). */
export async function getJson(url, timeoutMs = 15_000) {
  try {
    const response = await fetch(url, {
      headers: { Accept: "application/json" },
      signal: AbortSignal.timeout(timeoutMs),
    });
    if (!response.ok) {
      await response.body?.cancel();
      return null;
    }
    return await response.json();
  } catch {
    return null;
  }
}

const defaultSleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
