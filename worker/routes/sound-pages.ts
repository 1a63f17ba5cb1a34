import type { OpenAPIHono } from "@hono/zod-openapi";
import type { Context } from "hono";
import type { AppEnv } from "../app-env";
import { type ArchiveState, stateKey } from "../archive/change-number";
import { soundPageData } from "../archive/sound-data";
import { readSoundPage } from "../archive/sound-read";
import { readThrough } from "../archive-cache/archive-copies";
import { pageCacheControl } from "../archive-cache/page-cache";
import { bodyTag } from "../archive-cache/validators";
import { conditional, loadShell, notFoundPage, siteHeaders } from "../http/site-pages";
import { fillShell, SHELL_PATH } from "../views/shell";
import { renderSoundPage } from "../views/sound-render";
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
