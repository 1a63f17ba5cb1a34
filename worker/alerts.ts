/**
 * One JSON POST to ALERT_WEBHOOK. Who decides that an alert is due (and keeps it to once per
 * condition per UTC day) is the owner of the condition: the snapshot job for failed runs and
 * missed windows (claims in D1), the gate for cool-downs and a drying source (claims in its own
 * storage), since the gate sees those first, from proxy traffic as well as from the job.
 */
export const ALERT_USER_AGENT = "trending-sounds";
/** A webhook that never answers must not hold a cron invocation (or a build hook claim) hostage. */
export const WEBHOOK_TIMEOUT_MS = 10_000;

export async function postAlert(
  fetcher: typeof fetch,
  url: string,
  condition: string,
  details: Record<string, unknown>,
  now: number,
): Promise<{ ok: boolean; status: number | null }> {
  try {
    const response = await fetcher(url, {
      method: "POST",
      headers: { "Content-Type": "application/json", "User-Agent": ALERT_USER_AGENT },
      body: JSON.stringify({ source: "trending-sounds", condition, at: new Date(now).toISOString(), ...details }),
      redirect: "manual",
      signal: AbortSignal.timeout(WEBHOOK_TIMEOUT_MS),
    });
    await response.body?.cancel();
    return { ok: response.ok, status: response.status };
  } catch {
    return { ok: false, status: null };
  }
}
