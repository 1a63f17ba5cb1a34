import { z } from "@hono/zod-openapi";

/**
 * One sound on a chart, as the provider records it (docs/upstream.md): domain data that
 * the archive, the API, the proxy and the site share. Validated wherever it enters: a record that
 * fails is an upstream failure, never data. Unknown extra fields are kept (loose objects) so a
 * drop-in client still sees what the provider sent.
 */
export const trendPointSchema = z.object({
  time: z.number().int(),
  value: z.number(),
});

export const relatedItemSchema = z.looseObject({
  item_id: z.string(),
  cover_uri: z.string(),
});

export const soundSchema = z
  .looseObject({
    rank: z.number().int().min(1),
    rank_diff: z.number().int().nullable().optional(),
    rank_diff_type: z.number().int().nullable().optional(),
    clip_id: z.string().regex(/^\d+$/),
    song_id: z.string(),
    title: z.string(),
    author: z.string(),
    link: z.string(),
    url_title: z.string(),
    cover: z.string(),
    duration: z.number(),
    country_code: z.string(),
    if_cml: z.boolean(),
    promoted: z.boolean(),
    trend: z.array(trendPointSchema),
    is_search: z.boolean().nullable().optional(),
    on_list_times: z.number().nullable().optional(),
    related_items: z.array(relatedItemSchema).nullable().optional(),
  })
  .openapi("Sound");

export type TrendPoint = z.infer<typeof trendPointSchema>;
export type Sound = z.infer<typeof soundSchema>;

/** A chart is the top 100. */
export const CHART_SIZE = 100;

/**
 * A sound on TikTok from its clip id alone: TikTok resolves the id whatever the slug before it, so
 * a link never depends on one region's (or the provider's) copy of the title. The one builder of
 * this link: the archive's global and year-end entries, the demo source's records and the site.
 */
export function tiktokSoundUrl(clipId: string): string {
  return `https://www.tiktok.com/music/x-${clipId}`;
}
