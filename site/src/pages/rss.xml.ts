import { getRssString } from "@astrojs/rss";
import type { APIContext } from "astro";
import { FEED_CONTENT_TYPE, globalFeed } from "../lib/feed";
import { siteData } from "../lib/site-data";

export async function GET(context: APIContext): Promise<Response> {
  const site = await siteData();
  const origin = String(context.site);
  const body = await getRssString(globalFeed(site.globalDebuts, site.regionName, origin));
  return new Response(body, { headers: { "Content-Type": FEED_CONTENT_TYPE } });
}
