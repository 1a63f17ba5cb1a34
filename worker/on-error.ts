import type { OpenAPIHonoOptions, z } from "@hono/zod-openapi";
import type { Context, ErrorHandler } from "hono";
import { HTTPException } from "hono/http-exception";
import { validator } from "hono/validator";
import type { AppEnv } from "./app-env";
import { errorBody, errorResponse } from "./envelope";
import {
  ConfigError,
  InvalidInputError,
  MethodNotAllowed,
  NotFoundError,
  UpstreamError,
  statusForUpstreamError,
} from "./errors";

/** The errors with meaning (errors.ts) mapped to HTTP, in the provider's envelope; anything else a logged 500. */
export const onError: ErrorHandler<AppEnv> = (error, c) => {
  const requestId = c.get("requestId") ?? crypto.randomUUID();
  const source = sourceHeader(c);
  if (error instanceof UpstreamError) {
    const status = statusForUpstreamError(error.kind);
    const retry: Record<string, string> =
      error.retryAfter !== null ? { "Retry-After": String(Math.max(1, error.retryAfter)) } : {};
    return withCors(errorResponse(status, error.message, requestId, { ...source, ...retry }));
  }
  if (error instanceof InvalidInputError)
    return withCors(errorResponse(400, `invalid input: ${error.message}`, requestId, source));
  if (error instanceof NotFoundError) return withCors(errorResponse(404, error.message, requestId, source));
  if (error instanceof MethodNotAllowed) {
    return withCors(
      errorResponse(405, `method ${c.req.method} not allowed`, requestId, { ...source, Allow: error.allow }),
    );
  }
  // Hono's own refusals (bearer-auth's 401 in our envelope: http/admin-auth.ts) carry their answer.
  if (error instanceof HTTPException) return withCors(error.getResponse());
  if (error instanceof ConfigError) {
    console.error(JSON.stringify({ event: "config_error", requestId, message: error.message }));
    return withCors(errorResponse(500, `server misconfigured: ${error.message}`, requestId));
  }
  console.error(
    JSON.stringify({
      event: "unhandled_error",
      requestId,
      path: new URL(c.req.url).pathname,
      error: String(error),
      stack: error instanceof Error ? error.stack : undefined,
    }),
  );
  return withCors(errorResponse(500, "internal error", requestId, source));
};

/** Validation failures become the provider's 400 envelope, before anything costs a credit. */
export const invalidInput: NonNullable<OpenAPIHonoOptions<AppEnv>["defaultHook"]> = (result, c) => {
  if (!result.success) return refused(c, result.error);
};

/**
 * The same validation for a route only described in the registry (`registerPath`), because
 * @hono/zod-openapi cannot type its answer: a media type it takes for JSON (application/x-ndjson),
 * or a JSON answer kept as bytes in the colo cache.
 */
export function validQuery<S extends z.ZodType>(schema: S) {
  return validator("query", async (value, c: Context<AppEnv>) => {
    const result = await schema.safeParseAsync(value);
    return result.success ? result.data : refused(c, result.error);
  });
}

function refused(c: Context<AppEnv>, error: z.ZodError) {
  const message = error.issues.map(describeIssue).join("; ");
  const headers = { "Content-Type": "application/json; charset=utf-8", "Cache-Control": "no-store" };
  return c.json(errorBody(400, `invalid input: ${message}`, c.get("requestId")), 400, {
    ...headers,
    ...sourceHeader(c),
  });
}

function describeIssue(issue: { code: string; path: PropertyKey[]; message: string; keys?: string[] }): string {
  if (issue.code === "unrecognized_keys") return `unknown parameter(s): ${(issue.keys ?? []).join(", ")}`;
  const name = issue.path.map(String).join(".");
  if (issue.code === "invalid_type" && name) return `${name} must be given once, as a single value`;
  return issue.message.startsWith(name) ? issue.message : `${name}: ${issue.message}`;
}

function sourceHeader(c: Context<AppEnv>): Record<string, string> {
  const source = c.get("config")?.dataSource;
  return source ? { "X-Data-Source": source } : {};
}

/** onError answers replace the response the cors middleware decorated: add CORS again. */
function withCors(response: Response): Response {
  response.headers.set("Access-Control-Allow-Origin", "*");
  response.headers.set(
    "Access-Control-Expose-Headers",
    "ETag, Age, Last-Modified, X-Cache, X-Data-Source, Retry-After",
  );
  return response;
}
