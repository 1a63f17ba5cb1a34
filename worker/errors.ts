/**
 * The few errors with meaning. `app.onError` maps them to HTTP by `instanceof`; anything else is
 * an unknown error: logged with context and answered with a generic 500.
 */
export class InvalidInputError extends Error {
  override name = "InvalidInputError";
}

export class NotFoundError extends Error {
  override name = "NotFoundError";
}

/** A var or secret holds nonsense: the operator must fix the deployment. */
export class ConfigError extends Error {
  override name = "ConfigError";
}

export type UpstreamErrorKind =
  | "not_configured"
  | "timeout"
  | "http"
  | "invalid"
  | "deprecated"
  | "network"
  | "budget"
  | "cooldown"
  | "paused"
  | "client_limit";

/** Upstream trouble, or the gate refusing to call it. `retryAfter` in seconds. */
export class UpstreamError extends Error {
  override name = "UpstreamError";
  readonly kind: UpstreamErrorKind;
  readonly retryAfter: number | null;

  constructor(kind: UpstreamErrorKind, message: string, retryAfter: number | null = null) {
    super(message);
    this.kind = kind;
    this.retryAfter = retryAfter;
  }
}

/** HTTP status a client sees when no copy can be served (docs/http.md, "What a client sees"). */
export function statusForUpstreamError(kind: UpstreamErrorKind): 429 | 502 | 503 | 504 {
  switch (kind) {
    case "client_limit":
      return 429;
    case "not_configured":
    case "budget":
    case "cooldown":
    case "paused":
      return 503;
    case "timeout":
      return 504;
    default:
      return 502;
  }
}

/** A method the edge endpoint does not answer: 405 with `Allow`. */
export class MethodNotAllowed extends Error {
  override name = "MethodNotAllowed";
  readonly allow: string;

  constructor(method: string, allow: string) {
    super(method);
    this.allow = allow;
  }
}
