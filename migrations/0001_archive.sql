-- The archive: one snapshot per (region, week), its derived entries, and the feed items published.
-- Source-neutral: the upstream's raw entry kept as JSON, our derived fields beside it.
CREATE TABLE snapshots (
  region      TEXT    NOT NULL,
  week        TEXT    NOT NULL,          -- ISO week, e.g. 2026-W47
  fetched_at  INTEGER NOT NULL,          -- unix ms
  source      TEXT    NOT NULL,          -- keyapi | demo
  entry_count INTEGER NOT NULL,
  PRIMARY KEY (region, week)
);
