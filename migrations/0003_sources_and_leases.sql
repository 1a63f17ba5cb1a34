-- docs/weekly-archive.md "One visible source": the archive may hold snapshots of more than one source (a demo
-- seed, then a key). Every record carries its source; history, the API, pages and feeds read only
-- the configured one, and "already stored" means stored from that source. SQLite cannot change a
-- primary key in place, so the tables are rebuilt with `source` in front of their keys.
-- Rows from before this migration take the source of their snapshot.

CREATE TABLE snapshots_v3 (
  source      TEXT    NOT NULL,            -- keyapi | demo
  region      TEXT    NOT NULL,
  week        TEXT    NOT NULL,
  fetched_at  INTEGER NOT NULL,
  entry_count INTEGER NOT NULL,
  entries     TEXT    NOT NULL,
  PRIMARY KEY (source, region, week)
);
INSERT INTO snapshots_v3 (source, region, week, fetched_at, entry_count, entries)
  SELECT source, region, week, fetched_at, entry_count, entries FROM snapshots;
DROP TABLE snapshots;
ALTER TABLE snapshots_v3 RENAME TO snapshots;
CREATE INDEX snapshots_by_week ON snapshots (source, week, region);
CREATE INDEX snapshots_by_fetched_at ON snapshots (source, fetched_at);

CREATE TABLE chart_entries_v3 (
  source         TEXT    NOT NULL,
  region         TEXT    NOT NULL,
  week           TEXT    NOT NULL,
  clip_id        TEXT    NOT NULL,
  rank           INTEGER NOT NULL,
  title          TEXT    NOT NULL,
  author         TEXT    NOT NULL,
  cover          TEXT    NOT NULL,         -- kept beside title and author: the global chart shows it
  last_week      INTEGER,
  peak           INTEGER NOT NULL,
  weeks_on_chart INTEGER NOT NULL,
  first_week     TEXT    NOT NULL,
  movement       TEXT    NOT NULL,
  change         INTEGER,
  PRIMARY KEY (source, region, week, clip_id)
);
INSERT INTO chart_entries_v3
  SELECT s.source, e.region, e.week, e.clip_id, e.rank, e.title, e.author,
         COALESCE((SELECT j.value ->> 'cover' FROM json_each(s.entries) j WHERE j.value ->> 'clip_id' = e.clip_id), ''),
         e.last_week, e.peak, e.weeks_on_chart, e.first_week, e.movement, e.change
  FROM chart_entries e JOIN snapshots s ON s.region = e.region AND s.week = e.week;
DROP TABLE chart_entries;
ALTER TABLE chart_entries_v3 RENAME TO chart_entries;
CREATE INDEX chart_entries_by_clip ON chart_entries (source, clip_id, region, week);
CREATE INDEX chart_entries_by_week ON chart_entries (source, week, region);

-- The regional published log: one item per (source, region, sound), frozen once written.
CREATE TABLE published_items_v3 (
  source     TEXT    NOT NULL,
  region     TEXT    NOT NULL,
  clip_id    TEXT    NOT NULL,
  week       TEXT    NOT NULL,
  first_seen INTEGER NOT NULL,
  title      TEXT    NOT NULL,
  author     TEXT    NOT NULL,
  cover      TEXT    NOT NULL,
  rank       INTEGER NOT NULL,
  PRIMARY KEY (source, region, clip_id)
);
INSERT INTO published_items_v3
  SELECT COALESCE((SELECT s.source FROM snapshots s WHERE s.region = p.region AND s.week = p.week), 'keyapi'),
         p.region, p.clip_id, p.week, p.first_seen, p.title, p.author, p.cover, p.rank
  FROM published_items p;
DROP TABLE published_items;
ALTER TABLE published_items_v3 RENAME TO published_items;
CREATE INDEX published_items_newest ON published_items (source, first_seen DESC, week DESC);
CREATE INDEX published_items_by_region ON published_items (source, region, first_seen DESC);

-- The all-regions log: one item per sound at its first debut anywhere, naming the regions it
-- debuted in that week (regions of that same week join it; later weeks never change it).
CREATE TABLE published_global (
  source     TEXT    NOT NULL,
  clip_id    TEXT    NOT NULL,
  week       TEXT    NOT NULL,
  first_seen INTEGER NOT NULL,
  title      TEXT    NOT NULL,
  author     TEXT    NOT NULL,
  cover      TEXT    NOT NULL,
  rank       INTEGER NOT NULL,             -- best rank among its regions that week
  regions    TEXT    NOT NULL,             -- JSON array of region codes, sorted
  PRIMARY KEY (source, clip_id)
);
INSERT INTO published_global (source, clip_id, week, first_seen, title, author, cover, rank, regions)
  SELECT p.source, p.clip_id, p.week, MIN(p.first_seen), MIN(p.title), MIN(p.author), MIN(p.cover), MIN(p.rank),
         (SELECT json_group_array(region) FROM (SELECT q.region FROM published_items q
            WHERE q.source = p.source AND q.clip_id = p.clip_id AND q.week = p.week ORDER BY q.region))
  FROM published_items p
  WHERE p.week = (SELECT MIN(f.week) FROM published_items f WHERE f.source = p.source AND f.clip_id = p.clip_id)
  GROUP BY p.source, p.clip_id, p.week;
CREATE INDEX published_global_newest ON published_global (source, first_seen DESC, week DESC);

CREATE TABLE gaps_v3 (
  source      TEXT    NOT NULL,
  region      TEXT    NOT NULL,
  week        TEXT    NOT NULL,
  recorded_at INTEGER NOT NULL,
  PRIMARY KEY (source, region, week)
);
INSERT INTO gaps_v3
  SELECT COALESCE((SELECT s.source FROM snapshots s WHERE s.region = g.region ORDER BY s.week DESC LIMIT 1), 'keyapi'),
         g.region, g.week, g.recorded_at
  FROM gaps g;
DROP TABLE gaps;
ALTER TABLE gaps_v3 RENAME TO gaps;

-- The snapshot job's attempts per region-week: regions not yet tried in a window go before
-- regions that failed, so a region that keeps failing never holds up the others.
CREATE TABLE snapshot_attempts (
  source          TEXT    NOT NULL,
  week            TEXT    NOT NULL,
  region          TEXT    NOT NULL,
  attempts        INTEGER NOT NULL,
  last_attempt_at INTEGER NOT NULL,
  last_error      TEXT    NOT NULL,
  PRIMARY KEY (source, week, region)
);

-- One run at a time: a run holds this lease (with an expiry) while it works.
CREATE TABLE job_lease (
  id         INTEGER PRIMARY KEY CHECK (id = 1),
  holder     TEXT    NOT NULL,
  expires_at INTEGER NOT NULL
);

-- A region's history version, per source: every write of a region's derived history moves it on
-- by exactly one, in the same atomic batch. A writer that read an older version (an import of the
-- same region ran in between) is aborted by the trigger and derives again: a read-derive-write
-- never interleaves with another.
CREATE TABLE region_versions (
  source  TEXT    NOT NULL,
  region  TEXT    NOT NULL,
  version INTEGER NOT NULL,
  PRIMARY KEY (source, region)
);
CREATE TRIGGER region_versions_move_by_one BEFORE UPDATE ON region_versions
  WHEN NEW.version != OLD.version + 1
  BEGIN SELECT RAISE(ABORT, 'archive_conflict: the region changed while it was derived'); END;

-- The global chart's ranking per week (docs/weekly-archive.md "The global chart"): the top 100 sounds across
-- every region charted that week, rebuilt in the same batch as each regional chart it depends on.
-- History (last week, peak, weeks on chart) is derived on read from these rows.
CREATE TABLE global_ranks (
  source      TEXT    NOT NULL,
  week        TEXT    NOT NULL,
  clip_id     TEXT    NOT NULL,
  rank        INTEGER NOT NULL,
  points      INTEGER NOT NULL,            -- sum over regions of 101 - regional rank
  regions     INTEGER NOT NULL,            -- regions it charts in that week
  best_rank   INTEGER NOT NULL,
  number_ones TEXT    NOT NULL,            -- JSON array of the regions where it is #1
  title       TEXT    NOT NULL,
  author      TEXT    NOT NULL,
  cover       TEXT    NOT NULL,
  PRIMARY KEY (source, week, clip_id)
);
CREATE INDEX global_ranks_by_clip ON global_ranks (source, clip_id, week);
