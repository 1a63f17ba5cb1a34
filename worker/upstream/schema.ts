import { z } from "@hono/zod-openapi";

/**
 * The provider's wire format for `GET /v1/tiktok/trending/music` (see shared/upstream/FACTS.md).
 * Everything the upstream sends is validated here before it is stored or served: a body that
 * fails is an upstream failure, never data. Unknown extra fields are kept (passthrough) so that a
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

export const paginationSchema = z
  .object({
    page: z.number().int(),
    size: z.number().int(),
    total: z.number().int(),
    has_more: z.boolean(),
  })
  .openapi("Pagination");

export const trendingDataSchema = z.object({
  pagination: paginationSchema,
  sound_list: z.array(soundSchema),
});

export const upstreamEnvelopeSchema = z.object({
  code: z.number().int(),
  message: z.string().optional(),
  msg: z.string().optional(),
  data: z.unknown(),
  requestId: z.string().optional(),
});

export const successEnvelopeSchema = z
  .object({
    code: z.literal(0),
    message: z.string(),
    data: trendingDataSchema,
    requestId: z.string(),
  })
  .openapi("TrendingMusicResponse");

export const errorEnvelopeSchema = z
  .object({
    code: z.number().int(),
    message: z.string(),
    data: z.null(),
    requestId: z.string(),
  })
  .openapi("Error");

export type TrendPoint = z.infer<typeof trendPointSchema>;
export type Sound = z.infer<typeof soundSchema>;
export type Pagination = z.infer<typeof paginationSchema>;
export type TrendingData = z.infer<typeof trendingDataSchema>;
export type SuccessEnvelope = z.infer<typeof successEnvelopeSchema>;
export type ErrorEnvelope = z.infer<typeof errorEnvelopeSchema>;

/** The upstream's page size maximum: the proxy only ever asks for full pages of this size. */
export const UPSTREAM_PAGE_SIZE = 20;
/** A chart is the top 100: five full pages. */
export const CHART_SIZE = 100;

/** One question to the upstream, every parameter explicit (the gate never sends defaults implicitly). */
export interface UpstreamQuery {
  region: string;
  period: 7 | 30 | 120;
  page: number;
  limit: number;
  newToTop100: boolean;
  commercialMusic: boolean;
  /** null = no search (sent upstream as the string `FALSE`). */
  searchKeyword: string | null;
}
