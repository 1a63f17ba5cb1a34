import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { ArchiveStore } from "../../worker/archive/store";
import { weekStart } from "../../worker/charts/iso-week";
import { SHELL_MARKERS, SHELL_PATH } from "../../worker/views/shell";
import { harness } from "./harness";

/**
 * The page shells are the Worker's templates, not pages: their public paths answer the site's 404
 * page (wrangler.toml run_worker_first sends /shell/* to the Worker), while the Worker itself reads
 * them through the ASSETS binding, which goes straight to the assets and not through that router.
 */

const NOT_FOUND_PAGE = "<!doctype html><title>Not found · Trending Sounds</title><h1>Not found</h1>";
const SHELL = `<!doctype html><title>${SHELL_MARKERS.title}</title><meta name="description" content="${SHELL_MARKERS.description}"><main>${SHELL_MARKERS.main}</main>`;

/** The ASSETS binding as the asset server answers it, with the path of every read. */
function assetsBinding(): { binding: Env["ASSETS"]; reads: string[] } {
  const files: Record<string, string> = {
    "/shell/sound/": SHELL,
    "/shell/search/": SHELL,
    "/404.html": NOT_FOUND_PAGE,
  };
  const reads: string[] = [];
  const binding = {
    fetch: async (input: RequestInfo | URL) => {
      const path = new URL(input instanceof Request ? input.url : String(input)).pathname;
      reads.push(path);
      const body = files[path];
      return body === undefined
        ? new Response("no such file", { status: 404 })
        : new Response(body, { headers: { "Content-Type": "text/html", ETag: `"${path}"` } });
    },
  };
  return { binding: binding as unknown as Env["ASSETS"], reads };
}

describe("the page shells' public paths", () => {
  it.each(["/shell/sound/", "/shell/search/", "/shell/sound", "/shell/sound/index.html"])(
    "answer %s with the site's 404 page, never the template",
    async (path) => {
      const h = await harness({ DATA_SOURCE: "demo" });
      const assets = assetsBinding();
      h.env.ASSETS = assets.binding;
      const response = await h.requestElsewhere(path);
      expect(response.status).toBe(404);
      const body = await response.text();
      expect(body).toBe(NOT_FOUND_PAGE);
      expect(body).not.toContain("@@shell-");
    },
  );

  it("reach the Worker first: the asset router would serve the template itself", () => {
    const patterns = JSON.parse(env.TEST_RUN_WORKER_FIRST) as string[];
    for (const path of ["/shell/sound/", "/shell/search/", "/shell/sound/index.html"])
      expect(patterns.some((p) => (p.endsWith("/*") ? path.startsWith(p.slice(0, -1)) : p === path))).toBe(true);
  });

  it("still fill a sound page, read by the Worker through the ASSETS binding", async () => {
    const h = await harness({ DATA_SOURCE: "demo" });
    const assets = assetsBinding();
    h.env.ASSETS = assets.binding;
    const clip = "9000000000000000021";
    const week = "2026-W47";
    await new ArchiveStore(env.DB, "demo").storeSnapshot({
      region: "DE",
      week,
      fetchedAt: weekStart(week) + 8 * 86_400_000,
      source: "demo",
      entries: [
        {
          rank: 1,
          clip_id: clip,
          song_id: clip,
          title: "Nachtzug",
          author: "Lea",
          link: `https://www.tiktok.com/music/x-${clip}`,
          url_title: "s",
          cover: "",
          duration: 30,
          country_code: "DE",
          if_cml: false,
          promoted: false,
          trend: [],
        },
      ],
    });
    const page = await h.requestElsewhere(`/sounds/${clip}/`);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain("<title>Nachtzug — Lea</title>");
    expect(assets.reads).toContain(SHELL_PATH);
  });
});
