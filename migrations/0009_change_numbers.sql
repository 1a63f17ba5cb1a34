-- Change numbers (0007) that survive a rewound history, count every change, and let the site build
-- check what it keeps against the archive in one cheap read.
--
-- 1. Time-based numbers. After D1 is restored to an earlier point (Time Travel), a counter that
--    only adds one hands out the numbers of the lost history again, and a build that asks `since`
--    a number it read before the restore misses what is stored after it. Every bump now takes
--    MAX(seq + 1, now in epoch milliseconds): still strictly increasing per source, and above any
--    number handed out before the restore (those were at most their own time plus one per change
--    made within the same millisecond). julianday('now') is SQLite's clock, in D1 and in workerd's
--    local SQLite alike (unixepoch('subsec') needs SQLite 3.42); 2440587.5 is the Unix epoch as a
--    Julian day. Rows numbered before this migration keep their small numbers: every new one is
--    above them.
--
-- Each trigger is replaced by DROP TRIGGER + CREATE TRIGGER of the same name in this one migration:
-- `wrangler d1 migrations apply` runs a migration file as one unit (a failing one is rolled back
-- whole), so no write runs between the two, and the live Worker never names a trigger: replacing
-- one is expand-only for it.
DROP TRIGGER snapshots_changed_insert;
CREATE TRIGGER snapshots_changed_insert AFTER INSERT ON snapshots
BEGIN
  INSERT OR IGNORE INTO change_seq (source, seq) VALUES (NEW.source, 0);
  UPDATE change_seq SET seq = MAX(seq + 1, CAST((julianday('now') - 2440587.5) * 86400000 AS INTEGER))
   WHERE source = NEW.source;
  UPDATE snapshots SET changed = (SELECT seq FROM change_seq WHERE source = NEW.source)
   WHERE source = NEW.source AND region = NEW.region AND week = NEW.week;
END;

DROP TRIGGER derive_pending_changed_step;
CREATE TRIGGER derive_pending_changed_step AFTER UPDATE OF after_week ON derive_pending
  WHEN NEW.after_week > OLD.after_week
BEGIN
  INSERT OR IGNORE INTO change_seq (source, seq) VALUES (NEW.source, 0);
  UPDATE change_seq SET seq = MAX(seq + 1, CAST((julianday('now') - 2440587.5) * 86400000 AS INTEGER))
   WHERE source = NEW.source;
  UPDATE snapshots SET changed = (SELECT seq FROM change_seq WHERE source = NEW.source)
   WHERE source = NEW.source AND region = NEW.region AND week > OLD.after_week AND week <= NEW.after_week;
END;

DROP TRIGGER derive_pending_changed_done;
CREATE TRIGGER derive_pending_changed_done AFTER DELETE ON derive_pending
BEGIN
  INSERT OR IGNORE INTO change_seq (source, seq) VALUES (OLD.source, 0);
  UPDATE change_seq SET seq = MAX(seq + 1, CAST((julianday('now') - 2440587.5) * 86400000 AS INTEGER))
   WHERE source = OLD.source;
  UPDATE snapshots SET changed = (SELECT seq FROM change_seq WHERE source = OLD.source)
   WHERE source = OLD.source AND region = OLD.region AND week > OLD.after_week;
END;

-- 2a. A snapshot updated in place (an operator correcting a title, a re-fetch written over the old
--     one) changes what its chart shows. `AFTER UPDATE OF` these columns only: the trigger's own
--     write sets `changed`, which is not among them, so it never fires itself again. A write that
--     leaves the content as it was is no change.
CREATE TRIGGER snapshots_changed_update AFTER UPDATE OF source, region, week, fetched_at, entries ON snapshots
  WHEN OLD.source IS NOT NEW.source OR OLD.region IS NOT NEW.region OR OLD.week IS NOT NEW.week
    OR OLD.fetched_at IS NOT NEW.fetched_at OR OLD.entries IS NOT NEW.entries
BEGIN
  INSERT OR IGNORE INTO change_seq (source, seq) VALUES (NEW.source, 0);
  UPDATE change_seq SET seq = MAX(seq + 1, CAST((julianday('now') - 2440587.5) * 86400000 AS INTEGER))
   WHERE source = NEW.source;
  UPDATE snapshots SET changed = (SELECT seq FROM change_seq WHERE source = NEW.source)
   WHERE source = NEW.source AND region = NEW.region AND week = NEW.week;
END;

-- 2b. The derived columns the site's projection reads (worker/archive/rows.ts DERIVED_COLUMNS)
--     updated in place outside a re-derivation. A re-derivation step (worker/archive/rederive.ts)
--     rewrites only weeks after its region's pending mark, in the same batch that then moves or
--     deletes the mark, and those triggers number the whole slice at once: a number per row here
--     would cost 100 rows × 20 weeks more D1 writes a step. So rows of a week the pending mark
--     still covers are left to it; any other week (or a region with no mark) is numbered here.
CREATE TRIGGER chart_entries_changed_update
  AFTER UPDATE OF clip_id, last_week, peak, weeks_on_chart, first_week, movement, change ON chart_entries
  WHEN (OLD.clip_id IS NOT NEW.clip_id OR OLD.last_week IS NOT NEW.last_week OR OLD.peak IS NOT NEW.peak
        OR OLD.weeks_on_chart IS NOT NEW.weeks_on_chart OR OLD.first_week IS NOT NEW.first_week
        OR OLD.movement IS NOT NEW.movement OR OLD.change IS NOT NEW.change)
    AND NOT EXISTS (SELECT 1 FROM derive_pending d
                    WHERE d.source = NEW.source AND d.region = NEW.region AND d.after_week < NEW.week)
BEGIN
  INSERT OR IGNORE INTO change_seq (source, seq) VALUES (NEW.source, 0);
  UPDATE change_seq SET seq = MAX(seq + 1, CAST((julianday('now') - 2440587.5) * 86400000 AS INTEGER))
   WHERE source = NEW.source;
  UPDATE snapshots SET changed = (SELECT seq FROM change_seq WHERE source = NEW.source)
   WHERE source = NEW.source AND region = NEW.region AND week = NEW.week;
END;

-- 3. The first page of /api/site/charts carries, per region, COUNT(*) and SUM(changed) of the
--    source's snapshots, so a build can check the charts it keeps against the archive in the same
--    read (a restore that dropped or renumbered weeks shows as a different count or sum). `changed`
--    is stored after `entries` (tens of kB, in overflow pages), and SQLite reaches a column by
--    walking the record up to it: read from the table, the summary would read every chart's
--    entries (37,000 at ten years). This index answers it alone, and the page query's
--    `changed > since` filter too (0007's page walked the rows the same way). `week` is in it
--    before `changed` so that it also serves a lookup by the full key: with (source, region,
--    changed), SQLite's planner looked a page's charts up by region alone (EXPLAIN QUERY PLAN).
CREATE INDEX snapshots_by_region_change ON snapshots (source, region, week, changed);
