import { getRssString } from "@astrojs/rss";
import type { APIContext } from "astro";
import { FEED_CONTENT_TYPE, regionFeed } from "../../../lib/feed";
import type { RegionFeedPage } from "../../../lib/page-props";
import { regionFeedPaths } from "../../../lib/site-data";

export async function getStaticPaths() {
  return regionFeedPaths();
}

export async function GET(context: APIContext<RegionFeedPage>): Promise<Response> {
  const { region, name, items } = context.props;
  const body = await getRssString(regionFeed(region, items, () => name, String(context.site)));
  return new Response(body, { headers: { "Content-Type": FEED_CONTENT_TYPE } });
}
