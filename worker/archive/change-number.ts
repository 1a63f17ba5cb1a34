import type { DataSource } from "../config";
import { FOLD_VERSION } from "../search/fold";

/**
 * What a page or answer kept near the reader was made from (docs/http.md "Caches: no cached answer
 * outlives what it describes"): a cache key that carries it is a new key after any change, so a
 * cached copy is never served for an archive it does not describe. Read in one small query (four
 * index look-ups, whatever the archive's size) and trusted by an isolate for ARCHIVE_STATE_MEMO_MS.
 */
export interface ArchiveState {
  /** The source's change number (migrations 0007, 0009): every archive write moves it. 0: none yet. */
  change: number;
  /** Gaps recorded by the job's closing runs (no change number of their own; year answers list them). */
  gaps: number;
  /** A week's global ranking waits to be rebuilt from snapshots already stored (global_due). */
  globalDue: boolean;
  /** The search index is still being built from an older archive, or folded again (search_backfill). */
  indexing: boolean;
}

export interface KnownState {
  state: ArchiveState;
  /** When it was read (deps.now): a copy made from it is right as of then, not later. */
  readAt: number;
}

/**
 * How long an isolate trusts the state it read: a change reaches a reader within this plus the
 * browser's max-age, which is counted from the read (archive-cache/page-cache.ts browserMaxAge).
 */
export const ARCHIVE_STATE_MEMO_MS = 60_000;

const STATE = `SELECT (SELECT seq FROM change_seq WHERE source = ?1) AS change,
  (SELECT COUNT(*) FROM gaps WHERE source = ?1) AS gaps,
  EXISTS (SELECT 1 FROM global_due WHERE source = ?1) AS global_due,
  (SELECT done FROM search_backfill WHERE source = ?1) AS done,
  (SELECT fold FROM search_backfill WHERE source = ?1) AS fold`;

interface StateRow {
  change: number | null;
  gaps: number;
  global_due: number;
  done: number | null;
  fold: number | null;
}

/** One isolate's memory of each source's state (one instance in productionDeps, as for held answers). */
export class ArchiveStates {
  private readonly known = new Map<DataSource, KnownState>();

  async read(db: D1Database, source: DataSource, now: number): Promise<KnownState> {
    const kept = this.known.get(source);
    if (kept && now >= kept.readAt && now - kept.readAt < ARCHIVE_STATE_MEMO_MS) return kept;
    const row = await db.prepare(STATE).bind(source).first<StateRow>();
    const read: KnownState = {
      state: {
        change: row?.change ?? 0,
        gaps: row?.gaps ?? 0,
        globalDue: row?.global_due === 1,
        // No row: the source charted after migration 0008 and was indexed as it was stored. A
        // cursor of an older fold is an index about to be folded again (search/backfill.ts).
        indexing: row?.done === 0 || (row?.fold != null && row.fold < FOLD_VERSION),
      },
      readAt: now,
    };
    this.known.set(source, read);
    return read;
  }
}

/** The part of a cache key that names the archive a copy was made from. */
export function stateKey(state: ArchiveState): string {
  return `${state.change}.${state.gaps}`;
}
