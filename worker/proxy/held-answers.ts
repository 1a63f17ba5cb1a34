import type { UpstreamErrorKind } from "../errors";
import type { GateAnswer } from "../upstream/gate";
import type { StoredPage } from "./stored-page";

/**
 * docs/http.md "Only misses reach the gate": while the gate can only serve a stale copy (a refresh is
 * in flight, or the upstream is failing, paused or over budget, possibly for days) or refuse, each
 * Worker instance keeps that answer for a short while and asks the gate about the key at most once
 * per HOLD_MS. The gate is one Durable Object in one place (≈ 1,000 requests a second): neither a
 * burst nor an outage may turn every request into a call to it.
 */
export const HOLD_MS = 30_000;
/** An isolate's memory is small: the oldest holds go first past this many keys. */
export const MAX_HELD_KEYS = 1_000;

export type HeldAnswer =
  | { kind: "stale"; entry: StoredPage }
  | { kind: "refused"; error: UpstreamErrorKind; message: string; retryAt: number };

/** What the gate said (null: it could not be reached), and whether this caller asked or joined. */
export interface AskedAnswer {
  answer: Promise<GateAnswer | null>;
  joined: boolean;
}

/** A joiner's wait is bounded: longer than a question can take (the upstream's timeout and more). */
export const DEFAULT_JOIN_WAIT_MS = 20_000;

interface Joiner {
  resolve: (answer: GateAnswer | null) => void;
  reject: (error: unknown) => void;
}

/** A question in flight: the joiners waiting for its answer, each on a promise of its own request. */
interface Asking {
  joiners: Set<Joiner>;
}

/**
 * A joiner's wait for another request's question, on a promise made in its own request (which the
 * asker's request settles) and with a timer of its own, both for workerd:
 * - awaiting the asker's own promise would run the joiner's continuation inside the asker's
 *   request, which then refuses the joiner's response ("Cannot perform I/O on behalf of a
 *   different request": a 500 for a few joiners of a burst);
 * - a request with nothing of its own pending is cancelled as hung (a 500 for every joiner of a
 *   1 s upstream call), and an answer then reaches it nowhere. The timer keeps it alive, and
 *   past `waitMs` the joiner asks for itself.
 * `npm run bench:joiners` shows both under load.
 */
function join(
  asking: Asking,
  question: () => Promise<GateAnswer | null>,
  waitMs: number,
  forget: (asking: Asking) => void,
) {
  let timer: ReturnType<typeof setTimeout> | null = null;
  const answer = new Promise<GateAnswer | null>((resolve, reject) => {
    const joiner: Joiner = { resolve, reject };
    asking.joiners.add(joiner);
    timer = setTimeout(() => {
      asking.joiners.delete(joiner);
      // The question outlived any answer it could give (its request was cancelled, and an answer
      // then reaches nobody): forgotten, or every later miss of the key would wait for it too.
      forget(asking);
      question().then(resolve, reject);
    }, waitMs);
  });
  // Cleared in the joiner's own request, where the timer lives.
  const clear = () => clearTimeout(timer);
  answer.then(clear, clear);
  return answer;
}

/**
 * An instance's memory of the gate's answers: the ones it holds for a while, and the questions
 * it has in flight. Together they make one gate question per key per instance: a concurrent
 * asker joins the question in flight, a later one gets the hold that question left behind.
 */
export class HeldAnswers {
  private readonly held = new Map<string, { answer: HeldAnswer; until: number }>();
  private readonly asking = new Map<string, Asking>();

  private readonly maxKeys: number;

  constructor(maxKeys = MAX_HELD_KEYS) {
    this.maxKeys = maxKeys;
  }

  get(key: string, now: number): HeldAnswer | null {
    const found = this.held.get(key);
    if (!found) return null;
    if (now >= found.until) {
      this.held.delete(key);
      return null;
    }
    return found.answer;
  }

  hold(key: string, answer: HeldAnswer, until: number): void {
    this.held.delete(key);
    this.held.set(key, { answer, until });
    // A Map iterates in insertion order: the first key is the oldest hold.
    for (const oldest of this.held.keys()) {
      if (this.held.size <= this.maxKeys) break;
      this.held.delete(oldest);
    }
  }

  /** Drops `answer` if it is still the one held for `key` (a later hold is left alone). */
  release(key: string, answer: HeldAnswer): void {
    if (this.held.get(key)?.answer === answer) this.held.delete(key);
  }

  /**
   * Joins the question in flight for `key`, or asks it. `question` should leave its hold behind
   * before it resolves: the question is forgotten only after that, so no asker falls in between.
   * A joiner waits at most `waitMs` (longer than any question takes), then forgets the question
   * and asks for itself.
   */
  ask(key: string, question: () => Promise<GateAnswer | null>, waitMs = DEFAULT_JOIN_WAIT_MS): AskedAnswer {
    const pending = this.asking.get(key);
    if (pending) return { answer: join(pending, question, waitMs, (stuck) => this.forget(key, stuck)), joined: true };
    const asked: Asking = { joiners: new Set() };
    this.asking.set(key, asked);
    const answer = question();
    const settle = (outcome: { value: GateAnswer | null } | { error: unknown }) => {
      this.forget(key, asked);
      for (const joiner of asked.joiners)
        "value" in outcome ? joiner.resolve(outcome.value) : joiner.reject(outcome.error);
    };
    answer.then(
      (value) => settle({ value }),
      (error: unknown) => settle({ error }),
    );
    return { answer, joined: false };
  }

  /** Forgets the question in flight for `key` if it is still `asking` (a later one is left alone). */
  private forget(key: string, asking: Asking): void {
    if (this.asking.get(key) === asking) this.asking.delete(key);
  }

  get size(): number {
    return this.held.size;
  }
}
