import type { Config } from "../config";
import { UpstreamError } from "../errors";
import type { Gate, GateAnswer, GateSettings } from "../upstream/gate";
import { type StoredPage, freshnessOf } from "./entry";
import { type ChartQuery, answerKey } from "./keys";
import { putInColoCache, readAnswer } from "./tiers";

export type CacheStatus = "HIT" | "MISS" | "STALE" | "REVALIDATED";

export interface PageAnswer {
  page: number;
  /** null when the page lies past a known total: answered locally, nothing to show. */
  entry: StoredPage | null;
  total: number;
  fetchedAt: number;
  status: CacheStatus;
}

export interface AnswerDeps {
  kv: KVNamespace;
  colo: Cache | null;
  gate: DurableObjectStub<Gate>;
  waitUntil: (promise: Promise<unknown>) => void;
}

export function gateSettings(config: Config): GateSettings {
  return {
    source: config.dataSource,
    upstreamUrl: config.upstreamUrl,
    apiKey: config.apiKey,
    timeoutMs: config.upstreamTimeoutMs,
    cacheTtlSeconds: config.cacheTtlSeconds,
    staleTtlSeconds: config.staleTtlSeconds,
    budgets: config.budgets,
    clientCallsPerHour: config.clientCallsPerHour,
    alertWebhook: config.alertWebhook,
  };
}

/**
 * One full page of a chart through the tiers: colo cache → KV → the gate. A fresh copy is served
 * here; anything else asks the gate, which knows the latest good body even before KV propagates.
 */
export async function answerPage(
  deps: AnswerDeps,
  config: Config,
  chart: ChartQuery,
  page: number,
  client: string,
  now: number,
): Promise<PageAnswer> {
  const key = await answerKey(config.dataSource, chart, page);
  const read = await readAnswer(deps.kv, deps.colo, key);
  const copy = read?.page ?? null;
  const copyFreshness = copy ? freshnessOf(copy.fetchedAt, now, config) : "expired";
  if (copy && copyFreshness === "fresh") {
    if (read?.from === "kv") deps.waitUntil(keepNear(deps, key, copy, config, now));
    return fromEntry(copy, "HIT");
  }
  const staleCopy = copyFreshness === "stale" ? copy : null;
  let answer: GateAnswer;
  try {
    // The RPC stub's types cannot express the sounds' open-ended fields (unknown is not
    // Serializable in the type system), though the values are plain JSON.
    answer = (await deps.gate.proxyPage(chart, page, gateSettings(config), client, now)) as GateAnswer;
  } catch (error) {
    console.error(JSON.stringify({ event: "gate_unreachable", error: String(error) }));
    if (staleCopy) return fromEntry(staleCopy, "STALE");
    throw new UpstreamError("network", "the upstream gate is unavailable; try again shortly", 5);
  }
  switch (answer.kind) {
    case "past_total":
      return { page, entry: null, total: answer.total, fetchedAt: answer.fetchedAt, status: "HIT" };
    case "error":
      if (staleCopy) return fromEntry(staleCopy, "STALE");
      throw new UpstreamError(answer.error, answer.message, answer.retryAfter);
    case "page": {
      if (answer.stale) {
        // Keep this invocation alive until the background refresh (if one runs) has finished.
        deps.waitUntil(deps.gate.settle(chart, page, config.dataSource));
        // Prefer whichever stale copy is newer: KV may lag the gate, or the gate may have lost its.
        const newest = staleCopy && staleCopy.fetchedAt > answer.entry.fetchedAt ? staleCopy : answer.entry;
        return fromEntry(newest, "STALE");
      }
      deps.waitUntil(keepNear(deps, key, answer.entry, config, now));
      if (staleCopy) return fromEntry(answer.entry, "REVALIDATED");
      return fromEntry(answer.entry, answer.fetched ? "MISS" : "HIT");
    }
  }
}

function fromEntry(entry: StoredPage, status: CacheStatus): PageAnswer {
  return { page: entry.page, entry, total: entry.pagination.total, fetchedAt: entry.fetchedAt, status };
}

async function keepNear(deps: AnswerDeps, key: string, copy: StoredPage, config: Config, now: number): Promise<void> {
  const freshFor = config.cacheTtlSeconds - (now - copy.fetchedAt) / 1000;
  await putInColoCache(deps.colo, key, copy, freshFor).catch(() => undefined);
}
