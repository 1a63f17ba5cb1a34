import { type OpenAPIHono, createRoute, z } from "@hono/zod-openapi";
import type { Context } from "hono";
import type { AppEnv } from "../app-env";
import { ADMIN_QUERY_BUDGET } from "../archive/limits";
import { countingD1 } from "../archive/query-counter";
import { REDERIVE_STEP_QUERIES, Rederivation } from "../archive/rederive";
import { NO_STORE_JSON } from "../http/archive-http";
import { errorResponses } from "../schemas/archive-api";

/**
 * The import's follow-up (`npm run import` calls it until nothing is pending): later weeks of a
 * region that an imported earlier week changed are derived again, as many bounded steps as fit
 * in ADMIN_QUERY_BUDGET, so a request never passes it however long the history (docs/weekly-archive.md
 * "Bounded per request"). Until then those weeks still show the history from before the import.
 */
/** Under `/api/admin`. */
export const DERIVE_PATH = "/archive/derive";
/** Regions looked at per request: more than a request's budget can finish anyway. */
const REGIONS_PER_REQUEST = 50;
/** The count of regions still pending, after the steps. */
const COUNT_QUERIES = 1;

const deriveRoute = createRoute({
  method: "post",
  path: DERIVE_PATH,
  summary: "Derive again the later weeks an import changed (admin), a bounded amount per request",
  description: "Call until `pending` is 0.",
  security: [{ adminToken: [] }],
  responses: {
    200: {
      description: "What was derived, and how many regions still have weeks to derive",
      content: { "application/json": { schema: z.object({ weeks: z.number(), pending: z.number() }) } },
    },
    ...errorResponses(401),
  },
});

export function mountAdminDerive(app: OpenAPIHono<AppEnv>): void {
  app.openapi(deriveRoute, (c) => deriveLater(c));
}

async function deriveLater(c: Context<AppEnv>) {
  const counter = countingD1(c.env.DB);
  const later = new Rederivation(counter.db);
  const fits = () => counter.queries() + REDERIVE_STEP_QUERIES + COUNT_QUERIES <= ADMIN_QUERY_BUDGET;
  let weeks = 0;
  for (const { source, region } of await later.pending(REGIONS_PER_REQUEST)) {
    let done = false;
    // A conflict (the job stored a week of the region meanwhile) costs its queries: the loop ends.
    while (!done && fits()) {
      const step = await later.step(source, region);
      if (step === "conflict") continue;
      weeks += step.weeks;
      done = step.done;
    }
    if (!done) break;
  }
  return c.json({ weeks, pending: await later.pendingCount() }, 200, NO_STORE_JSON);
}
