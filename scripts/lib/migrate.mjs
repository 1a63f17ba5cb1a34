// Applies the D1 migrations to the local archive as `wrangler d1 migrations apply <binding> --local`
// does — the same database file (wrangler's own Miniflare, the database id from wrangler.toml, under
// `<persistTo>/v3`), the same record of applied migrations (its table, one row per file, written in
// the migration's own batch, so a migration and its record commit together or not at all) — but in
// one Miniflare for every migration instead of a new one per query (wrangler starts workerd about
// ten times for a fresh archive: 5–7 s of `npm start` before anything else could happen).
import { readFileSync, readdirSync } from "node:fs";
import { createRequire } from "node:module";
import { join, resolve } from "node:path";

/** wrangler's d1_migrations table, exactly as `wrangler d1 migrations apply` creates it. */
const createTable = (table) => `CREATE TABLE IF NOT EXISTS ${table}(
		id         INTEGER PRIMARY KEY AUTOINCREMENT,
		name       TEXT UNIQUE,
		applied_at TIMESTAMP DEFAULT CURRENT_TIMESTAMP NOT NULL
);`;

const identifier = (name) => `"${name.replace(/"/g, '""')}"`;

/** wrangler's order: by the leading number (0002 before 0010), then by name. */
const leading = (name) => Number.parseInt(name.split("_")[0] ?? "", 10);
const byMigrationNumber = (a, b) => {
  const [na, nb] = [leading(a), leading(b)];
  if (na !== nb && Number.isFinite(na) && Number.isFinite(nb)) return na - nb;
  if (Number.isFinite(na) !== Number.isFinite(nb)) return Number.isFinite(na) ? -1 : 1;
  return a < b ? -1 : a > b ? 1 : 0;
};

/**
 * @param {{ binding?: string, persistTo?: string, config?: string }} [options]
 * @returns {Promise<{ applied: string[] }>} the migrations applied now, oldest first
 */
export async function applyLocalMigrations({ binding = "DB", persistTo, config = "wrangler.toml" } = {}) {
  const require = createRequire(resolve("package.json"));
  // The Miniflare wrangler itself runs (its own dependency): the file layout wrangler dev reads.
  const { Miniflare, convertV4MiniflareOptions } = await import(
    createRequire(require.resolve("wrangler/package.json")).resolve("miniflare")
  );
  const { unstable_readConfig: readConfig, unstable_splitSqlQuery: splitSqlQuery } = await import("wrangler");
  const wrangler = readConfig({ config });
  const database = wrangler.d1_databases.find((d) => d.binding === binding || d.database_name === binding);
  if (!database) throw new Error(`no D1 database ${binding} in ${config}`);
  if (database.migrations_pattern)
    throw new Error(`migrations_pattern is not supported here: use wrangler d1 migrations apply ${binding} --local`);
  const id = database.preview_database_id ?? database.database_id ?? database.binding;
  const dir = resolve(config, "..", database.migrations_dir ?? "migrations");
  const table = identifier(database.migrations_table ?? "d1_migrations");
  const files = readdirSync(dir)
    .filter((name) => name.endsWith(".sql"))
    .sort(byMigrationNumber);
  const mf = new Miniflare(
    convertV4MiniflareOptions({
      modules: true,
      script: "",
      resourcePersistencePath: join(resolve(persistTo ?? ".wrangler/state"), "v3"),
      d1Databases: { DATABASE: id },
      cf: false, // no request here needs Request.cf: never fetch it
    }),
  );
  try {
    const db = await mf.getD1Database("DATABASE");
    await db.prepare(createTable(table)).run();
    const done = new Set((await db.prepare(`SELECT name FROM ${table}`).all()).results.map((row) => row.name));
    const applied = [];
    for (const name of files.filter((file) => !done.has(file))) {
      const statements = splitSqlQuery(readFileSync(join(dir, name), "utf8"));
      const record = db.prepare(`INSERT INTO ${table} (name) VALUES (?)`).bind(name);
      try {
        await db.batch([...statements.map((sql) => db.prepare(sql)), record]);
      } catch (error) {
        throw new Error(`migration ${name} failed: ${error?.cause?.message ?? error?.message ?? error}`);
      }
      applied.push(name);
    }
    return { applied };
  } finally {
    await mf.dispose();
  }
}
