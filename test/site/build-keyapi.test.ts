/**
 * A build of real-source data (keyapi) read from a Worker's API (ARCHIVE_URL, a local fake that
 * fails closed) whose answers also carry charts of another source: those charts are ignored — no
 * page, no link, no sound page — there is no demo banner, and the build asks nothing but our API.
 */
import { readFileSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { SiteArchive } from "../../worker/schemas/site-archive";
import { type BuiltSite, buildSite } from "./build-site";
import { type FakeApi, fakeApi, workerOver } from "./fake-api";
import { attr, byTag, elements, text } from "./html";

const fixture: SiteArchive = JSON.parse(readFileSync("site/fixtures/archive.json", "utf8"));
const real: SiteArchive = {
  ...fixture,
  source: "keyapi",
  charts: fixture.charts.map((chart) => ({ ...chart, source: "keyapi" })),
};
const de47 = fixture.charts.find((c) => c.region === "DE" && c.week === "2026-W47")!;
/** A demo chart a week newer than anything real, with a sound no real chart has. */
const foreign = {
  ...structuredClone(de47),
  week: "2026-W48",
  entries: de47.entries.map((e, i) => (i === 0 ? { ...e, clip_id: "1234567890123456789", title: "Demo only" } : e)),
};
/** A demo chart filling FR's gap week. */
const foreignGap = { ...structuredClone(fixture.charts.find((c) => c.region === "FR")!), week: "2026-W46" };
const mixed: SiteArchive = {
  ...real,
  regions: real.regions.map((r) => (r.code === "DE" ? { ...r, weeks: [...r.weeks, "2026-W48"] } : r)),
  charts: [...real.charts, foreign, foreignGap],
};

let api: FakeApi;
let site: BuiltSite;
let pages: string[];

beforeAll(async () => {
  api = await fakeApi(workerOver(mixed, 3));
  site = await buildSite({ url: api.baseUrl }, "https://sounds.example");
  pages = site.files().filter((f) => f.endsWith(".html"));
});

afterAll(async () => {
  site?.cleanup();
  await api?.close();
});

describe("a build of keyapi data from the archive API", () => {
  it("reads only our own API's endpoints, each chart page once", () => {
    expect(api.unexpected).toEqual([]);
    const paths = new Set(api.requests.map((r) => r.split("?")[0]));
    expect([...paths].sort()).toEqual([
      "/api/debuts",
      "/api/debuts/global",
      "/api/regions",
      "/api/site/charts",
      "/api/sitemaps",
      "/api/status",
    ]);
    expect(api.requests.filter((r) => r.startsWith("/api/site/charts"))).toHaveLength(
      Math.ceil(mixed.charts.length / 3),
    );
  });

  it("shows no demo banner anywhere and says where the data comes from", () => {
    for (const path of pages) expect(site.read(path), path).not.toContain("Demo data.");
    expect(text(site.html("/about/index.html"))).toMatch(/through the KeyAPI provider/);
  });

  it("ignores another source's charts: no page, no link, no sound page", () => {
    expect(site.exists("/charts/DE/2026-W48/index.html")).toBe(false);
    expect(site.exists("/charts/FR/2026-W46/index.html")).toBe(false);
    expect(site.exists("/sounds/1234567890123456789/index.html")).toBe(false);
    for (const path of pages) {
      for (const element of elements(site.html(path))) {
        expect(attr(element, "href") ?? "", path).not.toMatch(/2026-W48|\/charts\/FR\/2026-W46\//);
      }
      expect(site.read(path), path).not.toContain("Demo only");
    }
    const deLatest = byTag(site.html("/charts/DE/index.html"), "h1").map(text);
    expect(deLatest).toEqual(["Germany: top 100, week 2026-W47"]);
  });

  it("still reports the gap that only another source filled", () => {
    expect(text(site.html("/charts/FR/2026-W47/index.html"))).toMatch(/No chart was archived for 2026-W46/);
    expect(text(site.html("/charts/FR/weeks/index.html"))).toMatch(/2026-W46 .*no chart, the snapshot was missed/);
  });
});
