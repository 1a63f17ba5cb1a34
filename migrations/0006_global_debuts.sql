-- The all-regions log changes meaning (issue 15). It was "a sound's first debut in any region",
-- and regions of the same week were merged into an item already published: items were not
-- frozen. It is now one item per sound that enters the global top 100 for the first time (global
-- movement `new`), written once by the job when the week is complete (worker/jobs/complete-week.ts)
-- and never changed: `rank` is the global rank, `points` the global points, `regions` the regions
-- it charts in that week, `first_seen` the newest snapshot time of that week.
DROP TABLE published_global;
CREATE TABLE published_global (
  source     TEXT    NOT NULL,
  clip_id    TEXT    NOT NULL,
  week       TEXT    NOT NULL,
  first_seen INTEGER NOT NULL,             -- unix ms: the newest fetched_at of the week's snapshots
  title      TEXT    NOT NULL,
  author     TEXT    NOT NULL,
  cover      TEXT    NOT NULL,
  rank       INTEGER NOT NULL,             -- global rank that week
  points     INTEGER NOT NULL,             -- global points that week (sum of 101 - regional rank)
  regions    TEXT    NOT NULL,             -- JSON array of the regions it charts in that week, sorted
  PRIMARY KEY (source, clip_id)            -- "new" means never in this source's global top 100 before
);

-- An existing archive's items, recomputed from its global rankings. The latest week is left to the
-- job: it may not be complete yet, and the job publishes it when it is.
INSERT INTO published_global (source, clip_id, week, first_seen, title, author, cover, rank, points, regions)
  SELECT g.source, g.clip_id, g.week,
         (SELECT MAX(s.fetched_at) FROM snapshots s WHERE s.source = g.source AND s.week = g.week),
         g.title, g.author, g.cover, g.rank, g.points,
         (SELECT json_group_array(region) FROM (SELECT c.region FROM chart_entries c
            WHERE c.source = g.source AND c.week = g.week AND c.clip_id = g.clip_id ORDER BY c.region))
  FROM global_ranks g
  WHERE g.week > (SELECT MIN(f.week) FROM global_ranks f WHERE f.source = g.source)
    AND g.week < (SELECT MAX(l.week) FROM global_ranks l WHERE l.source = g.source)
    AND NOT EXISTS (SELECT 1 FROM global_ranks e WHERE e.source = g.source AND e.clip_id = g.clip_id AND e.week < g.week);
CREATE INDEX published_global_newest ON published_global (source, first_seen DESC, week DESC);
