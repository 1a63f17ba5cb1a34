import { describe, expect, it } from "vitest";
import { TRENDING, harness } from "./harness";

interface Parameter {
  name: string;
  in: string;
  required?: boolean;
  schema?: { type?: string; pattern?: string };
}
interface OpenApiDoc {
  openapi: string;
  info: { title: string; version: string };
  paths: Record<string, Record<string, { parameters?: Parameter[]; responses: Record<string, unknown> }>>;
}

const QUERY_PARAMETERS = ["commercial_music", "limit", "new_to_top_100", "page", "period", "region", "search_keyword"];

describe("OpenAPI document and health", () => {
  it("serves an OpenAPI 3.1 JSON document describing the trending endpoint", async () => {
    const h = await harness();
    const response = await h.request("/openapi.json");
    expect(response.status).toBe(200);
    expect(response.headers.get("Content-Type")).toMatch(/^application\/json/);
    const doc = (await response.json()) as OpenApiDoc;
    expect(doc.openapi).toMatch(/^3\.1\./);
    expect(doc.info.title).toBeTruthy();
    const get = doc.paths[TRENDING]?.get;
    expect(get).toBeDefined();
    const parameters = get?.parameters ?? [];
    expect(parameters.map((p) => p.name).sort()).toEqual(QUERY_PARAMETERS);
    for (const p of parameters) {
      expect(p.in, p.name).toBe("query");
      expect(p.required ?? false, p.name).toBe(false);
    }
    // Numbers are plain digits on the wire (strings, as upstream), and the description says so.
    for (const name of ["period", "page", "limit"]) {
      expect(parameters.find((p) => p.name === name)?.schema).toEqual({ type: "string", pattern: "^[0-9]+$" });
    }
    for (const status of ["200", "400", "429", "502", "503", "504"]) {
      expect(Object.keys(get?.responses ?? {}), status).toContain(status);
    }
    expect(await h.upstream.count()).toBe(0);
  });

  it("answers /healthz with 200 JSON without calling the upstream", async () => {
    const h = await harness();
    const response = await h.request("/healthz");
    expect(response.status).toBe(200);
    expect(response.headers.get("Content-Type")).toMatch(/^application\/json/);
    expect(await response.json()).toMatchObject({ ok: true });
    expect(await h.upstream.count()).toBe(0);
  });
});
