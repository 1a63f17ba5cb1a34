import type { UpstreamQuery } from "../proxy/keys";
import { type UpstreamOutcome, classifyResponse } from "./classify";

export const UPSTREAM_PATH = "/v1/tiktok/trending/music";

export interface UpstreamTarget {
  /** Origin (and optional base path) of anything that speaks the provider's protocol. */
  url: string;
  apiKey: string;
  timeoutMs: number;
}

/** Wire form of a question: every parameter explicit, as the provider documents it. */
export function upstreamSearchParams(query: UpstreamQuery): URLSearchParams {
  return new URLSearchParams({
    region: query.region,
    period: String(query.period),
    page: String(query.page),
    limit: String(query.limit),
    new_to_top_100: String(query.newToTop100),
    commercial_music: String(query.commercialMusic),
    search_keyword: query.searchKeyword ?? "FALSE",
  });
}

/**
 * The one `fetch` to the upstream. Only `Authorization` and `Accept` are set: nothing a client
 * sent is forwarded. Redirects are not followed (a 3xx is a failure), so the key only ever goes
 * to the configured origin. One attempt; retries are the caller's decision.
 */
export async function callUpstream(target: UpstreamTarget, query: UpstreamQuery): Promise<UpstreamOutcome> {
  const url = `${target.url}${UPSTREAM_PATH}?${upstreamSearchParams(query)}`;
  const signal = AbortSignal.timeout(target.timeoutMs);
  try {
    const response = await fetch(url, {
      method: "GET",
      headers: { Authorization: `Bearer ${target.apiKey}`, Accept: "application/json" },
      redirect: "manual",
      signal,
    });
    const text = await response.text();
    return classifyResponse(query, response.status, text, response.headers.get("Retry-After"));
  } catch (error) {
    if (signal.aborted) {
      return {
        ok: false,
        kind: "timeout",
        status: null,
        retryAfter: null,
        detail: `no answer within ${target.timeoutMs} ms`,
      };
    }
    const name = error instanceof Error ? error.name : "unknown";
    return { ok: false, kind: "network", status: null, retryAfter: null, detail: `network error (${name})` };
  }
}
