import type { ErrorEnvelope } from "./upstream/schema";

/** The provider's error envelope, so a drop-in client's error handling keeps working. */
export function errorBody(status: number, message: string, requestId: string): ErrorEnvelope {
  return { code: status, message, data: null, requestId };
}

export function errorResponse(
  status: number,
  message: string,
  requestId: string,
  headers: Record<string, string> = {},
): Response {
  return new Response(JSON.stringify(errorBody(status, message, requestId)), {
    status,
    headers: { "Content-Type": "application/json; charset=utf-8", "Cache-Control": "no-store", ...headers },
  });
}
