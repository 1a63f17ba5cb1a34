/**
 * The D1 binding, counting the statements it is asked to run: every statement is prepared once
 * per query (a batch of n statements is n queries), so prepared statements are the queries a
 * request costs against D1's per-invocation limit (DESIGN.md "Bounded per request"). The archive
 * API reports the count in `Server-Timing`; tests and the benchmarks read it.
 */
export function countingD1(db: D1Database): { db: D1Database; queries: () => number; reset: () => void } {
  let prepared = 0;
  const counted = new Proxy(db, {
    get(target, property) {
      if (property === "prepare") {
        return (sql: string) => {
          prepared++;
          return target.prepare(sql);
        };
      }
      const value = Reflect.get(target, property, target);
      return typeof value === "function" ? value.bind(target) : value;
    },
  });
  return {
    db: counted,
    queries: () => prepared,
    reset: () => {
      prepared = 0;
    },
  };
}
