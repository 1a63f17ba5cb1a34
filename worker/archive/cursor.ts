import type { z } from "zod";
import { InvalidInputError } from "../errors";

/**
 * Opaque cursors for paged reads (`next` in a response, `cursor` in the following request):
 * base64url of a small JSON value, checked against its schema when it comes back. A client may
 * only hand back what it was given; anything else is a 400, never a query.
 */
export function encodeCursor(value: unknown): string {
  const bytes = new TextEncoder().encode(JSON.stringify(value));
  return btoa(String.fromCharCode(...bytes))
    .replaceAll("+", "-")
    .replaceAll("/", "_")
    .replace(/=+$/, "");
}

/** Cursors are a few dozen bytes; a long one is not ours. */
const MAX_CURSOR_LENGTH = 512;

export function decodeCursor<T>(cursor: string, schema: z.ZodType<T>): T {
  const invalid = () => new InvalidInputError("cursor is not one this API handed out");
  if (cursor.length > MAX_CURSOR_LENGTH || !/^[A-Za-z0-9_-]*$/.test(cursor)) throw invalid();
  try {
    const binary = atob(cursor.replaceAll("-", "+").replaceAll("_", "/"));
    const json = JSON.parse(new TextDecoder().decode(Uint8Array.from(binary, (c) => c.charCodeAt(0))));
    const parsed = schema.safeParse(json);
    if (!parsed.success) throw invalid();
    return parsed.data;
  } catch {
    throw invalid();
  }
}
