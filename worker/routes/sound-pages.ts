import type { OpenAPIHono } from "@hono/zod-openapi";
import type { Context } from "hono";
import { type AppEnv, assetsFile } from "../app-env";
import { type ArchiveState, stateKey } from "../archive/change-number";
import { readSoundPage } from "../archive/sound-page";
import { readThrough } from "../cache/archive-copies";
import { bodyTag, notModifiedOr } from "../cache/validators";
import { sha256Hex } from "../hash";
import { pageCacheControl } from "../views/page-cache";
import { SHELL_PATH, ShellError, fillShell } from "../views/shell";
import { soundPageData } from "../views/sound-data";
import { renderSoundPage } from "../views/sound-page";
import { soundUrl } from "../views/urls";

/**
 * `/sounds/<clipId>/` for every sound ever charted (docs/site.md "Sound pages are rendered by the
 * Worker, inside the site's shell"): one bounded archive read, rendered by pure code into the
 * shell the site build made, kept in the colo cache until the next snapshot, under a key that
 * names the archive state it was made from (archive/change-number.ts). An id that is not digits,
 * or that no archived chart of this source holds, gets the site's 404 page.
 */

// Clip ids are decimal digit strings (worker/charts/schema.ts), 19 digits today.
const CLIP_ID = /^\d{1,32}$/;
/** A sound unknown now may chart in the next snapshot: its 404 is kept briefly. */
const NOT_FOUND_CACHE = "public, max-age=300";
/** Headers the site's _headers rules give its pages (CSP, nosniff, referrer policy): the shell's are kept. */
const SHELL_HEADERS = ["Content-Security-Policy", "X-Content-Type-Options", "Referrer-Policy"];
const HTML_TYPE = "text/html; charset=utf-8";

export function mountSoundPages(app: OpenAPIHono<AppEnv>): void {
  app.get("/sounds/:clipId", (c) => {
    const clipId = c.req.param("clipId");
    if (!CLIP_ID.test(clipId)) return notFoundPage(c);
    return c.redirect(`${soundUrl(clipId)}${new URL(c.req.url).search}`, 301);
  });
  app.get("/sounds/:clipId/", soundPage);
  app.get("/sounds/*", notFoundPage);
}

async function soundPage(c: Context<AppEnv>): Promise<Response> {
  const clipId = c.req.param("clipId") ?? "";
  if (!CLIP_ID.test(clipId)) return notFoundPage(c);
  const { deps } = c.get("app");
  const source = c.get("config").dataSource;
  const shell = await loadShell(c, SHELL_PATH);
  // Not kept while the global ranking it shows waits to be rebuilt: no change number says when that lands.
  const keyOf = (state: ArchiveState) =>
    state.globalDue
      ? null
      : new Request(
          `${new URL(c.req.url).origin}${soundUrl(clipId)}?${new URLSearchParams({ source, archive: stateKey(state), shell: shell.version })}`,
        );
  const { response, asOf } = await readThrough(c, keyOf, async () => {
    const page = soundPageData(clipId, await readSoundPage(c.env.DB, source, clipId));
    if (!page) return notFoundPage(c);
    const body = fillShell(shell.text, renderSoundPage(page), source === "demo");
    const headers = siteHeaders(shell.response, pageCacheControl(deps.now()));
    headers.set("ETag", await bodyTag(body));
    return new Response(body, { status: 200, headers });
  });
  if (response.status !== 200) return response;
  return conditional(c, response, deps.now(), asOf ?? deps.now());
}

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
