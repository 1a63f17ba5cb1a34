/**
 * The D1 binding, counting the statements it is asked to run and the rows D1 reads for them:
 * every statement is prepared once per query (a batch of n statements is n queries), so prepared
 * statements are the queries a request costs against D1's per-invocation limit, and `rows_read`
 * (D1's own `meta`) is what it costs in work. The archive API reports both in `Server-Timing`;
 * tests and the benchmarks read them.
 */
export interface CountingD1 {
  db: D1Database;
  queries: () => number;
  rowsRead: () => number;
  reset: () => void;
}

type Meta = { meta?: { rows_read?: number } };

export function countingD1(db: D1Database): CountingD1 {
  let prepared = 0;
  let rows = 0;
  const tally = <T extends Meta>(result: T): T => {
    rows += result?.meta?.rows_read ?? 0;
    return result;
  };
  /** D1 runs a batch from the statements underneath: each wrapped statement remembers its own. */
  const underlying = new WeakMap<D1PreparedStatement, D1PreparedStatement>();
  /** A statement whose results add their rows read; `first` goes through `all` (it has no meta). */
  const counting = (statement: D1PreparedStatement): D1PreparedStatement => {
    const wrapped = new Proxy(statement, {
      get(target, property) {
        if (property === "bind") return (...values: unknown[]) => counting(target.bind(...values));
        if (property === "all" || property === "run")
          return async () => tally(await (target[property] as () => Promise<D1Result>).call(target));
        if (property === "first")
          return async (column?: string) => {
            const { results } = tally(await target.all<Record<string, unknown>>());
            const row = results[0];
            if (row === undefined) return null;
            return column === undefined ? row : (row[column] ?? null);
          };
        const value = Reflect.get(target, property, target);
        return typeof value === "function" ? value.bind(target) : value;
      },
    });
    underlying.set(wrapped, statement);
    return wrapped;
  };
  const counted = new Proxy(db, {
    get(target, property) {
      if (property === "prepare") {
        return (sql: string) => {
          prepared++;
          return counting(target.prepare(sql));
        };
      }
      if (property === "batch") {
        return async (statements: D1PreparedStatement[]) => {
          const results = await target.batch(statements.map((s) => underlying.get(s) ?? s));
          for (const result of results) tally(result);
          return results;
        };
      }
      const value = Reflect.get(target, property, target);
      return typeof value === "function" ? value.bind(target) : value;
    },
  });
  return {
    db: counted,
    queries: () => prepared,
    rowsRead: () => rows,
    reset: () => {
      prepared = 0;
      rows = 0;
    },
  };
}
