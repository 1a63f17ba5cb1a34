import { z } from "@hono/zod-openapi";

/**
 * Where the data comes from (docs/data-model.md): the provider (KeyAPI) or the demo source. The
 * one list of them: the config, the proxy's kept pages, the archive and its dumps, the API and the
 * site all read it from here, and every key and row carries one of them.
 */
export const DATA_SOURCES = ["keyapi", "demo"] as const;

export const dataSourceSchema = z.enum(DATA_SOURCES);
export type DataSource = z.infer<typeof dataSourceSchema>;
