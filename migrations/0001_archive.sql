-- The archive (docs/data-model.md, "Chart data model"). Source-neutral: the upstream's raw entries are
-- kept as JSON (text sanitised at ingestion), our derived fields live beside them, so the archive
-- outlives this upstream. Everything for one region-week is written in one atomic batch.

-- One region's top 100 for one ISO week, stored whole or not at all.
CREATE TABLE snapshots (
  region      TEXT    NOT NULL,            -- upper-case chart region, e.g. DE
  week        TEXT    NOT NULL,            -- ISO week, e.g. 2026-W47
  fetched_at  INTEGER NOT NULL,            -- unix ms
  source      TEXT    NOT NULL,            -- keyapi | demo: demo data is never archived as real
  entry_count INTEGER NOT NULL,
  entries     TEXT    NOT NULL,            -- JSON array of the upstream's sound_list rows, rank order
  PRIMARY KEY (region, week)
);

-- The derived chart: one row per sound per region-week, recomputed when an earlier week arrives.
CREATE TABLE chart_entries (
  region         TEXT    NOT NULL,
  week           TEXT    NOT NULL,
  clip_id        TEXT    NOT NULL,         -- beyond 2^53: text
  rank           INTEGER NOT NULL,
  title          TEXT    NOT NULL,
  author         TEXT    NOT NULL,
  last_week      INTEGER,
  peak           INTEGER NOT NULL,
  weeks_on_chart INTEGER NOT NULL,
  first_week     TEXT    NOT NULL,
  movement       TEXT    NOT NULL,         -- new | re | up | down | same | baseline | unknown
  change         INTEGER,
  PRIMARY KEY (region, week, clip_id)
);
CREATE INDEX chart_entries_by_clip ON chart_entries (clip_id, region, week);

-- Feed items already published: recorded once, never changed by later backfills.
CREATE TABLE published_items (
  region     TEXT    NOT NULL,
  clip_id    TEXT    NOT NULL,
  week       TEXT    NOT NULL,
  first_seen INTEGER NOT NULL,             -- unix ms: the item's pubDate, never the build time
  title      TEXT    NOT NULL,
  author     TEXT    NOT NULL,
  cover      TEXT    NOT NULL,
  rank       INTEGER NOT NULL,
  PRIMARY KEY (region, clip_id)            -- "new" means never on this region's chart before
);
CREATE INDEX published_items_newest ON published_items (first_seen DESC, week DESC);

-- A region without a snapshot when its week's window closed.
CREATE TABLE gaps (
  region      TEXT    NOT NULL,
  week        TEXT    NOT NULL,
  recorded_at INTEGER NOT NULL,
  PRIMARY KEY (region, week)
);

-- One row per snapshot job run: its structured summary, for /api/status.
CREATE TABLE job_runs (
  id          INTEGER PRIMARY KEY AUTOINCREMENT,
  week        TEXT    NOT NULL,
  started_at  INTEGER NOT NULL,
  finished_at INTEGER NOT NULL,
  ok          INTEGER NOT NULL,
  summary     TEXT    NOT NULL
);

-- The site build hook: called once per complete week, never twice.
CREATE TABLE build_hooks (
  week            TEXT PRIMARY KEY,
  attempts        INTEGER NOT NULL DEFAULT 0,
  last_attempt_at INTEGER,
  last_error      TEXT,
  done_at         INTEGER
);

-- Alerts sent: at most once per condition per UTC day.
CREATE TABLE alerts (
  condition TEXT    NOT NULL,
  day       TEXT    NOT NULL,
  sent_at   INTEGER NOT NULL,
  PRIMARY KEY (condition, day)
);
