import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { type Harness, harness } from "./harness";

/**
 * What the Worker answers for a path of the site that matches no file: the asset router hands
 * such requests to the Worker (wrangler.toml [assets] not_found_handling = "none"). A region code
 * in any case redirects to the upper-case URL; anything else gets the site's 404 page. The site's
 * files come from a fixture: site/dist may be missing or stale when tests run.
 */

const NOT_FOUND_PAGE = "<!doctype html><title>Not found · Trending Sounds</title><h1>Not found</h1>";

async function site(_env: Env, path: string): Promise<Response> {
  if (path !== "/404.html") return new Response("no such file", { status: 404 });
  return new Response(NOT_FOUND_PAGE, {
    headers: { "Content-Type": "text/html", "Content-Security-Policy": "default-src 'none'" },
  });
}

const get = (h: Harness, path: string, init?: RequestInit) => h.requestElsewhere(path, init, { siteFile: site });

describe("a site path that matches no file", () => {
  it.each([
    ["/charts/De/", "/charts/DE/"],
    ["/charts/dE/2026-W47/", "/charts/DE/2026-W47/"],
    ["/charts/de/2026-W47/", "/charts/DE/2026-W47/"],
    ["/charts/de", "/charts/DE/"],
    ["/charts/Fr/rss.xml", "/charts/FR/rss.xml"],
    ["/charts/gb/weeks/", "/charts/GB/weeks/"],
    ["/charts/jP/2026-W47/?utm_source=feed&x=%C3%A9", "/charts/JP/2026-W47/?utm_source=feed&x=%C3%A9"],
  ])("redirects %s to the upper-case %s, query string kept", async (from, to) => {
    const h = await harness();
    const response = await get(h, from);
    expect([response.status, response.headers.get("Location")]).toEqual([301, to]);
    const head = await get(h, from, { method: "HEAD" });
    expect([head.status, head.headers.get("Location")]).toEqual([301, to]);
  });

  it.each([
    "/charts/DE/2020-W01/",
    "/charts/XX/",
    "/charts/xx/2026-W47/",
    "/charts/Uk/",
    "/charts/deu/",
    "/charts/d%45/",
    "/nope",
    "/about/nothing",
  ])("answers %s with the site's 404 page", async (path) => {
    const h = await harness();
    const response = await get(h, path);
    expect(response.status).toBe(404);
    expect(response.headers.get("Content-Type")).toBe("text/html; charset=utf-8");
    expect(response.headers.get("Content-Security-Policy")).toBe("default-src 'none'");
    expect(await response.text()).toBe(NOT_FOUND_PAGE);
  });

  it("keeps the envelope for unknown API and endpoint paths", async () => {
    const h = await harness();
    for (const path of ["/api/nothing", "/v1/nothing-here"]) {
      const response = await get(h, path);
      expect(response.status, path).toBe(404);
      expect(response.headers.get("Content-Type"), path).toMatch(/^application\/json/);
    }
  });

  it("reaches the Worker: the asset router hands it every request that matches no file", () => {
    const assets = JSON.parse(env.TEST_ASSETS_CONFIG) as { not_found_handling?: string; html_handling?: string };
    expect(assets.not_found_handling).toBe("none");
    // Pages keep their one URL with a trailing slash; the router redirects /charts/DE to /charts/DE/.
    expect(assets.html_handling).toBe("auto-trailing-slash");
  });
});
