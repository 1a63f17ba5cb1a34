import { type ChartQuery, answerKey } from "../answers/keys";
import { gateSettings } from "../answers/settings";
import { type StoredPage, freshnessOf } from "../answers/stored-page";
import type { Config } from "../config";
import { UpstreamError } from "../errors";
import type { Gate, GateAnswer } from "../upstream/gate";
import { HOLD_MS, type HeldAnswers } from "./held-answers";
import { holdStaleInColoCache, putInColoCache, readAnswer, readHeldFromColoCache, writeAnswerToKv } from "./tiers";

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
  /** This instance's short memory of answers the gate gave while it could not refresh. */
  held: HeldAnswers;
  waitUntil: (promise: Promise<unknown>) => void;
}

/** Refusals that hold for every asker until a known time: worth remembering for a while. */
const HOLDABLE_REFUSALS = new Set(["cooldown", "paused", "budget", "not_configured"]);

/**
 * One full page of a chart through the tiers: colo cache → KV → the gate. A fresh copy is served
 * here; anything else asks the gate, which knows the latest good body even before KV propagates,
 * unless the gate said moments ago that it cannot do better than a stale copy or a refusal.
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

  const held = deps.held.get(key, now) ?? (await heldInColo(deps, key, now, config));
  if (held?.kind === "stale") return fromEntry(newer(held.entry, staleCopy), "STALE");
  if (held?.kind === "refused") {
    if (staleCopy) return fromEntry(staleCopy, "STALE");
    throw new UpstreamError(held.error, held.message, Math.max(1, Math.ceil((held.retryAt - now) / 1000)));
  }

  let answer: GateAnswer;
  try {
    // The RPC stub's types cannot express the sounds' open-ended fields (unknown is not
    // Serializable in the type system), though the values are plain JSON.
    const kvFetchedAt = read?.from === "kv" ? read.page.fetchedAt : null;
    answer = (await deps.gate.proxyPage(chart, page, gateSettings(config), client, kvFetchedAt)) as GateAnswer;
  } catch (error) {
    console.error(JSON.stringify({ event: "gate_unreachable", error: String(error) }));
    if (staleCopy) return fromEntry(staleCopy, "STALE");
    throw new UpstreamError("network", "the upstream gate is unavailable; try again shortly", 5);
  }
  switch (answer.kind) {
    case "past_total":
      return { page, entry: null, total: answer.total, fetchedAt: answer.fetchedAt, status: "HIT" };
    case "error":
      if (staleCopy) {
        hold(deps, key, { kind: "stale", entry: staleCopy }, now);
        return fromEntry(staleCopy, "STALE");
      }
      if (HOLDABLE_REFUSALS.has(answer.error) && answer.retryAfter !== null) {
        const retryAt = answer.pausedUntil ?? now + answer.retryAfter * 1000;
        const refused = { kind: "refused" as const, error: answer.error, message: answer.message, retryAt };
        deps.held.hold(key, refused, Math.min(retryAt, now + HOLD_MS));
      }
      throw new UpstreamError(answer.error, answer.message, answer.retryAfter);
    case "page": {
      if (answer.writeKv)
        deps.waitUntil(writeAnswerToKv(deps.kv, key, JSON.stringify(answer.entry), answer.entry.fetchedAt, config));
      if (answer.stale) {
        // Prefer whichever stale copy is newer: KV may lag the gate, or the gate may have lost its.
        const newest = newer(answer.entry, staleCopy);
        if (answer.reason !== null) {
          // No refresh could start (failing, paused, over budget): remember that for a while.
          hold(deps, key, { kind: "stale", entry: newest }, now);
        } else {
          // Keep this invocation alive until the background refresh has finished; if it failed,
          // the stale copy is all there is for now: remember that too.
          deps.waitUntil(
            deps.gate.settle(chart, page, config.dataSource).then((outcome) => {
              if (outcome === "failed") hold(deps, key, { kind: "stale", entry: newest }, now);
            }),
          );
        }
        return fromEntry(newest, "STALE");
      }
      // One asker per copy keeps it near (the one the gate handed the KV write to): a stampede of
      // joiners must not each write the same page to the colo cache.
      if (answer.writeKv) deps.waitUntil(keepNear(deps, key, answer.entry, config, now));
      if (staleCopy) return fromEntry(answer.entry, "REVALIDATED");
      return fromEntry(answer.entry, answer.fetched ? "MISS" : "HIT");
    }
  }
}

function fromEntry(entry: StoredPage, status: CacheStatus): PageAnswer {
  return { page: entry.page, entry, total: entry.pagination.total, fetchedAt: entry.fetchedAt, status };
}

function newer(a: StoredPage, b: StoredPage | null): StoredPage {
  return b && b.fetchedAt > a.fetchedAt ? b : a;
}

function hold(deps: AnswerDeps, key: string, answer: { kind: "stale"; entry: StoredPage }, now: number): void {
  deps.held.hold(key, answer, now + HOLD_MS);
  deps.waitUntil(holdStaleInColoCache(deps.colo, key, answer.entry, HOLD_MS / 1000));
}

/** Where the colo cache works, a hold outlives this isolate and serves the whole colo. */
async function heldInColo(deps: AnswerDeps, key: string, now: number, config: Config) {
  const entry = await readHeldFromColoCache(deps.colo, key);
  if (!entry || freshnessOf(entry.fetchedAt, now, config) === "expired") return null;
  return { kind: "stale" as const, entry };
}

async function keepNear(deps: AnswerDeps, key: string, copy: StoredPage, config: Config, now: number): Promise<void> {
  const freshFor = config.cacheTtlSeconds - (now - copy.fetchedAt) / 1000;
  await putInColoCache(deps.colo, key, copy, freshFor);
}
