import { type OpenAPIHono, createRoute, z } from "@hono/zod-openapi";
import type { Context } from "hono";
import type { AppEnv } from "../app-env";
import { ADMIN_QUERY_BUDGET } from "../archive/limits";
import { countingD1 } from "../archive/query-counter";
import { errorResponse } from "../envelope";
import { BACKFILL_QUERIES_PER_STEP, backfillStep, pendingBackfills } from "../search/backfill";
import { NO_STORE, isAdmin, jsonResponse } from "./archive-http";
import { errorResponses } from "./archive-schemas";

/**
 * Builds the search index of an archive stored before it existed (migrations/0008_search_index.sql
 * leaves every source then in the archive pending): as many bounded steps as fit in
 * ADMIN_QUERY_BUDGET per request (docs/weekly-archive.md "Bounded per request"). Call until `pending` is empty;
 * searches work meanwhile and say the index is still being built.
 */
export const ADMIN_SEARCH_INDEX_PATH = "/api/admin/search-index";

const backfillRoute = createRoute({
  method: "post",
  path: ADMIN_SEARCH_INDEX_PATH,
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
  app.openapi(backfillRoute, (c) => backfill(c) as never);
}

async function backfill(c: Context<AppEnv>): Promise<Response> {
  if (!(await isAdmin(c.req.header("Authorization"), c.get("config").adminToken)))
    return errorResponse(401, "admin token required", c.get("requestId"), { "WWW-Authenticate": "Bearer" });
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
  return jsonResponse({ sounds, pending: await pendingBackfills(counter.db) }, NO_STORE);
}
