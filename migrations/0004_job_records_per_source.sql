-- docs/operations.md "How it runs": hook and alert claims are per source, like everything the job records.
-- Before this, a demo run's claim of week W's build hook kept the first real week W from ever
-- calling the hook, and /api/status showed the last run of any source.

-- Build-hook claims per (source, week). A claim made before this migration belongs to the source
-- whose snapshots that week holds (the newest one, if both).
CREATE TABLE build_hooks_v4 (
  source          TEXT    NOT NULL,
  week            TEXT    NOT NULL,
  attempts        INTEGER NOT NULL DEFAULT 0,
  last_attempt_at INTEGER,
  last_error      TEXT,
  done_at         INTEGER,
  PRIMARY KEY (source, week)
);
INSERT INTO build_hooks_v4 (source, week, attempts, last_attempt_at, last_error, done_at)
  SELECT COALESCE((SELECT s.source FROM snapshots s WHERE s.week = b.week ORDER BY s.fetched_at DESC LIMIT 1), 'keyapi'),
         b.week, b.attempts, b.last_attempt_at, b.last_error, b.done_at
  FROM build_hooks b;
DROP TABLE build_hooks;
ALTER TABLE build_hooks_v4 RENAME TO build_hooks;

-- Alert claims per (source, condition, UTC day). Older claims expire with their day anyway.
CREATE TABLE alerts_v4 (
  source    TEXT    NOT NULL,
  condition TEXT    NOT NULL,
  day       TEXT    NOT NULL,
  sent_at   INTEGER NOT NULL,
  PRIMARY KEY (source, condition, day)
);
INSERT INTO alerts_v4 (source, condition, day, sent_at) SELECT 'keyapi', condition, day, sent_at FROM alerts;
DROP TABLE alerts;
ALTER TABLE alerts_v4 RENAME TO alerts;

-- Runs per source. A run is recorded when it starts (finished_at NULL, ok 0) and again when it
-- ends: a run that died in between is found by the next run, which records and alerts it.
-- (SQLite cannot drop NOT NULL in place: the table is rebuilt.)
CREATE TABLE job_runs_v4 (
  id          INTEGER PRIMARY KEY AUTOINCREMENT,
  source      TEXT    NOT NULL,
  week        TEXT    NOT NULL,
  started_at  INTEGER NOT NULL,
  finished_at INTEGER,
  ok          INTEGER NOT NULL,
  summary     TEXT    NOT NULL
);
INSERT INTO job_runs_v4 (id, source, week, started_at, finished_at, ok, summary)
  SELECT id, COALESCE(summary ->> 'source', 'keyapi'), week, started_at, finished_at, ok, summary FROM job_runs;
DROP TABLE job_runs;
ALTER TABLE job_runs_v4 RENAME TO job_runs;
CREATE INDEX job_runs_by_source ON job_runs (source, id);

-- docs/weekly-archive.md "Nothing a run stored is left unfinished": every write of a snapshot marks its week's
-- global ranking as due, in the same transaction (a trigger, so no writer can forget it), and a
-- rebuild clears the mark in its own batch. A run that stored a region and died before rebuilding
-- leaves the mark behind; the next run finds it and rebuilds.
CREATE TABLE global_due (
  source TEXT NOT NULL,
  week   TEXT NOT NULL,
  PRIMARY KEY (source, week)
);
CREATE TRIGGER snapshots_global_due_insert AFTER INSERT ON snapshots
  BEGIN INSERT OR IGNORE INTO global_due (source, week) VALUES (NEW.source, NEW.week); END;
CREATE TRIGGER snapshots_global_due_update AFTER UPDATE ON snapshots
  BEGIN INSERT OR IGNORE INTO global_due (source, week) VALUES (NEW.source, NEW.week); END;
CREATE TRIGGER snapshots_global_due_delete AFTER DELETE ON snapshots
  BEGIN INSERT OR IGNORE INTO global_due (source, week) VALUES (OLD.source, OLD.week); END;
