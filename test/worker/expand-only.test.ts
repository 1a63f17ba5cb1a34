import { applyD1Migrations, createExecutionContext } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { checkMigration, emptySchema, statements } from "../../scripts/lib/expand-only.mjs";
import { createApp } from "../../worker/app";
import { productionDeps } from "../../worker/app-env";
import migration from "../fixtures/expand-only-migration.sql?raw";
import { count, jobHarness, mondayAfter, W47_START } from "./job-harness";

/**
 * docs/operations.md "Migrations are expand-only": the deploy applies the migrations, then promotes the new
 * version; when the promotion fails, the code before the migration keeps serving on the schema
 * after it. Shown here with today's code as "the code before" and an expand-only migration it has
 * never seen (test/fixtures/expand-only-migration.sql, which the linter accepts): the weekly job
 * stores and derives the next week, numbers its changes, and the site's API reads both weeks.
 */
const app = createApp({ ...productionDeps, coloCache: () => null });

async function get(path: string): Promise<Response> {
  return app.fetch(new Request(`https://x.test${path}`), env as Env, createExecutionContext());
}

describe("the code before an expand-only migration, on the schema after it", () => {
  it("runs the weekly job and answers the site's API", async () => {
    const h = await jobHarness({ REGIONS: "US,DE" });
    expect(await h.run(mondayAfter(W47_START))).toBeNull();
    const before = await count("SELECT MAX(changed) AS n FROM snapshots");

    await applyD1Migrations(env.DB, [{ name: "9999_expand_only_fixture.sql", queries: statements(migration) }]);
    expect(await count("SELECT COUNT(*) AS n FROM pragma_table_info('snapshots') WHERE name = 'note'")).toBe(1);

    const W48_START = W47_START + 7 * 86_400_000;
    expect(await h.run(mondayAfter(W48_START))).toBeNull();
    expect(await count("SELECT COUNT(*) AS n FROM snapshots WHERE week = '2026-W48'")).toBe(2);
    expect(await count("SELECT COUNT(*) AS n FROM chart_entries WHERE week = '2026-W48'")).toBe(200);
    // Derived against the week before, as on the old schema: W47's sounds are not all new again.
    expect(
      await count("SELECT COUNT(*) AS n FROM chart_entries WHERE week = '2026-W48' AND last_week IS NOT NULL"),
    ).toBeGreaterThan(0);
    // The replaced trigger numbered the new snapshots above the old ones.
    expect(await count("SELECT MIN(changed) AS n FROM snapshots WHERE week = '2026-W48'")).toBeGreaterThan(before);

    const site = await get("/api/site/charts?limit=10");
    expect(site.status, await site.clone().text()).toBe(200);
    const { charts } = (await site.json()) as { charts: { region: string; week: string }[] };
    expect(charts.map((c) => `${c.region} ${c.week}`).sort()).toEqual([
      "DE 2026-W47",
      "DE 2026-W48",
      "US 2026-W47",
      "US 2026-W48",
    ]);
    const status = await get("/api/status");
    expect(status.status).toBe(200);
  });

  it("is broken by a migration the linter refuses (so the test above can fail)", async () => {
    const h = await jobHarness({ REGIONS: "US,DE" });
    const refused =
      "ALTER TABLE snapshots ADD COLUMN kind TEXT;\n" +
      "CREATE TRIGGER snapshots_need_kind BEFORE INSERT ON snapshots WHEN NEW.kind IS NULL\n" +
      "BEGIN SELECT RAISE(ABORT, 'kind required'); END;";
    expect(checkMigration(refused, committedSchema())).not.toEqual([]);
    await applyD1Migrations(env.DB, [{ name: "9999_refused_fixture.sql", queries: statements(refused) }]);
    const error = await h.run(mondayAfter(W47_START));
    expect(String(error)).toMatch(/2 region\(s\) failed/);
    expect(await count("SELECT COUNT(*) AS n FROM snapshots")).toBe(0);
  });
});

/** The schema the committed migrations make, as the linter tracks it. */
function committedSchema() {
  const schema = emptySchema();
  for (const { queries } of env.TEST_MIGRATIONS) checkMigration(`${queries.join(";\n")};`, schema);
  return schema;
}
