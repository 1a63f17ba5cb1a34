import type { OpenAPIHono } from "@hono/zod-openapi";
import type { AppEnv } from "../app-env";

export const OPENAPI_PATH = "/openapi.json";

/** The API description of every face, from the routes' own schemas: registered on the app they are mounted on. */
export function serveOpenApi(app: OpenAPIHono<AppEnv>): void {
  app.doc31(OPENAPI_PATH, (c) => ({
    openapi: "3.1.0",
    info: {
      title: "Trending Sounds API",
      version: "1.0.0",
      description:
        "A free, cached drop-in for KeyAPI's TikTok trending music endpoint, and the weekly chart archive. " +
        "Errors use the provider's envelope: {code, message, data: null, requestId}.",
    },
    servers: [{ url: new URL(c.req.url).origin }],
  }));
}
