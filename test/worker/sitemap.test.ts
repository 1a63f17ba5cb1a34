import { env } from "cloudflare:workers";
import { SaxesParser } from "saxes";
import { describe, expect, it } from "vitest";
import { SoundSitemapRead } from "../../worker/archive/sound-sitemap";
import { ArchiveStore } from "../../worker/archive/store";
import { weekStart } from "../../worker/charts/iso-week";
import type { DataSource } from "../../worker/config";
import { testSound } from "../fixtures/sound";
import { harness } from "./harness";

/**
 * The sound pages' sitemaps through the real app: `/api/sitemaps` (which files exist) and
 * `/sitemaps/sounds-<n>.xml` (every charted sound of the configured source), over an archive
 * stored by the store's own path.
 */

async function storeChart(source: DataSource, region: string, week: string, clips: string[]): Promise<void> {
  const entries = clips.map((clip, i) => testSound(clip, i + 1, region));
  await new ArchiveStore(env.DB, source).storeSnapshot({
    region,
    week,
    fetchedAt: weekStart(week) + 8 * 86_400_000,
    source,
    entries,
  });
}

/** The archive of these tests: sounds on several charts, regions and weeks, and another source's. */
async function seed(): Promise<void> {
  await storeChart("keyapi", "DE", "2026-W45", ["7300000000000000003", "7300000000000000001", "42"]);
  await storeChart("keyapi", "DE", "2026-W46", ["7300000000000000001", "7300000000000000005"]);
  await storeChart("keyapi", "FR", "2026-W46", ["7300000000000000005", "7300000000000000002"]);
  await storeChart("demo", "DE", "2026-W46", ["9999999999999999999"]);
}

/** The `<loc>` of every `<url>`, parsed strictly (any well-formedness error throws). */
function locs(xml: string): { root: string; namespace: string; locs: string[] } {
  const parser = new SaxesParser({ xmlns: true });
  const found: string[] = [];
  const open: string[] = [];
  let root = "";
  let namespace = "";
  let text = "";
  parser.on("error", (error) => {
    throw error;
  });
  parser.on("opentag", (tag) => {
    if (open.length === 0) {
      root = tag.local;
      namespace = tag.uri;
    }
    open.push(tag.local);
    text = "";
  });
  parser.on("text", (t) => {
    text += t;
  });
  parser.on("closetag", (tag) => {
    if (tag.local === "loc" && open.join("/") === "urlset/url/loc") found.push(text);
    open.pop();
  });
  parser.write(xml).close();
  return { root, namespace, locs: found };
}

const queries = (response: Response) =>
  Number(/d1;desc="queries=(\d+) /.exec(response.headers.get("Server-Timing") ?? "")?.[1]);

describe("the sound pages' sitemaps", () => {
  it("lists every sound charted in the configured source once, in clip id order, with one D1 query", async () => {
    const h = await harness();
    await seed();
    const response = await h.request("/sitemaps/sounds-1.xml");
    expect(response.status).toBe(200);
    expect(response.headers.get("Content-Type")).toBe("application/xml; charset=utf-8");
    const parsed = locs(await response.text());
    expect(parsed.root).toBe("urlset");
    expect(parsed.namespace).toBe("http://www.sitemaps.org/schemas/sitemap/0.9");
    expect(parsed.locs).toEqual([
      "https://proxy.test/sounds/42/",
      "https://proxy.test/sounds/7300000000000000001/",
      "https://proxy.test/sounds/7300000000000000002/",
      "https://proxy.test/sounds/7300000000000000003/",
      "https://proxy.test/sounds/7300000000000000005/",
    ]);
    expect(queries(response)).toBe(1);
  });

  it("tells the build which files exist, with one D1 query", async () => {
    const h = await harness();
    await seed();
    const response = await h.request("/api/sitemaps");
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ sounds: 5, perFile: 50_000, files: ["/sitemaps/sounds-1.xml"] });
    expect(queries(response)).toBe(1);
    const openapi = await (await h.request("/openapi.json")).json<{ paths: Record<string, unknown> }>();
    expect(Object.keys(openapi.paths)).toContain("/api/sitemaps");
  });

  it("reaches the Worker before the static assets", () => {
    expect(JSON.parse(env.TEST_RUN_WORKER_FIRST)).toContain("/sitemaps/*");
  });

  it("has no files while nothing has charted, and answers 404 past the last file and for other names", async () => {
    const h = await harness();
    const empty = await h.request("/api/sitemaps");
    expect(await empty.json()).toEqual({ sounds: 0, perFile: 50_000, files: [] });
    expect((await h.request("/sitemaps/sounds-1.xml")).status).toBe(404);
    await seed();
    for (const path of [
      "/sitemaps/sounds-2.xml",
      "/sitemaps/sounds-0.xml",
      "/sitemaps/sounds-01.xml",
      "/sitemaps/x.xml",
    ]) {
      const response = await h.request(path);
      expect(response.status, path).toBe(404);
      expect(queries(response), path).toBeLessThanOrEqual(1);
    }
  });

  it("answers a repeated request with 304 when its ETag matches", async () => {
    const h = await harness();
    await seed();
    const first = await h.request("/sitemaps/sounds-1.xml");
    const etag = first.headers.get("ETag") ?? "";
    expect(etag).toMatch(/^"[0-9a-f]{32}"$/);
    const again = await h.request("/sitemaps/sounds-1.xml", { headers: { "If-None-Match": etag } });
    expect(again.status).toBe(304);
  });

  it("pages the sounds at a limit, in clip id order, none twice and none left out", async () => {
    await harness();
    await seed();
    const read = new SoundSitemapRead(env.DB, "keyapi");
    expect(await read.clipIds(1, 2)).toEqual(["42", "7300000000000000001"]);
    expect(await read.clipIds(2, 2)).toEqual(["7300000000000000002", "7300000000000000003"]);
    expect(await read.clipIds(3, 2)).toEqual(["7300000000000000005"]);
    expect(await read.clipIds(4, 2)).toEqual([]);
    expect(await read.soundCount()).toBe(5);
    expect(await new SoundSitemapRead(env.DB, "demo").clipIds(1, 2)).toEqual(["9999999999999999999"]);
  });
});
