-- docs/site.md "A new week costs the same in year ten as in week two": the site build reads only the
-- charts that changed since the build it starts from. Every change to what a chart shows — its
-- snapshot stored, or its derived fields (last week, peak, weeks on chart, movement) derived again
-- after a backfill or an import — takes the source's next change number into `snapshots.changed`,
-- in the same transaction as the change itself (triggers, so no writer can forget it), and
-- `/api/site/charts?since=N` answers the charts whose number is above N.
CREATE TABLE change_seq (
  source TEXT    PRIMARY KEY,
  seq    INTEGER NOT NULL
);

-- 0: changed before this migration. A build that knows no change number reads everything, so no
-- existing row needs a number (and no row is rewritten here).
ALTER TABLE snapshots ADD COLUMN changed INTEGER NOT NULL DEFAULT 0;
CREATE INDEX snapshots_by_change ON snapshots (source, changed);

-- A stored snapshot.
CREATE TRIGGER snapshots_changed_insert AFTER INSERT ON snapshots
BEGIN
  INSERT OR IGNORE INTO change_seq (source, seq) VALUES (NEW.source, 0);
  UPDATE change_seq SET seq = seq + 1 WHERE source = NEW.source;
  UPDATE snapshots SET changed = (SELECT seq FROM change_seq WHERE source = NEW.source)
   WHERE source = NEW.source AND region = NEW.region AND week = NEW.week;
END;

-- A slice of a region's later weeks derived again (worker/archive/rederive.ts): the pending mark
-- moves past the slice, or is deleted after the last one. The weeks between the old and the new
-- mark (or after the old one) are the ones whose derived fields were just rewritten.
CREATE TRIGGER derive_pending_changed_step AFTER UPDATE OF after_week ON derive_pending
  WHEN NEW.after_week > OLD.after_week
BEGIN
  INSERT OR IGNORE INTO change_seq (source, seq) VALUES (NEW.source, 0);
  UPDATE change_seq SET seq = seq + 1 WHERE source = NEW.source;
  UPDATE snapshots SET changed = (SELECT seq FROM change_seq WHERE source = NEW.source)
   WHERE source = NEW.source AND region = NEW.region AND week > OLD.after_week AND week <= NEW.after_week;
END;
CREATE TRIGGER derive_pending_changed_done AFTER DELETE ON derive_pending
BEGIN
  INSERT OR IGNORE INTO change_seq (source, seq) VALUES (OLD.source, 0);
  UPDATE change_seq SET seq = seq + 1 WHERE source = OLD.source;
  UPDATE snapshots SET changed = (SELECT seq FROM change_seq WHERE source = OLD.source)
   WHERE source = OLD.source AND region = OLD.region AND week > OLD.after_week;
END;

-- The global ranking depends on a snapshot's entries, not on its change number: writing the number
-- must not mark the week's global ranking due again (0004's trigger fired on any column).
DROP TRIGGER snapshots_global_due_update;
CREATE TRIGGER snapshots_global_due_update AFTER UPDATE OF source, region, week, fetched_at, entries ON snapshots
  BEGIN INSERT OR IGNORE INTO global_due (source, week) VALUES (NEW.source, NEW.week); END;
