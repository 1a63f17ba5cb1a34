// Migrations are expand-only (docs/operations.md "How it runs"): the deploy applies them before the new
// Worker version is promoted, and a promotion can fail, so the live code runs on the new schema,
// for seconds or for good. Nothing it reads or writes may be dropped, renamed, rebuilt or
// tightened. This reads the migration files in order, keeps track of the schema they make (tables,
// indexes, triggers, views), and says what in one migration the code before it could trip on.
// Not a SQL parser: statements are split and matched by their leading words, which is what
// migrations here are made of; anything it does not recognise is left alone.

/** Migrations written before the rule: they rebuild and drop tables, and stay as they were applied. */
export const EXPAND_ONLY_FROM = 9;

/** The statements of a migration file, comments removed; a trigger's body stays in its statement. */
export function statements(sql) {
  const text = sql.replace(/\/\*[\s\S]*?\*\//g, " ").replace(/--[^\n]*/g, " ");
  const out = [];
  let current = "";
  let quoted = false;
  for (const char of text) {
    if (char === "'") quoted = !quoted;
    if (
      char === ";" &&
      !quoted &&
      !(/^\s*CREATE\s+(TEMP\s+|TEMPORARY\s+)?TRIGGER\b/i.test(current) && !/\bEND\s*$/i.test(current))
    ) {
      if (current.trim()) out.push(current.trim().replace(/\s+/g, " "));
      current = "";
      continue;
    }
    current += char;
  }
  if (current.trim()) out.push(current.trim().replace(/\s+/g, " "));
  return out;
}

const NAME = String.raw`(?:IF (?:NOT )?EXISTS )?["\`\[]?(\w+)["\`\]]?`;
const re = (source) => new RegExp(`^${source}`, "i");
const CREATE_TABLE = re(String.raw`CREATE (?:TEMP |TEMPORARY )?TABLE ${NAME}`);
const DROP_TABLE = re(String.raw`DROP TABLE ${NAME}`);
const CREATE_INDEX = re(String.raw`CREATE (UNIQUE )?INDEX ${NAME} ON ["\`\[]?(\w+)["\`\]]? ?\((.*)\)`);
const DROP_INDEX = re(String.raw`DROP INDEX ${NAME}`);
const CREATE_TRIGGER = re(String.raw`CREATE (?:TEMP |TEMPORARY )?TRIGGER ${NAME}.*? ON ["\`\[]?(\w+)["\`\]]?`);
const DROP_TRIGGER = re(String.raw`DROP TRIGGER ${NAME}`);
const CREATE_VIEW = re(String.raw`CREATE (?:TEMP |TEMPORARY )?VIEW ${NAME}`);
const DROP_VIEW = re(String.raw`DROP VIEW ${NAME}`);
const ALTER = re(String.raw`ALTER TABLE ${NAME} (.*)$`);

/** The schema the migrations so far have made: what later ones are checked against. */
export function emptySchema() {
  return { tables: new Set(), indexes: new Map(), triggers: new Map(), views: new Set() };
}

/**
 * What in `sql` the code written before it could trip on (an empty list: expand-only), given the
 * schema before it; `schema` is brought up to date either way.
 * @returns {string[]}
 */
export function checkMigration(sql, schema) {
  const problems = [];
  const list = statements(sql);
  const created = (pattern) =>
    new Set(list.map((s) => pattern.exec(s)?.[1]?.toLowerCase()).filter((name) => name !== undefined));
  // A trigger, index or view dropped and created again under its name in the same file is a
  // replacement: a migration file is applied as one unit, and the code never names them.
  const recreatedTriggers = created(CREATE_TRIGGER);
  const recreatedIndexes = created(CREATE_INDEX);
  const recreatedViews = created(CREATE_VIEW);
  const existedBefore = new Set(schema.tables);
  const droppedIndexes = new Map();
  /** What each kind of statement means for the live code, and for the schema that follows. */
  const rules = [
    [
      CREATE_TABLE,
      (m, statement) => {
        const table = m[1].toLowerCase();
        if (existedBefore.has(table) && !/IF NOT EXISTS/i.test(statement))
          problems.push(`rebuilds table ${table}: the live code's reads and writes of it would break in between`);
        schema.tables.add(table);
      },
    ],
    [
      DROP_TABLE,
      (m) => {
        const table = m[1].toLowerCase();
        problems.push(`drops table ${table}: remove it in a later release, once no deployed code uses it`);
        schema.tables.delete(table);
        for (const [name, index] of schema.indexes) if (index.table === table) schema.indexes.delete(name);
      },
    ],
    [ALTER, (m) => alterTable(m[1].toLowerCase(), m[2])],
    [
      CREATE_INDEX,
      (m) => {
        const [unique, name, table, columns] = [
          !!m[1],
          m[2].toLowerCase(),
          m[3].toLowerCase(),
          m[4].replace(/\s/g, ""),
        ];
        const replaced = droppedIndexes.get(name);
        if (unique && existedBefore.has(table) && !(replaced?.unique && replaced.columns === columns))
          problems.push(
            `creates the unique index ${name} on ${table}: a new uniqueness or conflict target the live code's writes may break`,
          );
        schema.indexes.set(name, { table, unique, columns });
      },
    ],
    [
      DROP_INDEX,
      (m) => {
        const name = m[1].toLowerCase();
        const index = schema.indexes.get(name);
        if (!recreatedIndexes.has(name))
          problems.push(
            `drops index ${name}${index?.unique ? " (unique: a conflict target of the live code's upserts)" : ""}`,
          );
        if (index) droppedIndexes.set(name, index);
        schema.indexes.delete(name);
      },
    ],
    [
      CREATE_TRIGGER,
      (m, statement) => {
        const name = m[1].toLowerCase();
        if (/\bRAISE\s*\(/i.test(statement))
          problems.push(`trigger ${name} raises: it can reject (or drop) a write the live code makes`);
        schema.triggers.set(name, m[2].toLowerCase());
      },
    ],
    [
      DROP_TRIGGER,
      (m) => {
        const name = m[1].toLowerCase();
        if (!recreatedTriggers.has(name)) problems.push(`drops trigger ${name} without replacing it`);
        schema.triggers.delete(name);
      },
    ],
    [CREATE_VIEW, (m) => schema.views.add(m[1].toLowerCase())],
    [
      DROP_VIEW,
      (m) => {
        const name = m[1].toLowerCase();
        if (!recreatedViews.has(name)) problems.push(`drops view ${name}: the live code may read it`);
        schema.views.delete(name);
      },
    ],
  ];

  function alterTable(table, rest) {
    const renamed = /^RENAME TO ["`[]?(\w+)/i.exec(rest)?.[1]?.toLowerCase();
    if (renamed) {
      schema.tables.delete(table);
      schema.tables.add(renamed);
      for (const index of schema.indexes.values()) if (index.table === table) index.table = renamed;
      for (const [name, on] of schema.triggers) if (on === table) schema.triggers.set(name, renamed);
    }
    if (/^RENAME\b/i.test(rest)) problems.push(`renames ${table} (${rest}): the live code still uses the old name`);
    else if (/^DROP\b/i.test(rest))
      problems.push(`drops a column of ${table} (${rest}): the live code may still use it`);
    else if (/^ADD\b/i.test(rest) && /\bNOT NULL\b/i.test(rest) && !/\bDEFAULT\b/i.test(rest))
      problems.push(`adds a NOT NULL column without a default to ${table} (${rest}): the live code's inserts lack it`);
    else if (/^ADD\b/i.test(rest) && /\b(PRIMARY KEY|UNIQUE|REFERENCES|CHECK)\b/i.test(rest))
      problems.push(`adds a constrained column to ${table} (${rest}): the live code's writes may break it`);
  }

  for (const statement of list) {
    for (const [pattern, apply] of rules) {
      const match = pattern.exec(statement);
      if (!match) continue;
      apply(match, statement);
      break;
    }
  }
  return problems;
}

/** The migrations' numbers from their file names (`0009_change_numbers.sql` → 9). */
export const migrationNumber = (file) => Number(/^(\d+)/.exec(file)?.[1] ?? Number.NaN);
