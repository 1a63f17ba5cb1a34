import { type OpenAPIHono, createRoute, z } from "@hono/zod-openapi";
import type { Context } from "hono";
import type { AppEnv } from "../app-env";
import { type ArchiveState, stateKey } from "../archive/change-number";
import { readThrough } from "../archive-cache/archive-copies";
import { BROWSER_MAX_AGE, pageCacheControl } from "../archive-cache/page-cache";
import { bodyTag } from "../archive-cache/validators";
import type { DataSource } from "../config";
import { InvalidInputError } from "../errors";
import { conditional, loadShell, siteHeaders } from "../http/site-pages";
import { validQuery } from "../on-error";
import { errorResponses } from "../schemas/archive-api";
import { foldedWords } from "../search/fold";
import {
  MAX_QUERY_CHARS,
  MAX_QUERY_TOKENS,
  MAX_QUERY_WORDS,
  type SearchRequest,
  normaliseQuery,
  parseSearch,
  planOf,
} from "../search/query";
import { type SearchHit, type SearchResults, hasSound, searchArchive, soundByClip } from "../search/reader";
import { type SearchView, renderSearchPage } from "../views/search-page";
import { fillShell } from "../views/shell";
import { soundUrl } from "../views/urls";

/**
 * Search across the whole archive (issue 17; docs/site.md "/search?q="): `/search?q=` is a page the
 * Worker renders into the site's shell, like a sound page; `/api/search?q=` the same results as
 * JSON. Both read the index the archive keeps (worker/search/), a bounded amount per request, and
 * keep a result page in the colo cache until the next snapshot, keyed by the normalised query,
 * the page, the source and the archive state (cached() below). Bad input answers a clear 400,
 * never an error from SQL.
 */
export const SEARCH_SHELL_PATH = "/shell/search/";
const PLAIN_PAGE_CACHE = `public, max-age=${BROWSER_MAX_AGE}`;

const hitSchema = z.object({
  clip_id: z.string(),
  title: z.string(),
  author: z.string(),
  bestRank: z.number().int().openapi({ description: "Best rank in any region, ever." }),
  regions: z.array(z.string()).openapi({ description: "Every region it charted in, by code." }),
  firstWeek: z.string(),
  lastWeek: z.string(),
  url: z.string().openapi({ description: "Its page on this site." }),
});

const searchRoute = createRoute({
  method: "get",
  path: "/search",
  summary: "Search every sound ever charted, by title or author",
  description:
    "Case- and accent-insensitive; the last word matches as a prefix; Chinese and Japanese text matches anywhere " +
    "in a title. Ranked by relevance (a whole title or author, then one that starts with the query, then every " +
    "word in a title), then by regions charted, latest week, best rank. At most 1,000 sounds are ranked " +
    "(`truncated` when more match), 50 a page. A clip id as `q` finds that sound.",
  request: {
    query: z.object({
      q: z.string().openapi({
        description: `1–${MAX_QUERY_CHARS} characters, at most ${MAX_QUERY_WORDS} words and ${MAX_QUERY_TOKENS} tokens (a Chinese or Japanese character is one), no control characters.`,
      }),
      page: z.string().optional().openapi({ description: "1–20", example: "1" }),
    }),
  },
  responses: {
    200: {
      description: "One page of results",
      content: {
        "application/json": {
          schema: z.object({
            query: z.string(),
            page: z.number().int(),
            total: z.number().int(),
            truncated: z.boolean(),
            indexing: z.boolean().openapi({ description: "The index is still being built from an older archive." }),
            results: z.array(hitSchema),
          }),
        },
      },
    },
    ...errorResponses(400),
  },
});

/** `/search`, the page. */
export function mountSearchPage(app: OpenAPIHono<AppEnv>): void {
  app.get("/search/", (c) => c.redirect(`/search${new URL(c.req.url).search}`, 301));
  app.get("/search", searchPage);
}

/** `/api/search`, the same results as JSON. */
export function mountSearchApi(app: OpenAPIHono<AppEnv>): void {
  // Described, then routed by hand: the answer may be a copy kept as bytes, or a 304.
  app.openAPIRegistry.registerPath(searchRoute);
  app.get("/search", validQuery(searchRoute.request.query), searchJson);
}

async function searchPage(c: Context<AppEnv>): Promise<Response> {
  const source = c.get("config").dataSource;
  const parsed = parseSearch(c.req.query("q"), c.req.query("page"));
  let request: Exclude<SearchRequest, { kind: "clip" }>;
  if (parsed.kind !== "clip") request = parsed;
  else {
    if (await hasSound(c.env.DB, source, parsed.clipId))
      return new Response(null, {
        status: 302,
        headers: { Location: soundUrl(parsed.clipId), "Cache-Control": PLAIN_PAGE_CACHE },
      });
    request = asWords(parsed.query);
  }
  const shell = await loadShell(c, SEARCH_SHELL_PATH);
  if (request.kind !== "words") {
    const view: SearchView =
      request.kind === "empty"
        ? { kind: "empty" }
        : { kind: "invalid", query: shownQuery(c.req.query("q")), message: request.message };
    const body = fillShell(shell.text, renderSearchPage(view), source === "demo");
    const status = request.kind === "empty" ? 200 : 400;
    return new Response(body, {
      status,
      headers: siteHeaders(shell.response, status === 200 ? PLAIN_PAGE_CACHE : "no-store"),
    });
  }
  const { query, page, plan } = request;
  return cached(c, "page", source, query, page, shell.version, async () => {
    const results = plan ? await searchArchive(c.env.DB, source, plan, page) : null;
    const body = fillShell(shell.text, renderSearchPage({ kind: "results", query, page, results }), source === "demo");
    return new Response(body, { headers: siteHeaders(shell.response, "") });
  });
}

async function searchJson(c: Context<AppEnv>): Promise<Response> {
  const source = c.get("config").dataSource;
  const parsed = parseSearch(c.req.query("q"), c.req.query("page"));
  if (parsed.kind === "empty") throw new InvalidInputError("q: a query is required");
  if (parsed.kind === "invalid") throw new InvalidInputError(parsed.message);
  // From the archive itself when the index has no row for it yet (a backfill under way).
  const clip = parsed.kind === "clip" ? await soundByClip(c.env.DB, source, parsed.clipId) : null;
  const { query, page, plan } = parsed.kind === "clip" ? asWords(parsed.query) : parsed;
  return cached(c, "api", source, query, page, "", async () => {
    const results: SearchResults = clip
      ? { hits: [clip], total: 1, truncated: false, indexing: false }
      : plan
        ? await searchArchive(c.env.DB, source, plan, page)
        : { hits: [], total: 0, truncated: false, indexing: false };
    const body = JSON.stringify({
      query,
      page,
      total: results.total,
      truncated: results.truncated,
      indexing: results.indexing,
      results: results.hits.map(hitBody),
    });
    return new Response(body, { headers: { "Content-Type": "application/json; charset=utf-8" } });
  });
}

/**
 * A result page from the colo cache, or made and kept there until the next snapshot. Keyed by the
 * normalised query (not the URL's spelling of it), the page, the source, the archive state it was
 * made from (a new key after any change: archive/change-number.ts) and, for HTML, the shell. Not
 * kept while the index is still being built: each backfill step changes the results.
 */
async function cached(
  c: Context<AppEnv>,
  kind: "page" | "api",
  source: DataSource,
  query: string,
  page: number,
  shellVersion: string,
  make: () => Promise<Response>,
): Promise<Response> {
  const { deps } = c.get("app");
  const keyOf = (state: ArchiveState) =>
    state.indexing
      ? null
      : new Request(
          `${new URL(c.req.url).origin}/__search/${kind}/${source}?${new URLSearchParams({ q: query, page: String(page), archive: stateKey(state), shell: shellVersion })}`,
        );
  const { response, asOf } = await readThrough(c, keyOf, async () => {
    const made = await make();
    made.headers.set("ETag", await bodyTag(await made.clone().text()));
    made.headers.set("Cache-Control", pageCacheControl(deps.now()));
    return made;
  });
  return conditional(c, response, deps.now(), asOf ?? deps.now());
}

/** A clip id the archive does not have is searched as words (titles hold numbers too). */
function asWords(query: string): Extract<SearchRequest, { kind: "words" }> {
  return { kind: "words", query, page: 1, plan: planOf(foldedWords(query)) };
}

/** The query put back in the form of a refused search: never a 10,000-character echo. */
function shownQuery(raw: string | undefined): string {
  return normaliseQuery((raw ?? "").replace(/[\u0000-\u001F\u007F-\u009F]/g, " ")).slice(0, MAX_QUERY_CHARS);
}

function hitBody(hit: SearchHit) {
  return {
    clip_id: hit.clipId,
    title: hit.title,
    author: hit.author,
    bestRank: hit.bestRank,
    regions: hit.regions,
    firstWeek: hit.firstWeek,
    lastWeek: hit.lastWeek,
    url: soundUrl(hit.clipId),
  };
}
