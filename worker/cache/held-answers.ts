import type { StoredPage } from "../answers/stored-page";
import type { UpstreamErrorKind } from "../errors";

/**
 * DESIGN.md "Only misses reach the gate": while the gate can only serve a stale copy (the upstream
 * is failing, paused or over budget, possibly for days) or refuse, each Worker instance keeps that
 * answer for a short while and asks the gate about the key at most once per HOLD_MS. The gate is
 * one Durable Object in one place (≈ 1,000 requests a second): an outage must not turn every
 * request into a call to it.
 */
export const HOLD_MS = 30_000;
/** An isolate's memory is small: the oldest holds go first past this many keys. */
export const MAX_HELD_KEYS = 1_000;

export type HeldAnswer =
  | { kind: "stale"; entry: StoredPage }
  | { kind: "refused"; error: UpstreamErrorKind; message: string; retryAt: number };

export class HeldAnswers {
  private readonly held = new Map<string, { answer: HeldAnswer; until: number }>();

  constructor(private readonly maxKeys = MAX_HELD_KEYS) {}

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

  get size(): number {
    return this.held.size;
  }
}
