import { getRssString } from "@astrojs/rss";
import type { APIContext } from "astro";
import { FEED_CONTENT_TYPE, regionFeed } from "../../../lib/feed";
import { regionFeedKey } from "../../../lib/page-keys";
import { siteData } from "../../../lib/site-data";

export async function getStaticPaths() {
  const site = await siteData();
  return site.regions.map((region) => ({
    params: { region: region.code },
    cacheKey: regionFeedKey(site, region.code),
  }));
}

export async function GET(context: APIContext): Promise<Response> {
  const site = await siteData();
  const region = String(context.params.region);
  const body = await getRssString(regionFeed(region, site.debuts(region), site.regionName, String(context.site)));
  return new Response(body, { headers: { "Content-Type": FEED_CONTENT_TYPE } });
}
