import { type OpenAPIHono, createRoute, z } from "@hono/zod-openapi";
import type { Context } from "hono";
import type { AppEnv } from "../app-env";
import { ADMIN_QUERY_BUDGET } from "../archive/limits";
import { countingD1 } from "../archive/query-counter";
import { NO_STORE_JSON } from "../http/archive-http";
import { errorResponses } from "../schemas/archive-api";
import { BACKFILL_QUERIES_PER_STEP, backfillStep, pendingBackfills } from "../search/backfill";

/**
 * Builds the search index of an archive stored before it existed (migrations/0008_search_index.sql
 * leaves every source then in the archive pending): as many bounded steps as fit in
 * ADMIN_QUERY_BUDGET per request (docs/weekly-archive.md "Bounded per request"). Call until `pending` is empty;
 * searches work meanwhile and say the index is still being built.
 */
/** Under `/api/admin`, whose app checks the token. */
const SEARCH_INDEX_PATH = "/search-index";

const backfillRoute = createRoute({
  method: "post",
  path: SEARCH_INDEX_PATH,
  summary: "Build the search index of an existing archive (admin), a bounded amount per request",
  description: "Call until `pending` is empty.",
  security: [{ adminToken: [] }],
  responses: {
    200: {
      description: "Sounds indexed by this request, and the sources whose index is still being built",
      content: { "application/json": { schema: z.object({ sounds: z.number(), pending: z.array(z.string()) }) } },
    },
    ...errorResponses(401),
  },
});

export function mountSearchAdmin(app: OpenAPIHono<AppEnv>): void {
  app.openapi(backfillRoute, (c) => backfill(c));
}

async function backfill(c: Context<AppEnv>) {
  const counter = countingD1(c.env.DB);
  // The pending list is read again at the end: one more query.
  const fits = () => counter.queries() + BACKFILL_QUERIES_PER_STEP + 1 <= ADMIN_QUERY_BUDGET;
  let sounds = 0;
  for (const source of await pendingBackfills(counter.db)) {
    let done = false;
    while (!done && fits()) {
      const step = await backfillStep(counter.db, source);
      sounds += step.sounds;
      done = step.done;
    }
    if (!done) break;
  }
  return c.json({ sounds, pending: await pendingBackfills(counter.db) }, 200, NO_STORE_JSON);
}
