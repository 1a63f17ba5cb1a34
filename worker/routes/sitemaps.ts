import { type OpenAPIHono, createRoute, z } from "@hono/zod-openapi";
import type { Context } from "hono";
import type { AppEnv } from "../app-env";
import { SoundSitemapRead } from "../archive/sound-sitemap";
import { pageCacheControl } from "../archive-cache/page-cache";
import { taggedByBody } from "../archive-cache/validators";
import { SITEMAP_MAX_URLS, soundSitemapNumber, soundSitemapPaths } from "../charts/sitemaps";
import { NotFoundError } from "../errors";
import { LIST_CACHE, madeWhole } from "../http/archive-http";
import { markup } from "../views/markup";
import { soundUrl } from "../views/urls";

/**
 * The sound pages' sitemaps (docs/site.md "`/robots.txt` and a sitemap of every page"): sound pages
 * are the Worker's, and there are more sounds than static files may hold, so their sitemap files
 * are answered from the archive — `/sitemaps/sounds-<n>.xml`, 50,000 sounds a file in clip id
 * order, one D1 query each — and `/api/sitemaps` tells the site build which files exist, for the
 * sitemap index it writes.
 */

const CLIP_ID = /^\d{1,32}$/;
const XML_TYPE = "application/xml; charset=utf-8";

const sitemapsRoute = createRoute({
  method: "get",
  path: "/sitemaps",
  summary: "The sound pages' sitemap files",
  description:
    "How many sounds have a page (`/sounds/{clipId}/`: every sound ever on an archived chart) and the sitemap " +
    `files that list them, ${SITEMAP_MAX_URLS.toLocaleString("en")} to a file in clip id order. The site's ` +
    "sitemap index lists these files.",
  responses: {
    200: {
      description: "Sound sitemap files",
      content: {
        "application/json": {
          schema: z
            .object({
              sounds: z.number().int().min(0).openapi({ example: 123456 }),
              perFile: z.number().int().openapi({ example: SITEMAP_MAX_URLS }),
              files: z
                .array(z.string())
                .openapi({ description: "Site paths", example: ["/sitemaps/sounds-1.xml", "/sitemaps/sounds-2.xml"] }),
            })
            .openapi("SoundSitemaps"),
        },
      },
    },
  },
});

/** `/api/sitemaps`. */
export function mountSitemapList(app: OpenAPIHono<AppEnv>): void {
  app.openapi(sitemapsRoute, async (c) => {
    const sounds = await soundsOf(c).soundCount();
    c.header("Cache-Control", LIST_CACHE);
    return c.json({ sounds, perFile: SITEMAP_MAX_URLS, files: soundSitemapPaths(sounds) }, 200);
  });
}

/** `/sitemaps/sounds-<n>.xml`. */
export function mountSitemapFiles(app: OpenAPIHono<AppEnv>): void {
  app.get("/sitemaps/:file", taggedByBody, soundSitemap);
}

function soundsOf(c: Context<AppEnv>): SoundSitemapRead {
  return new SoundSitemapRead(c.env.DB, c.get("config").dataSource);
}

/** One sound sitemap file; a number past the last file (or no sounds at all) is a 404. */
async function soundSitemap(c: Context<AppEnv>): Promise<Response> {
  const n = soundSitemapNumber(c.req.param("file") ?? "");
  if (n === null) throw new NotFoundError(`not found: ${new URL(c.req.url).pathname}`);
  const ids = (await soundsOf(c).clipIds(n, SITEMAP_MAX_URLS)).filter((id) => CLIP_ID.test(id));
  if (ids.length === 0) throw new NotFoundError(`sound sitemap ${n} is past the last one`);
  // Same host as the sitemap itself, as the protocol requires of every URL it lists.
  const origin = new URL(c.req.url).origin;
  const urls = ids.map((id) => markup`<url><loc>${origin}${soundUrl(id)}</loc></url>`).join("\n");
  const body = `<?xml version="1.0" encoding="UTF-8"?>\n<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">\n${urls}\n</urlset>\n`;
  return madeWhole(body, pageCacheControl(c.get("app").deps.now()), { "Content-Type": XML_TYPE });
}
