-- Search across the whole archive (issue 17): one row per sound ever charted, per source, kept by
-- the archive in the same atomic batch that stores a region-week (worker/search/index-rows.ts,
-- appended to ArchiveStore.writeStatements), so imports keep it too.
--
-- Every column merges commutatively and idempotently (set unions, MIN, MAX): a store, a replayed
-- import and the bounded backfill below may write the same sound in any order and leave the same
-- row, so the backfill needs no lock against the snapshot job.
CREATE TABLE search_sounds (
  id           INTEGER PRIMARY KEY,        -- the full-text index's rowid
  source       TEXT    NOT NULL,           -- keyapi | demo
  clip_id      TEXT    NOT NULL,
  title        TEXT    NOT NULL,           -- shown: the newest week's title and author
  author       TEXT    NOT NULL,
  shown_week   TEXT    NOT NULL,           -- the week they come from
  titles       TEXT    NOT NULL,           -- every title ever seen, folded (worker/search/fold.ts), one a line
  authors      TEXT    NOT NULL,           -- every author ever seen, folded, one a line
  regions      TEXT    NOT NULL,           -- every region it charted in, space-separated, in first-seen order
  region_count INTEGER NOT NULL,
  best_rank    INTEGER NOT NULL,
  first_week   TEXT    NOT NULL,
  last_week    TEXT    NOT NULL,
  UNIQUE (source, clip_id)
);

-- D1 supports FTS5 (developers.cloudflare.com/d1/sql-api/sql-statements/, "Supported SQLite
-- extensions"). An external-content index over the folded text: the text is folded by the Worker
-- (case, diacritics, and one token per CJK character, which unicode61 would otherwise keep as one
-- long word), so the tokenizer only splits on what the fold left as spaces. The source is not a
-- column here: a query filters on search_sounds.source while it walks its matches, so no token of
-- every document is ever read. Prefix indexes of 2 and 3 characters make the word being typed (the
-- last one, as a prefix once it has two characters) cheap.
CREATE VIRTUAL TABLE search_fts USING fts5(
  titles, authors,
  content = 'search_sounds', content_rowid = 'id',
  tokenize = 'unicode61 remove_diacritics 2',
  prefix = '2 3'
);

-- The index follows its content table in the same statement (so in the same batch). Most weekly
-- writes change only the chart figures: the text is re-indexed only when a new spelling arrives.
CREATE TRIGGER search_sounds_ai AFTER INSERT ON search_sounds BEGIN
  INSERT INTO search_fts (rowid, titles, authors) VALUES (new.id, new.titles, new.authors);
END;
CREATE TRIGGER search_sounds_ad AFTER DELETE ON search_sounds BEGIN
  INSERT INTO search_fts (search_fts, rowid, titles, authors) VALUES ('delete', old.id, old.titles, old.authors);
END;
CREATE TRIGGER search_sounds_au AFTER UPDATE OF titles, authors ON search_sounds
  WHEN old.titles IS NOT new.titles OR old.authors IS NOT new.authors
BEGIN
  INSERT INTO search_fts (search_fts, rowid, titles, authors) VALUES ('delete', old.id, old.titles, old.authors);
  INSERT INTO search_fts (rowid, titles, authors) VALUES (new.id, new.titles, new.authors);
END;

-- An existing archive is indexed by the Worker a bounded slice of sounds at a time
-- (POST /api/admin/search-index, worker/search/backfill.ts): the text must be folded by the same
-- code as a query, which SQL cannot run. One row per source: the last clip id indexed; `done`
-- once the slice after it came back empty. A source with no row here has not started.
CREATE TABLE search_backfill (
  source     TEXT    NOT NULL PRIMARY KEY,
  after_clip TEXT    NOT NULL,
  done       INTEGER NOT NULL DEFAULT 0
);

-- Sources already in the archive have sounds to index; a source that charts later starts indexed.
INSERT INTO search_backfill (source, after_clip, done) SELECT DISTINCT source, '', 0 FROM snapshots;
