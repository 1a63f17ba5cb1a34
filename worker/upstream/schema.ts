import { z } from "@hono/zod-openapi";
import { soundSchema } from "../charts/sound";
import { paginationSchema } from "../proxy/stored-page";

/**
 * The provider's wire format for `GET /v1/tiktok/trending/music` (docs/upstream.md): the
 * envelope and pagination around the sound records. Everything the upstream sends is validated
 * before it is stored or served: a body that fails is an upstream failure, never data.
 */
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

export type TrendingData = z.infer<typeof trendingDataSchema>;
export type SuccessEnvelope = z.infer<typeof successEnvelopeSchema>;
export type ErrorEnvelope = z.infer<typeof errorEnvelopeSchema>;
