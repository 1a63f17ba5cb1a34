import { z } from "@hono/zod-openapi";
import { isRegion, REGIONS } from "../charts/regions";

/**
 * The edge endpoint's query parameters (docs/http.md, "The edge JSON endpoint — contract").
 * Every value arrives as a string; a repeated parameter arrives as an array and fails these
 * single-value schemas; unknown parameters fail the strict object. Numbers are plain decimal
 * digits only: `z.coerce.number()` would accept `1e1`, `0x10` and ` 1`.
 */
const DIGITS = /^\d+$/;
// C0/C1 controls, DEL, and the Unicode line/paragraph separators: never part of a keyword.
const CONTROL_CHARS = /[\u0000-\u001f\u007f-\u009f\u2028\u2029]/u;
export const MAX_KEYWORD_LENGTH = 50;
export const MAX_PAGE = 100;

function nonEmpty(value: string, ctx: z.RefinementCtx, name: string): boolean {
  if (value === "") {
    ctx.addIssue({ code: "custom", message: `${name} must not be empty` });
    return false;
  }
  return true;
}

function digits(name: string, min: number, max: number, clampTo?: number) {
  return z
    .string()
    .optional()
    .transform((value, ctx) => {
      if (value === undefined) return undefined;
      if (!nonEmpty(value, ctx, name)) return z.NEVER;
      if (!DIGITS.test(value)) {
        ctx.addIssue({ code: "custom", message: `${name} must be plain decimal digits` });
        return z.NEVER;
      }
      const n = Number(value);
      if (n > max && clampTo !== undefined) return clampTo;
      if (n < min || n > max) {
        ctx.addIssue({ code: "custom", message: `${name} must be between ${min} and ${max}` });
        return z.NEVER;
      }
      return n;
    });
}

function flag(name: string) {
  return z
    .string()
    .optional()
    .transform((value, ctx) => {
      if (value === undefined) return false;
      const lower = value.toLowerCase();
      if (lower === "true" || lower === "false") return lower === "true";
      ctx.addIssue({ code: "custom", message: `${name} must be true or false` });
      return z.NEVER;
    });
}

export const trendingQuerySchema = z.strictObject({
  region: z
    .string()
    .optional()
    .transform((value, ctx) => {
      if (value === undefined) return "US";
      if (!nonEmpty(value, ctx, "region")) return z.NEVER;
      // ASCII letters only: "ﬁ".toUpperCase() is "FI", and "ı".toUpperCase() is "I".
      const code = value.toUpperCase();
      if (!/^[A-Za-z]{2}$/.test(value) || !isRegion(code)) {
        ctx.addIssue({ code: "custom", message: `region must be one of the ${REGIONS.length} chart regions` });
        return z.NEVER;
      }
      return code;
    })
    .openapi({
      param: { description: `One of the ${REGIONS.length} chart regions (case-insensitive).`, example: "US" },
      pattern: "^[A-Za-z]{2}$",
    }),
  period: digits("period", 7, 120)
    .refine((n) => n === undefined || n === 7 || n === 30 || n === 120, "period must be 7, 30 or 120")
    .transform((n) => (n ?? 7) as 7 | 30 | 120)
    .openapi({
      param: { description: "Days in the rolling window: 7, 30 or 120.", example: "7" },
      pattern: "^[0-9]+$",
    }),
  page: digits("page", 1, MAX_PAGE)
    .transform((n) => n ?? 1)
    .openapi({ param: { description: `Page, 1–${MAX_PAGE}.`, example: "1" }, pattern: "^[0-9]+$" }),
  limit: digits("limit", 1, 20, 20)
    .transform((n) => n ?? 20)
    .openapi({
      param: { description: "Rows per page, 1–20; larger is clamped to 20.", example: "20" },
      pattern: "^[0-9]+$",
    }),
  new_to_top_100: flag("new_to_top_100").openapi({
    param: { description: "Only sounds new to the top 100: true or false (any case).", example: "false" },
  }),
  commercial_music: flag("commercial_music").openapi({
    param: { description: "Only sounds approved for business use: true or false (any case).", example: "false" },
  }),
  search_keyword: z
    .string()
    .optional()
    .transform((value, ctx) => {
      if (value === undefined || value === "") return null;
      if (CONTROL_CHARS.test(value)) {
        ctx.addIssue({ code: "custom", message: "search_keyword must not contain control characters" });
        return z.NEVER;
      }
      const keyword = value.normalize("NFC").trim().replace(/\s+/gu, " ").toLowerCase();
      // Checked after normalising: the upstream reads the keyword "false" as no search.
      if (keyword === "false") return null;
      const length = [...keyword].length;
      if (length < 1 || length > MAX_KEYWORD_LENGTH) {
        ctx.addIssue({
          code: "custom",
          message: `search_keyword must be 1–${MAX_KEYWORD_LENGTH} characters`,
        });
        return z.NEVER;
      }
      return keyword;
    })
    .openapi({ param: { description: "Keyword search; absent, empty or FALSE = none.", example: "FALSE" } }),
});

export type TrendingQuery = z.output<typeof trendingQuerySchema>;
