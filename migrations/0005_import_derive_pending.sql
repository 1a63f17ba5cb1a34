-- Importing an earlier week changes the derived history of every later week of its region
-- (docs/data-model.md "Chart data model"). Rewriting them all in the import's own batch costs one statement
-- per later week, unbounded per request; instead the import records here that the region's weeks
-- after `after_week` still carry the derivation from before, and they are derived again a bounded
-- slice per step (worker/archive/rederive.ts). Rows are written only in batches that move the
-- region's version (migrations/0003), so a step never interleaves with another write of the region.
CREATE TABLE derive_pending (
  source     TEXT NOT NULL,
  region     TEXT NOT NULL,
  after_week TEXT NOT NULL,                -- weeks after this one are to be derived again
  PRIMARY KEY (source, region)
);
