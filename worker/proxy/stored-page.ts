import { z } from "@hono/zod-openapi";
import { soundSchema } from "../charts/sound";
import { dataSourceSchema } from "../charts/source";

export const paginationSchema = z
  .object({
    page: z.number().int(),
    size: z.number().int(),
    total: z.number().int(),
    has_more: z.boolean(),
  })
  .openapi("Pagination");

export type Pagination = z.infer<typeof paginationSchema>;

/**
 * One full upstream page as the proxy keeps it (in KV, the colo cache and the gate's storage).
 * Validated whenever it is read back: a corrupt or foreign copy is treated as absent.
 */
export const storedPageSchema = z.object({
  v: z.literal(1),
  source: dataSourceSchema,
  chart: z.string(),
  page: z.number().int().min(1),
  fetchedAt: z.number().int(),
  message: z.string(),
  requestId: z.string(),
  pagination: paginationSchema,
  sound_list: z.array(soundSchema),
});

export type StoredPage = z.infer<typeof storedPageSchema>;

export function parseStoredPage(text: string | null): StoredPage | null {
  if (text === null) return null;
  try {
    const json: unknown = JSON.parse(text);
    // The object as stored, in the provider's field order (the schema transforms nothing): the
    // same stored data gives the same bytes, whichever tier it came from.
    return storedPageSchema.safeParse(json).success ? (json as StoredPage) : null;
  } catch {
    return null;
  }
}

export type Freshness = "fresh" | "stale" | "expired";

/** Freshness by stored timestamps (so a TTL of 1 s works), never by a store's own expiry. */
export function freshnessOf(
  fetchedAt: number,
  now: number,
  ttl: { cacheTtlSeconds: number; staleTtlSeconds: number },
): Freshness {
  const age = now - fetchedAt;
  if (age < ttl.cacheTtlSeconds * 1000) return "fresh";
  if (age < (ttl.cacheTtlSeconds + ttl.staleTtlSeconds) * 1000) return "stale";
  return "expired";
}
