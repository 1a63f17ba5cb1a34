import type { Context } from "hono";
import type { AppEnv } from "../app-env";
import { isRegion } from "../charts/regions";
import { notFoundPage } from "./site-pages";

/**
 * Requests for the site that match none of its files. The asset router hands them to the Worker
 * (wrangler.toml [assets] not_found_handling = "none"; its html_handling still adds the trailing
 * slash to a page's URL first). A region code in any case (`/charts/de/`, `/charts/De/2026-W47/`)
 * redirects to the upper-case URL (docs/site.md "Public pages and files"): `_redirects` rules are
 * case-sensitive and at most 100 may have a placeholder, so they cannot list every spelling of 71
 * codes. Everything else — an upper-case path that does not exist, a code outside the 71, a page
 * shell's public path (`/shell/*`, sent here first by run_worker_first: the shells are the Worker's
 * templates, which it reads through the ASSETS binding) — gets the site's 404 page with status 404.
 */

const CHART_PATH = /^\/charts\/([A-Za-z]{2})(\/.*)?$/;
/** The regions are fixed by the upstream (71 codes): a redirect may be kept a day. */
const REDIRECT_CACHE = "public, max-age=86400";

/**
 * The upper-case URL path for a chart path whose region code, upper-cased, is one of the 71 and
 * is not upper case already; else null. `/charts/de` goes straight to the region's page.
 */
export function upperCaseRegionPath(pathname: string): string | null {
  const match = CHART_PATH.exec(pathname);
  if (!match) return null;
  const [, code = "", rest = "/"] = match;
  const upper = code.toUpperCase();
  return upper !== code && isRegion(upper) ? `/charts/${upper}${rest}` : null;
}

export function siteMiss(c: Context<AppEnv>): Response | Promise<Response> {
  const url = new URL(c.req.url);
  const to = c.req.method === "GET" || c.req.method === "HEAD" ? upperCaseRegionPath(url.pathname) : null;
  if (to === null) return notFoundPage(c);
  return new Response(null, {
    status: 301,
    headers: { Location: `${to}${url.search}`, "Cache-Control": REDIRECT_CACHE },
  });
}
