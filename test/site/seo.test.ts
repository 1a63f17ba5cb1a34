/**
 * What search engines read, in real builds: robots.txt names the sitemap index; the index and
 * its files are strict XML listing every page once under its canonical URL, and the Worker's
 * sound sitemaps; every page has a title, a description and a canonical link (the 404 page:
 * noindex instead); the sound page shell's canonical link becomes the sound page's own.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { SiteArchive } from "../../worker/schemas/site-archive";
import { fillShell, SHELL_PATH } from "../../worker/views/shell";
import { renderSoundPage } from "../../worker/views/sound-render";
import { type BuiltSite, buildSite } from "./build-site";
import { type FakeApi, fakeApi, workerOver } from "./fake-api";
import { makeSiteArchive } from "./fixture/site-fixture";
import { attr, byTag, parseHtml, text } from "./html";
import { children, parseXml, textOf } from "./xml";

const ORIGIN = "https://sounds.example";
const SITEMAP_NS = "http://www.sitemaps.org/schemas/sitemap/0.9";

/** Germany in two weeks, France in the second: top 3 of each kept. */
const archive: SiteArchive = makeSiteArchive({
  regions: [
    { code: "DE", weeks: ["2026-W45", "2026-W46"] },
    { code: "FR", weeks: ["2026-W46"] },
  ],
  keep: () => 3,
  readAt: "2026-11-17T12:00:00.000Z",
});

/** Every page of that archive a search engine should index, written out by hand. */
const INDEXED_PAGES = [
  "/",
  "/about/",
  "/charts/DE/2026-W45/",
  "/charts/DE/2026-W46/",
  "/charts/DE/weeks/",
  "/charts/DE/year/2026/",
  "/charts/FR/2026-W46/",
  "/charts/FR/weeks/",
  "/charts/FR/year/2026/",
  "/charts/global/2026-W45/",
  "/charts/global/2026-W46/",
  "/charts/global/weeks/",
  "/charts/global/year/2026/",
].map((path) => `${ORIGIN}${path}`);

/** The `<loc>` of each `<sitemap>` (an index) or `<url>` (a sitemap file), parsed strictly. */
function locs(xml: string, root: "sitemapindex" | "urlset"): string[] {
  const document = parseXml(xml);
  expect(document.name).toBe(root);
  expect(document.attributes.xmlns).toBe(SITEMAP_NS);
  return children(document, root === "sitemapindex" ? "sitemap" : "url").map((entry) => textOf(entry, "loc") ?? "");
}

const pathOf = (url: string) => url.slice(ORIGIN.length);

let site: BuiltSite;

beforeAll(async () => {
  site = await buildSite(archive, ORIGIN);
});

afterAll(() => site?.cleanup());

describe("search engines", () => {
  it("find the sitemap index by its absolute URL in robots.txt, and are kept off the API, the proxy, the shells and search results", () => {
    expect(site.read("/robots.txt")).toBe(
      [
        "User-agent: *",
        "Disallow: /api/",
        "Disallow: /v1/",
        "Disallow: /shell/",
        "Disallow: /search",
        "",
        "Sitemap: https://sounds.example/sitemap-index.xml",
        "",
      ].join("\n"),
    );
    // Audits that read robots.txt from inside a page (Lighthouse) need the page's CSP to allow it.
    expect(site.read("/_headers")).toMatch(/^ {2}Content-Security-Policy: [^\n]*; connect-src 'self'$/m);
  });

  it("get a sitemap index of the pages' sitemap and the sound sitemaps, listing every page once by its canonical URL", () => {
    const sitemaps = locs(site.read("/sitemap-index.xml"), "sitemapindex");
    expect(sitemaps).toEqual([`${ORIGIN}/sitemaps/sounds-1.xml`, `${ORIGIN}/sitemap-0.xml`]);
    const pages = locs(site.read("/sitemap-0.xml"), "urlset");
    expect(pages).toEqual(INDEXED_PAGES);
    expect(site.files().filter((file) => file.endsWith(".xml") && file.includes("sitemap"))).toEqual([
      "/sitemap-0.xml",
      "/sitemap-index.xml",
    ]);
    for (const url of pages) {
      const page = site.html(`${pathOf(url)}index.html`);
      const canonical = byTag(page, "link").find((link) => attr(link, "rel") === "canonical");
      expect(canonical && attr(canonical, "href"), url).toBe(url);
    }
  });

  it("read a title, a description and a canonical link on every built page, and noindex on the 404 page", () => {
    const pages = site.files().filter((file) => file.endsWith(".html"));
    expect(pages.length).toBeGreaterThanOrEqual(INDEXED_PAGES.length + 3);
    const canonicalOf = new Map<string, string | undefined>();
    for (const file of pages) {
      const page = site.html(file);
      expect(text(byTag(page, "title")[0]!).trim(), file).not.toBe("");
      const description = byTag(page, "meta").find((meta) => attr(meta, "name") === "description");
      expect(attr(description!, "content")?.trim(), file).not.toBe("");
      const canonicals = byTag(page, "link").filter((link) => attr(link, "rel") === "canonical");
      expect(canonicals.length, file).toBeLessThanOrEqual(1);
      canonicalOf.set(file, canonicals[0] && attr(canonicals[0], "href"));
      const robots = byTag(page, "meta").find((meta) => attr(meta, "name") === "robots");
      expect(robots && attr(robots, "content"), file).toBe(file === "/404.html" ? "noindex" : undefined);
    }
    expect(canonicalOf.get("/404.html")).toBeUndefined();
    expect(canonicalOf.get("/charts/DE/index.html")).toBe(`${ORIGIN}/charts/DE/2026-W46/`);
    expect(canonicalOf.get("/charts/FR/index.html")).toBe(`${ORIGIN}/charts/FR/2026-W46/`);
    expect(canonicalOf.get("/charts/global/index.html")).toBe(`${ORIGIN}/charts/global/2026-W46/`);
    expect(canonicalOf.get(`${SHELL_PATH}index.html`)).toBe(`${ORIGIN}@@shell-path@@`);
    const others = pages.filter((file) => !/^\/(404\.html|charts\/(DE|FR|global)\/index\.html|shell\/)/.test(file));
    for (const file of others) expect(canonicalOf.get(file), file).toBe(`${ORIGIN}${file.replace(/index\.html$/, "")}`);
  });

  it("read the sound page's own canonical link, title and description once the Worker fills the shell", () => {
    const filled = parseHtml(
      fillShell(
        site.read(`${SHELL_PATH}index.html`),
        renderSoundPage({
          clipId: "7300000000000000042",
          title: "Nachtzug",
          author: "Lea",
          cover: "",
          link: "https://www.tiktok.com/music/x-7300000000000000042",
          businessUse: false,
          regions: [],
          global: null,
        }),
        false,
      ),
    );
    const canonical = byTag(filled, "link").find((link) => attr(link, "rel") === "canonical");
    expect(canonical && attr(canonical, "href")).toBe(`${ORIGIN}/sounds/7300000000000000042/`);
    expect(text(byTag(filled, "title")[0]!)).toBe("Nachtzug — Lea · Trending Sounds");
    const description = byTag(filled, "meta").find((meta) => attr(meta, "name") === "description");
    expect(description && attr(description, "content")).toBe(
      "“Nachtzug” by Lea on TikTok's weekly charts: weeks and ranks in every region.",
    );
  });
});

describe("a build from a Worker's API", () => {
  let api: FakeApi;
  let fromApi: BuiltSite;

  beforeAll(async () => {
    const worker = workerOver(archive, 3);
    api = await fakeApi((url) =>
      url.pathname === "/api/sitemaps"
        ? {
            body: {
              sounds: 120_000,
              perFile: 50_000,
              files: ["/sitemaps/sounds-1.xml", "/sitemaps/sounds-2.xml", "/sitemaps/sounds-3.xml"],
            },
          }
        : worker(url),
    );
    fromApi = await buildSite({ url: api.baseUrl }, ORIGIN);
  });

  afterAll(async () => {
    fromApi?.cleanup();
    await api?.close();
  });

  it("lists every sound sitemap file the Worker names in the index", () => {
    expect(api.unexpected).toEqual([]);
    expect(locs(fromApi.read("/sitemap-index.xml"), "sitemapindex")).toEqual([
      `${ORIGIN}/sitemaps/sounds-1.xml`,
      `${ORIGIN}/sitemaps/sounds-2.xml`,
      `${ORIGIN}/sitemaps/sounds-3.xml`,
      `${ORIGIN}/sitemap-0.xml`,
    ]);
    expect(fromApi.read("/sitemap-0.xml")).toBe(site.read("/sitemap-0.xml"));
  });
});
