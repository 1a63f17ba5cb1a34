import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type Browser, chromium, type Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { children, feedparser, parseXml, textOf, xmllint } from "../site/xml";
import { type RunningProduct, runCommand, runScript, startProduct } from "./product";

/**
 * The whole product as `npm start` runs it, seen as users see it: a real Chromium (Debian's) on
 * the served pages, feed readers' parsers on the served feeds, and the cron's next week making
 * its pages and feed items appear on the same URL.
 */
const REGIONS = "DE,FR,GB,US,JP";
const ARTIFACTS = "test-results";
const axeScript = createRequire(import.meta.url).resolve("axe-core/axe.min.js");
// A 1×1 transparent PNG: the TikTok CDN is out of reach here, so covers are answered locally.
const PIXEL = Buffer.from(
  "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAQAAAC1HAwCAAAAC0lEQVR42mNkYAAAAAYAAjCB0C8AAAAASUVORK5CYII=",
  "base64",
);

let product: RunningProduct;
let browser: Browser;

beforeAll(async () => {
  product = await startProduct({ regions: REGIONS, weeks: 3 });
  browser = await chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
    args: [
      "--headless",
      "--no-sandbox",
      "--disable-gpu",
      "--disable-quic",
      "--no-first-run",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
    ],
  });
}, 300_000);

afterAll(async () => {
  await browser?.close();
  await product?.stop();
});

async function openPage(): Promise<{ page: Page; errors: string[] }> {
  // The site's CSP allows no script at all: axe is injected by the test, so CSP is bypassed for it.
  const context = await browser.newContext({ bypassCSP: true, viewport: { width: 1280, height: 900 } });
  await context.route(/^https:\/\/[^/]+\.(tiktokcdn|tiktokcdn-us|tiktokcdn-eu|ibyteimg)\.com\//, (route) =>
    route.fulfill({ status: 200, contentType: "image/png", body: PIXEL }),
  );
  const page = await context.newPage();
  const errors: string[] = [];
  page.on("console", (message) => {
    if (message.type() === "error") errors.push(message.text());
  });
  page.on("pageerror", (error) => errors.push(error.message));
  return { page, errors };
}

async function api<T>(path: string): Promise<T> {
  const response = await fetch(`${product.url}${path}`);
  expect(response.status, path).toBe(200);
  return (await response.json()) as T;
}

describe("the product in a real browser", () => {
  it("leads from the home page to a region, its weeks, a week and a sound, and every page is accessible", async () => {
    const { page, errors } = await openPage();
    await page.goto(`${product.url}/`);
    expect(await page.title()).toMatch(/Trending Sounds/);
    await expect(page.locator("html").getAttribute("lang")).resolves.toBe("en");

    // Region → its latest chart: the first row is the API's #1.
    await page.getByRole("link", { name: "Germany", exact: true }).first().click();
    await page.waitForURL(/\/charts\/DE\/$/);
    const latest = await api<{ week: string; entries: { title: string; author: string; clip_id: string }[] }>(
      "/api/charts/DE/latest",
    );
    const firstRow = page.locator("table.chart tbody tr").first();
    await expect(firstRow.locator("th").textContent()).resolves.toBe("1");
    expect(await firstRow.locator("td a").first().textContent()).toBe(latest.entries[0]?.title);
    expect(await page.locator("table.chart tbody tr").count()).toBe(100);
    await expectAccessible(page, "region chart");
    mkdirSync(ARTIFACTS, { recursive: true });
    await page.screenshot({ path: join(ARTIFACTS, "chart-page.png"), fullPage: false });

    // Every archived week within two clicks of the home page.
    await page.goto(`${product.url}/`);
    await page.locator(`a[href="/charts/DE/weeks/"]`).first().click();
    const weekLinks = page.locator(`main a[href^="/charts/DE/20"]`);
    expect(await weekLinks.count()).toBeGreaterThanOrEqual(3);
    await weekLinks.last().click();
    await page.waitForURL(/\/charts\/DE\/\d{4}-W\d{2}\/$/);
    await expectAccessible(page, "week chart");

    // A sound on the latest chart has its own page, rendered by the Worker in the site's shell.
    await page.goto(`${product.url}/charts/DE/`);
    const [soundResponse] = await Promise.all([
      page.waitForResponse((r) => new URL(r.url()).pathname === `/sounds/${latest.entries[0]?.clip_id}/`),
      firstRow.locator("td a").first().click(),
    ]);
    await page.waitForURL(new RegExp(`/sounds/${latest.entries[0]?.clip_id}/$`));
    expect(soundResponse.status()).toBe(200);
    expect(await soundResponse.headerValue("Server-Timing")).toMatch(/^d1;desc="queries=\d+ rows_read=\d+"$/);
    expect(await page.locator("h1").textContent()).toContain(latest.entries[0]?.title);
    expect(await page.title()).toBe(`${latest.entries[0]?.title} — ${latest.entries[0]?.author} · Trending Sounds`);
    // The site's look: its stylesheet, header, footer, and the banner of demo data (npm start's source).
    expect(await page.locator('link[rel="stylesheet"][href^="/_astro/"]').count()).toBe(1);
    expect(await page.locator("main .note").textContent()).toContain("Demo data.");
    expect(await page.locator("footer").count()).toBe(1);
    expect(await page.locator("section svg.rank-chart").count()).toBeGreaterThan(0);
    await expectAccessible(page, "sound page");
    await page.screenshot({ path: join(ARTIFACTS, "sound-page.png"), fullPage: false });

    // Every sound ever charted has a page: one that was on the oldest week's chart but is not on the latest.
    const weeks = await api<{ weeks: { week: string }[] }>("/api/charts/DE");
    const oldest = await api<{ entries: { clip_id: string }[] }>(`/api/charts/DE/${weeks.weeks.at(-1)?.week}`);
    const current = new Set(latest.entries.map((e) => e.clip_id));
    const gone = oldest.entries.find((e) => !current.has(e.clip_id));
    expect(gone).toBeDefined();
    const goneResponse = await page.goto(`${product.url}/sounds/${gone?.clip_id}/`);
    expect(goneResponse?.status()).toBe(200);
    expect(await page.locator("main").textContent()).toContain("not on the latest chart");
    await expectAccessible(page, "page of a sound off the latest chart");

    // An unknown sound: the site's 404 page (fetched: a browser logs a 404 as a console error).
    const missing = await fetch(`${product.url}/sounds/1/`);
    expect(missing.status).toBe(404);
    expect(await missing.text()).toContain("<h1>Not found</h1>");

    // The global chart: 100 sounds across the regions, the API's #1 first.
    await page.goto(`${product.url}/`);
    await page.locator(`a[href="/charts/global/"]`).first().click();
    await page.waitForURL(/\/charts\/global\/$/);
    const global = await api<{ entries: { clip_id: string }[] }>("/api/global/latest");
    const globalRows = page.locator("table.chart tbody tr");
    expect(await globalRows.count()).toBe(100);
    expect(await globalRows.first().getAttribute("id")).toBe(global.entries[0]?.clip_id);
    await expectAccessible(page, "global chart");

    await page.goto(`${product.url}/about/`);
    await expectAccessible(page, "about page");
    expect(errors).toEqual([]);
  });

  it("finds a sound from the search box in every page's header, and its result leads to the sound's page", async () => {
    const { page, errors } = await openPage();
    const latest = await api<{ entries: { title: string; author: string; clip_id: string }[] }>(
      "/api/charts/DE/latest",
    );
    const top = latest.entries[0];
    const word = top?.title.split(/\s+/).find((w) => /\p{L}{3}/u.test(w)) ?? top?.title ?? "";

    // The empty search page first: the header's form with nothing typed.
    await page.goto(`${product.url}/about/`);
    await page.locator("header form[role=search] button").click();
    await page.waitForURL(/\/search\?q=$/);
    expect(await page.locator("h1").textContent()).toBe("Search the archive");
    await expectAccessible(page, "empty search page");

    // A word of the German #1, typed in the header of a chart page, no script anywhere.
    await page.goto(`${product.url}/charts/DE/`);
    await page.locator("#site-q").fill(word.toUpperCase());
    const [results] = await Promise.all([
      page.waitForResponse((r) => new URL(r.url()).pathname === "/search"),
      page.locator("header form[role=search] button").click(),
    ]);
    expect(results.status()).toBe(200);
    expect(await results.headerValue("Server-Timing")).toMatch(/^d1;desc="queries=\d+ rows_read=\d+"$/);
    expect(await page.title()).toBe(`Search: ${word.toUpperCase()} · Trending Sounds`);
    const link = page.locator(`table.results a[href="/sounds/${top?.clip_id}/"]`);
    expect(await link.count()).toBe(1);
    await expectAccessible(page, "search results");
    await page.screenshot({ path: join(ARTIFACTS, "search-page.png"), fullPage: false });

    // The result leads to the sound's page.
    await link.click();
    await page.waitForURL(new RegExp(`/sounds/${top?.clip_id}/$`));
    expect(await page.locator("h1").textContent()).toContain(top?.title);

    // A Japanese title, typed whole, finds its sound too.
    const japan = await api<{ entries: { title: string; clip_id: string }[] }>("/api/charts/JP/latest");
    const cjk = japan.entries.find((e) => /\p{Script=Han}|\p{Script=Hiragana}|\p{Script=Katakana}/u.test(e.title));
    if (cjk) {
      await page.goto(`${product.url}/search?q=${encodeURIComponent(cjk.title)}`);
      expect(await page.locator(`table.results a[href="/sounds/${cjk.clip_id}/"]`).count()).toBe(1);
    }
    expect(errors).toEqual([]);
  });

  // What only a browser knows: the text a reader sees and copies, what a screen reader is given,
  // and the colours the stylesheet resolves to (light and dark), for every movement on a chart.
  it("shows movement as readable text (▲3, not 3), words for screen readers, at 4.5:1 contrast in light and dark", async () => {
    const latest = await api<{ entries: { movement: string; change: number | null }[] }>("/api/charts/FR/latest");
    const shown = latest.entries.map(({ movement, change }) => {
      const n = Math.abs(change ?? 0);
      return { up: `▲${n}`, down: `▼${n}`, new: "NEW", re: "RE", same: "=" }[movement] ?? "—";
    });
    expect(new Set(latest.entries.map((e) => e.movement)).size).toBeGreaterThanOrEqual(3);
    const moved = latest.entries.findIndex((e) => e.movement === "up" || e.movement === "down");
    expect(moved).toBeGreaterThanOrEqual(0);
    for (const colorScheme of ["light", "dark"] as const) {
      const context = await browser.newContext({ colorScheme });
      const page = await context.newPage();
      await page.goto(`${product.url}/charts/FR/`);
      const cells = await page.locator("table.chart tbody tr > td:first-of-type").evaluateAll((tds) =>
        tds.map((td) => {
          let background = "rgba(0, 0, 0, 0)";
          for (let e: Element | null = td; e && /rgba\(.*, 0\)$|transparent/.test(background); e = e.parentElement)
            background = getComputedStyle(e).backgroundColor;
          // biome-ignore lint/performance/useDomNodeTextContent: the rendered text, as a reader sees and copies it, is the point.
          return { text: (td as HTMLElement).innerText, color: getComputedStyle(td).color, background };
        }),
      );
      expect(cells.map((c) => c.text.split(/\s/)[0])).toEqual(shown);
      for (const cell of cells) {
        expect(contrast(cell.color, cell.background), `${colorScheme} ${cell.text}`).toBeGreaterThanOrEqual(4.5);
      }
      // A screen reader is given words, not the arrow.
      const entry = latest.entries[moved]!;
      const tree = await page.locator("table.chart tbody tr").nth(moved).locator("td").first().ariaSnapshot();
      expect(tree).toContain(`${entry.movement} ${Math.abs(entry.change ?? 0)} place`);
      expect(tree).not.toMatch(/[▲▼]/);
      await context.close();
    }
  });

  it("leads from a region's weeks and from the home page to year-end charts, each the API's ranking and accessible", async () => {
    const { page, errors } = await openPage();
    await page.goto(`${product.url}/charts/DE/weeks/`);
    await page.locator('main a[href^="/charts/DE/year/"]').first().click();
    await page.waitForURL(/\/charts\/DE\/year\/\d{4}\/$/);
    const year = /\/year\/(\d{4})\//.exec(page.url())?.[1];
    const response = await fetch(`${product.url}/api/charts/DE/year/${year}`);
    expect(response.headers.get("Server-Timing")).toMatch(/^d1;desc="queries=\d+ rows_read=\d+"$/);
    const ranking = (await response.json()) as { entries: { clip_id: string }[] };
    const rows = page.locator("table.chart.year tbody tr");
    expect(await rows.count()).toBe(ranking.entries.length);
    expect(await rows.first().getAttribute("id")).toBe(ranking.entries[0]?.clip_id);
    await expectAccessible(page, "region year page");

    await page.goto(`${product.url}/`);
    await page.locator('main a[href^="/charts/global/year/"]').first().click();
    await page.waitForURL(/\/charts\/global\/year\/\d{4}\/$/);
    const global = await api<{ entries: { clip_id: string }[] }>(`/api/global/year/${year}`);
    expect(await page.locator("table.chart.year tbody tr").first().getAttribute("id")).toBe(global.entries[0]?.clip_id);
    await expectAccessible(page, "global year page");
    expect(errors).toEqual([]);
  });
});

/** WCAG 2.2 contrast ratio of two computed colours (`rgb(r, g, b)`). */
function contrast(a: string, b: string): number {
  const luminance = (css: string) => {
    const [r, g, bl] = (css.match(/\d+(\.\d+)?/g) ?? []).slice(0, 3).map((v) => Number(v) / 255);
    const channel = (c: number) => (c <= 0.04045 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4);
    return 0.2126 * channel(r ?? 0) + 0.7152 * channel(g ?? 0) + 0.0722 * channel(bl ?? 0);
  };
  const [hi, lo] = [luminance(a), luminance(b)].sort((x, y) => y - x);
  return (hi! + 0.05) / (lo! + 0.05);
}

describe("the cron regenerates pages and feeds on the same URL", () => {
  it("adds the next week's pages and feed items, and leaves every published item as it was", async () => {
    const before = await feeds();
    const status = await api<{ regions: { latestWeek: string }[] }>("/api/status");
    const newest =
      status.regions
        .map((r) => r.latestWeek)
        .sort()
        .at(-1) ?? "";
    const run = await runScript("scripts/cron-next.mjs", { PORT: String(product.port) });
    expect(run.code, run.output).toBe(0);
    const week = /running the snapshot job for (\d{4}-W\d{2})/.exec(run.output)?.[1];
    expect(week && week > newest).toBe(true);
    expect((await fetch(`${product.url}/charts/DE/${week}/`)).status).toBe(200);

    const after = await feeds();
    for (const path of Object.keys(before)) {
      const old = before[path] ?? new Map();
      const now = after[path] ?? new Map();
      // Nothing published before changes: same guid, same date, same title.
      for (const [guid, item] of old) if (now.has(guid)) expect(now.get(guid), `${path} ${guid}`).toEqual(item);
      const added = [...now.keys()].filter((guid) => !old.has(guid));
      expect(added.length, `${path} has the new week's debuts`).toBeGreaterThan(0);
      expect(
        added.every((guid) => guid.endsWith(`:${week}`)),
        path,
      ).toBe(true);
    }
  });
});

/** The served feeds, each checked by xmllint and feedparser, as guid → what a reader keeps of an item. */
async function feeds(): Promise<Record<string, Map<string, { pubDate?: string; title?: string }>>> {
  const dir = mkdtempSync(join(tmpdir(), "trending-sounds-feeds-"));
  try {
    const result: Record<string, Map<string, { pubDate?: string; title?: string }>> = {};
    for (const path of ["/rss.xml", "/charts/DE/rss.xml", "/charts/JP/rss.xml"]) {
      const response = await fetch(`${product.url}${path}`);
      expect(response.status, path).toBe(200);
      expect(response.headers.get("Content-Type")).toBe("application/rss+xml; charset=utf-8");
      const xml = await response.text();
      const file = join(dir, path.replaceAll("/", "_"));
      writeFileSync(file, xml);
      xmllint([file]);
      const [parsed] = feedparser([file]);
      expect(parsed?.bozo, path).toBe(0);
      const channel = parseXml(xml).children[0]!;
      result[path] = new Map(
        children(channel, "item").map((item) => [
          textOf(item, "guid") ?? "",
          { pubDate: textOf(item, "pubDate"), title: textOf(item, "title") },
        ]),
      );
    }
    return result;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** axe-core (from npm) in the page: no violations, whatever the rule. */
async function expectAccessible(page: Page, what: string): Promise<void> {
  await page.addScriptTag({ path: axeScript });
  const violations = await page.evaluate(async () => {
    const result = await (window as unknown as { axe: { run(): Promise<{ violations: unknown[] }> } }).axe.run();
    return result.violations.map((v) => {
      const violation = v as { id: string; nodes: { target: unknown }[] };
      return `${violation.id}: ${violation.nodes.map((n) => JSON.stringify(n.target)).join(", ")}`;
    });
  });
  expect(violations, what).toEqual([]);
}

describe("the archive transfer script", () => {
  it("stops the Worker it started when an import fails, and says why", async () => {
    const dir = mkdtempSync(join(tmpdir(), "trending-sounds-import-"));
    try {
      const file = join(dir, "bad.jsonl");
      writeFileSync(file, '{"type":"gap","source":"demo","region":"XX","week":"2026-W47","recorded_at":1}\n');
      const run = await runScript("scripts/archive-transfer.mjs", {}, ["import", file]);
      expect(run.code, run.output).toBe(2);
      expect(run.output).toMatch(/import failed: HTTP 400 .*line 1: region/);
      // Nothing it started is left running (a Worker bound to production D1 must never be).
      expect(await processesMatching("transfer.env")).toEqual([]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

async function processesMatching(text: string): Promise<string[]> {
  const { code, output } = await runCommand("pgrep", ["-af", text]);
  return code === 0
    ? output
        .trim()
        .split("\n")
        .filter((line) => !line.includes("pgrep"))
    : [];
}
