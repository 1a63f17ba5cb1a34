/**
 * The shell the Worker fills for sound pages, as a real build makes it (of the provider's data,
 * so without the demo banner): its markers survive the build where the Worker looks for them,
 * the Worker's page fills it into a whole page with the site's stylesheet, and the site builds
 * no sound pages of its own.
 */
import { readFileSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { SiteArchive } from "../../worker/schemas/site-archive";
import { SHELL_MARKERS, SHELL_PATH, fillShell } from "../../worker/views/shell";
import { renderSoundPage } from "../../worker/views/sound-render";
import { type BuiltSite, buildSite } from "./build-site";
import { attr, byTag, parseHtml, text } from "./html";

const fixture: SiteArchive = JSON.parse(readFileSync("site/fixtures/archive.json", "utf8"));
const real: SiteArchive = {
  ...fixture,
  source: "keyapi",
  charts: fixture.charts.map((c) => ({ ...c, source: "keyapi" })),
};
const SHELL_FILE = `${SHELL_PATH}index.html`;

const page = renderSoundPage({
  clipId: "42",
  title: "Nachtzug",
  author: "Lea",
  cover: "",
  link: "https://www.tiktok.com/music/x-42",
  businessUse: false,
  regions: [],
  global: null,
});

let site: BuiltSite;

beforeAll(async () => {
  site = await buildSite(real, "https://sounds.example");
});

afterAll(() => site?.cleanup());

describe("the sound page shell", () => {
  it("is built with each marker once: in the title, the description and main", () => {
    const shell = site.read(SHELL_FILE);
    for (const marker of Object.values(SHELL_MARKERS)) expect(shell.split(marker), marker).toHaveLength(2);
    const doc = parseHtml(shell);
    expect(text(byTag(doc, "title")[0]!)).toBe(`${SHELL_MARKERS.title} · Trending Sounds`);
    const description = byTag(doc, "meta").find((m) => attr(m, "name") === "description");
    expect(description && attr(description, "content")).toBe(SHELL_MARKERS.description);
    expect(text(byTag(doc, "main")[0]!)).toBe(SHELL_MARKERS.main);
  });

  it("becomes a whole page of the site when the Worker fills it, with the banner only on demo data", () => {
    const shell = site.read(SHELL_FILE);
    const filled = parseHtml(fillShell(shell, page, false));
    expect(text(byTag(filled, "title")[0]!)).toBe("Nachtzug — Lea · Trending Sounds");
    expect(text(byTag(filled, "h1")[0]!)).toBe("Nachtzug");
    expect(byTag(filled, "footer")).toHaveLength(1);
    const stylesheets = byTag(filled, "link").filter((l) => attr(l, "rel") === "stylesheet");
    expect(stylesheets).toHaveLength(1);
    expect(site.exists(attr(stylesheets[0]!, "href") ?? "")).toBe(true);
    expect(text(byTag(filled, "main")[0]!)).not.toContain("Demo data.");
    const demo = parseHtml(fillShell(shell, page, true));
    expect(text(byTag(demo, "main")[0]!)).toMatch(/^Demo data\. /);
  });

  it("is kept out of search engines, and the site builds no sound pages", () => {
    expect(site.read("/_headers")).toMatch(/^\/shell\/\*\n {2}X-Robots-Tag: noindex$/m);
    expect(site.files().filter((f) => f.startsWith("/sounds/"))).toEqual([]);
    expect(site.exists("/404.html")).toBe(true);
  });
});
