import { getRssString } from "@astrojs/rss";
import type { APIContext } from "astro";
import { FEED_CONTENT_TYPE, globalFeed } from "../lib/feed";
import { namer } from "../lib/page-props";
import { globalFeedPage } from "../lib/site-data";

export async function GET(context: APIContext): Promise<Response> {
  const { items, names } = await globalFeedPage();
  const body = await getRssString(globalFeed(items, namer(names), String(context.site)));
  return new Response(body, { headers: { "Content-Type": FEED_CONTENT_TYPE } });
}
