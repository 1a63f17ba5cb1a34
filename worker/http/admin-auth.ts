import type { Context, MiddlewareHandler } from "hono";
import { bearerAuth } from "hono/bearer-auth";
import { HTTPException } from "hono/http-exception";
import { timingSafeEqual } from "hono/utils/buffer";
import type { AppEnv } from "../app-env";
import { errorResponse } from "../envelope";

/**
 * The admin token's one check (`Authorization: Bearer <ADMIN_TOKEN>`), Hono's bearer-auth with the
 * token read from the request's config. Every refusal — no header, a malformed one, a wrong token, no
 * token configured — is the same 401 in the provider's envelope with `WWW-Authenticate: Bearer`:
 * a caller learns nothing about which it was. The comparison is timing-safe (hashes, then bytes).
 */
export const requireAdmin: MiddlewareHandler<AppEnv> = bearerAuth<AppEnv>({
  verifyToken: async (presented, c) => {
    const token = c.get("config").adminToken;
    return token !== null && (await timingSafeEqual(presented, token));
  },
  noAuthenticationHeader: { message: refusal },
  invalidAuthenticationHeader: { message: refusal },
  invalidToken: { message: refusal },
});

function refusal(c: Context): Response {
  return errorResponse(401, "admin token required", c.get("requestId"), { "WWW-Authenticate": "Bearer" });
}

/** For answers that only vary with the token (the admin view of /api/status): the same check, never a refusal. */
export async function isAdmin(c: Context<AppEnv>): Promise<boolean> {
  try {
    await requireAdmin(c, async () => {});
    return true;
  } catch (error) {
    if (error instanceof HTTPException) return false;
    throw error;
  }
}
