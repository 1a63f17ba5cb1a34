import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import {
  checkMigration,
  EXPAND_ONLY_FROM,
  emptySchema,
  migrationNumber,
  statements,
} from "../../scripts/lib/expand-only.mjs";

// docs/operations.md "Migrations are expand-only": the deploy applies a migration before it promotes the
// Worker version that needs it, and a promotion can fail, so the code before a migration must keep
// working on the schema after it. From 0009 on, every migration is checked here.

const DIR = "migrations";
const FILES = readdirSync(DIR)
  .filter((f) => f.endsWith(".sql"))
  .sort();

/**
 * Migrations that remove what an earlier release stopped using (docs/operations.md, "Migrations are
 * expand-only"): file → the release whose code no longer uses what it drops. None yet; an entry
 * here is the only way a drop passes, and it is reviewed as such.
 */
const CONTRACT_MIGRATIONS: Record<string, string> = {};

/** The schema every committed migration makes, as the linter tracks it. */
function committedSchema() {
  const schema = emptySchema();
  for (const file of FILES) checkMigration(readFileSync(join(DIR, file), "utf8"), schema);
  return schema;
}

/** What the linter says of `sql` as the next migration after the committed ones. */
const lint = (sql: string) => checkMigration(sql, committedSchema());

describe("migrations are expand-only", () => {
  it.each(FILES.filter((f) => migrationNumber(f) >= EXPAND_ONLY_FROM && !(f in CONTRACT_MIGRATIONS)))(
    "%s is expand-only",
    (file) => {
      const schema = emptySchema();
      for (const earlier of FILES.filter((f) => f < file))
        checkMigration(readFileSync(join(DIR, earlier), "utf8"), schema);
      expect(checkMigration(readFileSync(join(DIR, file), "utf8"), schema)).toEqual([]);
    },
  );

  it("knows the committed schema (the rebuilt tables of 0003, 0004 and 0006 under their final names)", () => {
    const schema = committedSchema();
    for (const table of ["snapshots", "chart_entries", "job_runs", "change_seq", "derive_pending"])
      expect(schema.tables.has(table), table).toBe(true);
    expect([...schema.tables].filter((t) => t.endsWith("_new") || t.endsWith("_old"))).toEqual([]);
    expect(schema.triggers.get("snapshots_changed_insert")).toBe("snapshots");
  });

  it("would have refused the migrations written before the rule (0003, 0004 and 0006 rebuild or drop tables)", () => {
    const schema = emptySchema();
    const refused = FILES.filter((file) => checkMigration(readFileSync(join(DIR, file), "utf8"), schema).length > 0);
    expect(refused).toEqual([
      "0003_sources_and_leases.sql",
      "0004_job_records_per_source.sql",
      "0006_global_debuts.sql",
    ]);
  });

  it("accepts what the code before it cannot trip on (the fixture the worker test runs the job on)", () => {
    expect(lint(readFileSync("test/fixtures/expand-only-migration.sql", "utf8"))).toEqual([]);
  });

  // One fixture per form the live code could trip on.
  it.each([
    ["a dropped table", "DROP TABLE snapshots;", /drops table snapshots/],
    ["a dropped column", "ALTER TABLE snapshots DROP COLUMN entries;", /drops a column of snapshots/],
    ["a renamed table", "ALTER TABLE snapshots RENAME TO charts;", /renames snapshots/],
    ["a renamed column", "ALTER TABLE snapshots RENAME COLUMN entries TO rows;", /renames snapshots/],
    [
      "a rebuilt table",
      "CREATE TABLE snapshots_new (source TEXT, region TEXT, week TEXT, PRIMARY KEY (source, region, week));\n" +
        "INSERT INTO snapshots_new SELECT source, region, week FROM snapshots;\nDROP TABLE snapshots;\n" +
        "ALTER TABLE snapshots_new RENAME TO snapshots;",
      /drops table snapshots[\s\S]*renames snapshots_new/,
    ],
    ["a table created again", "CREATE TABLE snapshots (id INTEGER PRIMARY KEY);", /rebuilds table snapshots/],
    [
      "a NOT NULL column without a default",
      "ALTER TABLE snapshots ADD COLUMN kind TEXT NOT NULL;",
      /NOT NULL column without a default/,
    ],
    [
      "a new conflict target (unique index on a live table)",
      "CREATE UNIQUE INDEX snapshots_one_per_week ON snapshots (region, week);",
      /unique index snapshots_one_per_week/,
    ],
    [
      "a changed primary key (a constrained new column)",
      "ALTER TABLE chart_entries ADD COLUMN id INTEGER UNIQUE;",
      /constrained column/,
    ],
    ["a dropped index", "DROP INDEX snapshots_by_region_change;", /drops index snapshots_by_region_change/],
    [
      "a trigger that rejects an old write",
      "CREATE TRIGGER snapshots_need_note BEFORE INSERT ON snapshots WHEN NEW.entries IS NULL\n" +
        "BEGIN SELECT RAISE(ABORT, 'entries required'); END;",
      /trigger snapshots_need_note raises/,
    ],
    ["a trigger dropped, not replaced", "DROP TRIGGER snapshots_changed_insert;", /drops trigger/],
  ])("refuses %s", (_form, sql, message) => {
    const problems = lint(sql);
    expect(problems.join("\n")).toMatch(message);
  });

  it("splits a trigger's body into its own statement, and ignores semicolons in comments and strings", () => {
    const sql =
      "-- a comment; with a semicolon\nCREATE TABLE t (a TEXT DEFAULT ';');\n" +
      "CREATE TRIGGER t_x AFTER INSERT ON t BEGIN UPDATE t SET a = 'x;y'; DELETE FROM t WHERE a = ''; END;\n" +
      "/* block; comment */ DROP TRIGGER t_x;";
    expect(statements(sql)).toEqual([
      "CREATE TABLE t (a TEXT DEFAULT ';')",
      "CREATE TRIGGER t_x AFTER INSERT ON t BEGIN UPDATE t SET a = 'x;y'; DELETE FROM t WHERE a = ''; END",
      "DROP TRIGGER t_x",
    ]);
  });
});
