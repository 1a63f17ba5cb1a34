import { mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { seedTimes } from "../../scripts/lib/seed.mjs";
import { isoWeekOf, previousWeek } from "../../worker/charts/iso-week";
import { demoAnswer } from "../../worker/upstream/demo";
import { successEnvelopeSchema } from "../../worker/upstream/schema";
import { FakeUpstream } from "../fake-upstream/client";
import { DEFAULT_AS_OF, toUpstreamQuery } from "../fake-upstream/global-setup";
import { type RunningFakeUpstream, startFakeUpstream } from "../fake-upstream/server";
import { type BuiltSite, buildSite } from "../site/build-site";
import { children, parseXml } from "../site/xml";
import { applyMigrations, dryRunBundle, type RunningArtifact, startArtifact } from "./artifact";
import { freePort } from "./product";
import { runCron, type UpstreamScenario, upstreamScenario } from "./seed-weeks";

/**
 * A rehearsal of the deploy: the bundle `wrangler deploy --dry-run` writes and the site built from
 * that very bundle's archive, run under workerd through Miniflare's API with the bindings and
 * asset routing wrangler derives from wrangler.toml — what production runs, minus Cloudflare.
 *
 * Why: the Worker tests run in the vitest pool, which reads wrangler.toml its own way (its own
 * wrangler, its own binding list, no asset router in front), and the site tests serve a site with
 * no Worker behind it. Only this test sees the seams between them: a route missing from
 * run_worker_first (the asset router answers it with the 404 page), an asset the bundle expects
 * but the build does not write, a binding the code uses that wrangler.toml lacks, `_headers` or
 * `_redirects` the router does not apply.
 *
 * It seeds two weeks by triggering the scheduled handler against the counting fake upstream (so
 * there is a previous week), builds the site from the running artifact's own /api, then starts
 * the artifact a deploy of that site would upload and checks what users and clients reach.
 */

const REGIONS = ["DE", "GB", "JP"];
const REGION = "DE";
const KEY = "rehearsal-key-4d1e";

let temp: string;
let fake: RunningFakeUpstream;
let site: BuiltSite | undefined;
let artifact: RunningArtifact | undefined;
let upstream: UpstreamScenario;
/** The two seeded weeks, oldest first. */
let weeks: string[];
/** The point in time the fake upstream answers for, after seeding. */
let lastAsOf = 0;
/** What the seeding artifact's Worker logged (the final one keeps its own). */
let seedingLogs: string[] = [];

beforeAll(async () => {
  temp = mkdtempSync(join(tmpdir(), "trending-sounds-rehearsal-"));
  fake = await startFakeUpstream({
    defaultBody: (query, _scenario, asOf) => demoAnswer(toUpstreamQuery(query), asOf ?? DEFAULT_AS_OF),
  });
  upstream = upstreamScenario(fake.url, "rehearsal");
  const state = join(temp, "state");
  const port = await freePort();
  const spec = (script: string, assetsDir: string) => ({
    script,
    assetsDir,
    stateDir: state,
    port,
    vars: { DATA_SOURCE: "keyapi", KEYAPI_KEY: KEY, UPSTREAM_URL: upstream.upstreamUrl, REGIONS: REGIONS.join(",") },
  });

  // Seeding needs a running Worker, and the Worker does not depend on the pages: a first bundle
  // (same code) with no site yet.
  const noSite = join(temp, "no-site");
  mkdirSync(noSite);
  const logs = join(temp, "wrangler-logs");
  const [bundled, migrated] = await Promise.allSettled([
    dryRunBundle(join(temp, "seed-bundle"), noSite, logs),
    applyMigrations(state, logs),
  ]);
  // Both have finished before either failure is thrown: afterAll removes the folder they write to.
  if (bundled.status === "rejected") throw bundled.reason;
  if (migrated.status === "rejected") throw migrated.reason;
  const seedScript = bundled.value;
  artifact = await startArtifact(spec(seedScript, noSite));
  const cron = artifact.crons[0];
  if (!cron) throw new Error("wrangler.toml declares no cron trigger");
  const times: number[] = seedTimes(Date.now(), 2);
  weeks = times.map((time) => previousWeek(isoWeekOf(time)));
  for (const time of times) {
    // The provider's chart as it was that week: real churn between the two weeks.
    await upstream.answerAsOf(time, KEY);
    lastAsOf = time;
    await runCron(artifact, cron, time);
  }

  site = await buildSite({ url: artifact.url }, artifact.url);
  seedingLogs = artifact.logs;
  await artifact.stop();
  artifact = undefined;

  // The artifact a deploy of this site uploads: wrangler validates the built assets directory too.
  const script = await dryRunBundle(join(temp, "bundle"), site.dir, logs);
  artifact = await startArtifact(spec(script, site.dir));
}, 300_000);

afterAll(async () => {
  await artifact?.stop();
  await fake?.close();
  site?.cleanup();
  if (temp) rmSync(temp, { recursive: true, force: true });
});

async function get(path: string, init?: RequestInit): Promise<Response> {
  return fetch(`${artifact?.url}${path}`, init);
}

/** A Worker route's failure message: the asset router's 404 is what a path missing from run_worker_first gets. */
function workerRoute(path: string): string {
  return `${path} must reach the Worker (is it in run_worker_first?)`;
}

async function expectHtml(path: string): Promise<string> {
  const response = await get(path);
  expect(response.status, path).toBe(200);
  expect(response.headers.get("Content-Type"), path).toMatch(/^text\/html/);
  return response.text();
}

describe("the deployed artifact (dry-run bundle + built site) under workerd", () => {
  it("serves the site's pages from its static assets, with the site's _headers", async () => {
    const [previous, latest] = weeks;
    expect(await expectHtml("/")).toContain("Trending Sounds");
    expect(await expectHtml(`/charts/${REGION}/`)).toContain(latest);
    expect(await expectHtml(`/charts/${REGION}/${previous}/`)).toContain(previous);
    // Asset-router rules from the built site's _headers reach the response.
    const home = await get("/");
    expect(home.headers.get("Content-Security-Policy")).toMatch(/default-src 'none'/);
  });

  it("redirects a lower-case region URL to the upper-case one (the site's _redirects)", async (context) => {
    if (!site?.exists("/_redirects")) context.skip("the site writes no _redirects");
    const response = await get(`/charts/${REGION.toLowerCase()}/`, { redirect: "manual" });
    expect(response.status).toBe(301);
    expect(new URL(response.headers.get("Location") ?? "", artifact?.url).pathname).toBe(`/charts/${REGION}/`);
  });

  it("answers an unknown path with the site's 404 page and status 404", async () => {
    const response = await get("/no/such/page/");
    expect(response.status).toBe(404);
    expect(response.headers.get("Content-Type")).toMatch(/^text\/html/);
    expect(await response.text()).toBe(site?.read("/404.html"));
  });

  it("serves the region feed and the all-regions feed as well-formed RSS", async () => {
    for (const path of [`/charts/${REGION}/rss.xml`, "/rss.xml"]) {
      const response = await get(path);
      expect(response.status, path).toBe(200);
      expect(response.headers.get("Content-Type"), path).toBe("application/rss+xml; charset=utf-8");
      const rss = parseXml(await response.text());
      expect(rss.name, path).toBe("rss");
      const [channel, ...more] = children(rss, "channel");
      expect(more, path).toEqual([]);
      // Built for this origin, from this archive: the feed names itself here and has the debuts.
      const self = children(channel!, "atom:link").find((link) => link.attributes.rel === "self");
      expect(self?.attributes.href, path).toBe(`${artifact?.url}${path}`);
      expect(children(channel!, "item").length, path).toBeGreaterThan(0);
    }
  });

  it("answers the archive API through run_worker_first, with the seeded weeks", async () => {
    const latest = weeks[1];
    const status = await get("/api/status");
    expect(status.status, workerRoute("/api/status")).toBe(200);
    expect(status.headers.get("Content-Type")).toMatch(/^application\/json/);
    const body = (await status.json()) as { regions: { region: string; latestWeek: string | null }[] };
    expect(body.regions).toEqual(REGIONS.map((region) => expect.objectContaining({ region, latestWeek: latest })));

    const chart = await get(`/api/charts/${REGION}/latest`);
    expect(chart.status, workerRoute("/api/charts/<R>/latest")).toBe(200);
    const { week, entries } = (await chart.json()) as { week: string; entries: { lastWeek: number | null }[] };
    expect(week).toBe(latest);
    expect(entries.length).toBeGreaterThan(0);
    // Derived against the previous week: it exists, so some sound has a last-week rank.
    expect(entries.some((entry) => entry.lastWeek !== null)).toBe(true);
  });

  it("reaches the Worker on its other routes: OpenAPI and health", async () => {
    for (const path of ["/openapi.json", "/healthz", "/healthz/data"]) {
      const response = await get(path);
      expect(response.status, workerRoute(path)).toBe(200);
      expect(response.headers.get("Content-Type"), path).toMatch(/^application\/json/);
    }
  });

  it("answers the edge endpoint in the provider's envelope, and a repeated request costs no upstream request", async () => {
    const path = `/v1/tiktok/trending/music?region=${REGION}`;
    const before = (await upstream.requests()).length;
    const first = await get(path);
    expect(first.status, workerRoute(path)).toBe(200);
    const body = await first.text();
    successEnvelopeSchema.parse(JSON.parse(body));
    const afterFirst = (await upstream.requests()).length;
    // A miss costs one upstream request at most (none if the answer is already held).
    expect(afterFirst - before).toBeLessThanOrEqual(1);

    const second = await get(path);
    expect(second.status).toBe(200);
    expect(await second.text()).toBe(body);
    expect((await upstream.requests()).length).toBe(afterFirst);
  });

  it("answers 200 concurrent first askers of one cold key with one upstream request, every joiner a 200", async () => {
    // The vitest pool runs a test's requests in one context; only workerd itself shows what a
    // request that waits on another request's gate question meets (worker/proxy/held-answers.ts).
    const path = "/v1/tiktok/trending/music?region=GB&period=30";
    const control = new FakeUpstream(fake.url, "rehearsal");
    const rules = [{ asOf: lastAsOf }];
    // The upstream takes a second: the requests arriving meanwhile join the first one's question
    // (on a slower machine fewer of them do; none is then answered otherwise than a 200).
    const slow = { match: { region: "GB", period: "30" }, delayMs: 1_000, times: 1, asOf: lastAsOf };
    await control.script([slow, ...rules], { expectKey: KEY });
    try {
      const before = (await upstream.requests()).length;
      const statuses = (await Promise.all(Array.from({ length: 200 }, () => get(path)))).map((r) => r.status);
      expect(statuses.filter((status) => status !== 200)).toEqual([]);
      expect((await upstream.requests()).length - before).toBe(1);
    } finally {
      await control.script(rules, { expectKey: KEY });
    }
  });

  it("serves a charted sound's page from the Worker, in the site's shell", async () => {
    const chart = (await (await get(`/api/charts/${REGION}/latest`)).json()) as { entries: { clip_id: string }[] };
    const clipId = chart.entries[0]?.clip_id;
    expect(clipId).toBeTruthy();
    const page = await expectHtml(`/sounds/${clipId}/`);
    expect(page, "the shell's stylesheet: the page is the site's").toMatch(/href="\/_astro\/[^"]+\.css"/);
    expect((await get("/sounds/1/")).status, "an unknown sound is the site's 404").toBe(404);
  });

  it("sent the fake upstream nothing a KeyAPI client would not send", async () => {
    expect(await upstream.unexpected()).toEqual([]);
  });

  it("logged no warning or error from the Worker", () => {
    // A binding the code reaches for and wrangler.toml lacks (KV: a lost speed-up, by design) or a
    // caught failure shows here when nothing else breaks.
    const logs = [...seedingLogs, ...(artifact?.logs ?? [])];
    expect(logs.filter((line) => /^(warn|error)\b/.test(line))).toEqual([]);
  });
});
