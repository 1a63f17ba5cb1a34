-- Search finds what people type (worker/search/fold.ts, worker/search/reader.ts). Expand-only: the
-- code before it keeps reading and writing search_sounds as it did, and its writes keep the new
-- table too (the triggers below are SQL, whichever Worker writes).
--
-- 1. Every name a sound was charted under (each folded title and author, one a row), so that a
--    query's whole-name and starts-with matches are looked up by this index, however many sounds
--    contain its words: the full-text index can only be walked for a bounded number of sounds,
--    and a sound named exactly "Love" that charted long ago must not be left out by that bound.
CREATE TABLE search_names (
  source TEXT    NOT NULL,
  name   TEXT    NOT NULL,   -- one line of search_sounds.titles or .authors (not the pieces lines, which start with '~')
  id     INTEGER NOT NULL,   -- search_sounds.id
  PRIMARY KEY (source, name, id)
) WITHOUT ROWID;

-- 2. The fold a row's text was made with (worker/search/fold.ts FOLD_VERSION). Rows written before
--    this migration, or by the Worker before it, have the first fold; a bounded re-fold
--    (worker/search/backfill.ts) writes them again with the current one.
ALTER TABLE search_sounds ADD COLUMN fold INTEGER NOT NULL DEFAULT 1;
-- The fold the source's backfill cursor is building: below the current fold, it starts over.
ALTER TABLE search_backfill ADD COLUMN fold INTEGER NOT NULL DEFAULT 1;
-- Every source already in the archive is folded again (a source with no cursor was indexed as it
-- charted, with the first fold).
INSERT OR IGNORE INTO search_backfill (source, after_clip, done) SELECT DISTINCT source, '', 1 FROM snapshots;

-- The names follow their row, in the same statement. The lines are split as a JSON array: a
-- folded line holds letters, digits and spaces only (and '~'), never a quote or a backslash, so
-- json_quote's one escape in it is the line break. A row's names are read again only when its text
-- or its fold changes (the re-fold may leave the text as it was and still has to list its names).
CREATE TRIGGER search_names_ai AFTER INSERT ON search_sounds BEGIN
  INSERT OR IGNORE INTO search_names (source, name, id)
  SELECT new.source, j.value, new.id
  FROM json_each('[' || replace(json_quote(new.titles || char(10) || new.authors), '\n', '","') || ']') j
  WHERE j.value <> '' AND j.value NOT GLOB '~*';
END;
CREATE TRIGGER search_names_ad AFTER DELETE ON search_sounds BEGIN
  DELETE FROM search_names WHERE source = old.source AND id = old.id AND name IN (
    SELECT j.value FROM json_each('[' || replace(json_quote(old.titles || char(10) || old.authors), '\n', '","') || ']') j);
END;
CREATE TRIGGER search_names_au AFTER UPDATE OF titles, authors, fold ON search_sounds
  WHEN old.titles IS NOT new.titles OR old.authors IS NOT new.authors OR old.fold IS NOT new.fold
BEGIN
  DELETE FROM search_names WHERE source = old.source AND id = old.id AND name IN (
    SELECT j.value FROM json_each('[' || replace(json_quote(old.titles || char(10) || old.authors), '\n', '","') || ']') j);
  INSERT OR IGNORE INTO search_names (source, name, id)
  SELECT new.source, j.value, new.id
  FROM json_each('[' || replace(json_quote(new.titles || char(10) || new.authors), '\n', '","') || ']') j
  WHERE j.value <> '' AND j.value NOT GLOB '~*';
END;
