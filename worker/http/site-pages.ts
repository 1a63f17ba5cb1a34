import type { Context } from "hono";
import { type AppEnv, assetsFile } from "../app-env";
import { pageCacheControl } from "../archive-cache/page-cache";
import { notModifiedOr } from "../archive-cache/validators";
import { sha256Hex } from "../hash";
import { ShellError } from "../views/shell";

/**
 * What every page the Worker serves in the site's look shares (routes/sound-pages.ts, routes/search.ts,
 * http/site-misses.ts): the shell the site build made, its security headers, the site's 404 page,
 * and the page's Cache-Control and 304.
 */

/** The 404 page: a sound unknown now may chart in the next snapshot, so it is kept briefly. */
const NOT_FOUND_CACHE = "public, max-age=300";
/** Headers the site's _headers rules give its pages (CSP, nosniff, referrer policy): the shell's are kept. */
const SHELL_HEADERS = ["Content-Security-Policy", "X-Content-Type-Options", "Referrer-Policy"];
const HTML_TYPE = "text/html; charset=utf-8";

/**
 * The page with its Cache-Control worked out from now (and from `asOf`, when the archive state it
 * was found by was read), or a 304 when the browser has it already (If-None-Match, weakly
 * compared: RFC 9110 §13.1.2), as the asset server answers the site's pages.
 */
export function conditional(c: Context<AppEnv>, page: Response, now: number, asOf: number = now): Response {
  page.headers.set("Cache-Control", pageCacheControl(now, asOf));
  return notModifiedOr(c.req.raw, page);
}

/**
 * The shell and its version: a new site build may change it (a new stylesheet name), so a cached
 * page is keyed by the shell it was made with. The asset server's ETag names it; else its hash.
 */
export async function loadShell(c: Context<AppEnv>, path: string) {
  const response = await (c.get("app").deps.siteFile ?? assetsFile)(c.env, path);
  if (!response.ok) throw new ShellError(`no page shell at ${path}: HTTP ${response.status}`);
  const text = await response.text();
  const version = response.headers.get("ETag") ?? (await sha256Hex(text)).slice(0, 32);
  return { response, text, version };
}

/** The site's own 404 page, with its status. */
export async function notFoundPage(c: Context<AppEnv>): Promise<Response> {
  const page = await (c.get("app").deps.siteFile ?? assetsFile)(c.env, "/404.html");
  return new Response(await page.text(), { status: 404, headers: siteHeaders(page, NOT_FOUND_CACHE) });
}

export function siteHeaders(from: Response, cacheControl: string): Headers {
  const headers = new Headers({ "Content-Type": HTML_TYPE, "Cache-Control": cacheControl });
  for (const name of SHELL_HEADERS) {
    const value = from.headers.get(name);
    if (value !== null) headers.set(name, value);
  }
  return headers;
}
