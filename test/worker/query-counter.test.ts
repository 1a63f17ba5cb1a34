import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { countingD1 } from "../../worker/archive/query-counter";

/**
 * The counted binding: queries as prepared statements, and the rows D1 says it read for them
 * (`meta.rows_read`), through every way the code runs a statement. Expected counts come from the
 * table's size, not from the counter.
 */
describe("countingD1", () => {
  it("counts queries and the rows D1 read, through all, run, first, bind and batch", async () => {
    await env.DB.exec("CREATE TABLE IF NOT EXISTS counted (n INTEGER PRIMARY KEY)");
    await env.DB.exec("DELETE FROM counted");
    await env.DB.batch([1, 2, 3, 4, 5].map((n) => env.DB.prepare("INSERT INTO counted (n) VALUES (?)").bind(n)));
    const counter = countingD1(env.DB);
    const { db } = counter;

    const all = await db.prepare("SELECT n FROM counted").all<{ n: number }>();
    expect(all.results.map((r) => r.n)).toEqual([1, 2, 3, 4, 5]);
    expect(counter.rowsRead()).toBe(5); // a full scan of five rows

    expect(await db.prepare("SELECT n FROM counted WHERE n = ?").bind(4).first("n")).toBe(4);
    expect(await db.prepare("SELECT n FROM counted WHERE n = ?").bind(9).first()).toBeNull();
    // Found by their key: a row each at most, never a scan of the table.
    const afterLookups = counter.rowsRead();
    expect(afterLookups).toBeGreaterThan(5);
    expect(afterLookups).toBeLessThanOrEqual(7);

    const [first, second] = await db.batch([
      db.prepare("SELECT n FROM counted WHERE n <= ?").bind(2),
      db.prepare("SELECT COUNT(*) AS c FROM counted"),
    ]);
    expect(first?.results).toHaveLength(2);
    expect(second?.results).toEqual([{ c: 5 }]);
    expect(counter.queries()).toBe(5);
    expect(counter.rowsRead()).toBeGreaterThanOrEqual(afterLookups + 2 + 5);

    counter.reset();
    expect([counter.queries(), counter.rowsRead()]).toEqual([0, 0]);
  });
});
