import type { Config } from "../config";
import { UpstreamError } from "../errors";
import type { Gate, GateAnswer } from "../upstream/gate";
import { HOLD_MS, type HeldAnswer, type HeldAnswers } from "./held-answers";
import { type ChartQuery, answerKey } from "./keys";
import { gateSettings } from "./settings";
import { type StoredPage, freshnessOf } from "./stored-page";
import {
  holdStaleInColoCache,
  putInColoCache,
  readAnswer,
  readHeldFromColoCache,
  releaseHeldInColoCache,
  writeAnswerToKv,
} from "./tiers";

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

/** How much longer than the upstream's timeout a joiner waits for the gate question it joined. */
const JOIN_MARGIN_MS = 10_000;

/** Refusals that hold for every asker until a known time: worth remembering for a while. */
const HOLDABLE_REFUSALS = new Set(["cooldown", "paused", "budget", "not_configured"]);

/** What a client is told when the gate cannot be reached and there is no copy to serve. */
const GATE_UNREACHABLE = { error: "network", message: "the upstream gate is unavailable; try again shortly" } as const;

/**
 * One full page of a chart through the tiers: colo cache → KV → the gate. A fresh copy is served
 * here; anything else asks the gate, which knows the latest good body even before KV propagates,
 * unless the gate said moments ago that it cannot do better than a stale copy or a refusal.
 * Concurrent askers of one key in this instance share one gate question.
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

  // Every read is done before the hold is checked: from that check to joining (or asking) the
  // question in flight there is no await, so no asker slips between a question and its hold.
  const heldNearby = deps.held.get(key, now) ? null : await heldInColo(deps, key, now, config);
  const held = deps.held.get(key, now) ?? heldNearby;
  if (held?.kind === "stale") return fromEntry(newer(held.entry, staleCopy), "STALE");
  if (held?.kind === "refused") {
    if (staleCopy) return fromEntry(staleCopy, "STALE");
    throw new UpstreamError(held.error, held.message, Math.max(1, Math.ceil((held.retryAt - now) / 1000)));
  }

  const question: Question = { deps, config, key, chart, page, client, now, read, staleCopy };
  const asked = deps.held.ask(key, () => askGate(question), config.upstreamTimeoutMs + JOIN_MARGIN_MS);
  let answer = await asked.answer;
  // A client over its own limit was refused for itself alone: a joiner (maybe another client) asks anew.
  if (asked.joined && answer?.kind === "error" && answer.error === "client_limit") answer = await askGate(question);
  return served(answer, page, staleCopy);
}

interface Question {
  deps: AnswerDeps;
  config: Config;
  key: string;
  chart: ChartQuery;
  page: number;
  client: string;
  now: number;
  read: Awaited<ReturnType<typeof readAnswer>>;
  staleCopy: StoredPage | null;
}

/**
 * The one gate question of this instance for a key, and what follows from the answer once (not
 * once per joiner): the KV and colo writes, and the hold that keeps the next askers away from the
 * gate. Null when the gate could not be reached.
 */
async function askGate(q: Question): Promise<GateAnswer | null> {
  const { deps, config, key, staleCopy, now } = q;
  let answer: GateAnswer;
  try {
    // The RPC stub's types cannot express the sounds' open-ended fields (unknown is not
    // Serializable in the type system), though the values are plain JSON.
    const kvFetchedAt = q.read?.from === "kv" ? q.read.page.fetchedAt : null;
    const asking = deps.gate.proxyPage(q.chart, q.page, gateSettings(config), q.client, kvFetchedAt);
    // Joiners in other requests wait on this question: keep the asking request alive until it is
    // answered, even if its own client goes away (a cancelled request cancels what waits on it).
    deps.waitUntil(asking.catch(() => undefined));
    answer = (await asking) as GateAnswer;
  } catch (error) {
    console.error(JSON.stringify({ event: "gate_unreachable", error: String(error) }));
    // An overloaded or unreachable gate is held like a failing upstream: asking it again on every
    // request is what overloads it.
    if (staleCopy) hold(deps, key, staleCopy, now);
    else deps.held.hold(key, { kind: "refused", ...GATE_UNREACHABLE, retryAt: now + HOLD_MS }, now + HOLD_MS);
    return null;
  }
  if (answer.kind === "error") {
    if (staleCopy) hold(deps, key, staleCopy, now);
    else if (HOLDABLE_REFUSALS.has(answer.error) && answer.retryAfter !== null) {
      const retryAt = answer.pausedUntil ?? now + answer.retryAfter * 1000;
      const refused = { kind: "refused" as const, error: answer.error, message: answer.message, retryAt };
      deps.held.hold(key, refused, Math.min(retryAt, now + HOLD_MS));
    }
  }
  if (answer.kind !== "page") return answer;
  if (answer.writeKv)
    deps.waitUntil(writeAnswerToKv(deps.kv, key, JSON.stringify(answer.entry), answer.entry.fetchedAt, config));
  if (answer.stale) {
    // Whether no refresh could start (failing, paused, over budget) or one is running, the stale
    // copy is the answer for now: held, so a burst makes one gate question, not one per request.
    const held = hold(deps, key, newer(answer.entry, staleCopy), now);
    // One asker per instance follows the refresh: once it has landed, the hold goes, so the next
    // request reads the fresh copy; if it failed, the hold runs its course.
    if (answer.reason === null) deps.waitUntil(dropHoldOnceRefreshed(q, held));
    return answer;
  }
  // One asker per copy keeps it near (the one the gate handed the KV write to): a stampede of
  // joiners must not each write the same page to the colo cache.
  if (answer.writeKv) deps.waitUntil(keepNear(deps, key, answer.entry, config, now));
  return answer;
}

/** What one asker is told, from the gate's answer and the stale copy it read itself. */
function served(answer: GateAnswer | null, page: number, staleCopy: StoredPage | null): PageAnswer {
  if (answer === null) {
    if (staleCopy) return fromEntry(staleCopy, "STALE");
    throw new UpstreamError(GATE_UNREACHABLE.error, GATE_UNREACHABLE.message, HOLD_MS / 1000);
  }
  switch (answer.kind) {
    case "past_total":
      return { page, entry: null, total: answer.total, fetchedAt: answer.fetchedAt, status: "HIT" };
    case "error":
      if (staleCopy) return fromEntry(staleCopy, "STALE");
      throw new UpstreamError(answer.error, answer.message, answer.retryAfter);
    case "page":
      // Prefer whichever stale copy is newer: KV may lag the gate, or the gate may have lost its.
      if (answer.stale) return fromEntry(newer(answer.entry, staleCopy), "STALE");
      if (staleCopy) return fromEntry(answer.entry, "REVALIDATED");
      return fromEntry(answer.entry, answer.fetched ? "MISS" : "HIT");
  }
}

function fromEntry(entry: StoredPage, status: CacheStatus): PageAnswer {
  return { page: entry.page, entry, total: entry.pagination.total, fetchedAt: entry.fetchedAt, status };
}

function newer(a: StoredPage, b: StoredPage | null): StoredPage {
  return b && b.fetchedAt > a.fetchedAt ? b : a;
}

/** Holds a stale copy here and in the colo cache; resolves to the hold once the colo has it. */
function hold(deps: AnswerDeps, key: string, entry: StoredPage, now: number): Promise<HeldAnswer> {
  const held: HeldAnswer = { kind: "stale", entry };
  deps.held.hold(key, held, now + HOLD_MS);
  const nearby = holdStaleInColoCache(deps.colo, key, entry, HOLD_MS / 1000).then(() => held);
  deps.waitUntil(nearby);
  return nearby;
}

/** Waits for the refresh in flight; unless it failed, lets the next request see what it stored. */
async function dropHoldOnceRefreshed(q: Question, holding: Promise<HeldAnswer>): Promise<void> {
  // After the colo write: a release that overtook it would leave the stale hold in the colo.
  const held = await holding;
  const outcome = await q.deps.gate.settle(q.chart, q.page, q.config.dataSource).catch(() => "failed" as const);
  if (outcome === "failed") return;
  q.deps.held.release(q.key, held);
  await releaseHeldInColoCache(q.deps.colo, q.key);
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
