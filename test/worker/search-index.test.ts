import { createExecutionContext } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { createApp } from "../../worker/app";
import { productionDeps } from "../../worker/app-env";
import { addWeeks, weekStart } from "../../worker/charts/iso-week";
import type { DataSource } from "../../worker/config";
import { backfillStep } from "../../worker/search/backfill";
import { FOLD_VERSION, tokensOf } from "../../worker/search/fold";
import { parseSearch } from "../../worker/search/query";
import { searchArchive } from "../../worker/search/reader";
import { mergedText } from "../../worker/search/step-rows";
import { expectedIndex, plainMatches, SOUNDS, SPELLINGS, sound, storedIndex, storeWeek } from "./search-fixture";

/**
 * The search index stays equal to the archive (issue 17): after the job's stores (a backfilled
 * earlier week and a renamed sound included), after an import, and after the migration's backfill
 * of an archive stored before the index existed. The oracle recomputes every sound's entry, and
 * every query's matches, by a plain scan of chart_entries.
 */
const ADMIN = "admin-secret-token";
const auth = { Authorization: `Bearer ${ADMIN}` };
const testEnv = { ...env, ADMIN_TOKEN: ADMIN } as Env;
const QUERIES = [
  "cancion",
  "VERANO",
  "canc",
  "love",
  "lov",
  "story love",
  "a",
  "l",
  "夜",
  "東京",
  "駆け",
  "حبيبي",
  "калинка",
  "o brien",
  "zzz",
  "don't start",
  "dont start",
  "don t",
  "acdc",
  "ac dc",
  "p!nk",
  "milosc",
  "Miłość",
  "strasse",
  "รัก",
  "يكي",
  "2024",
];
const { cancion, cancionLive, verano, habibi, kalinka, yoru, tokyo, markup, love, lovely, storyLove } = SOUNDS;

async function call(path: string, init?: RequestInit): Promise<Response> {
  return createApp({ ...productionDeps, coloCache: () => null }).fetch(
    new Request(`https://x.test${path}`, init),
    testEnv,
    createExecutionContext(),
  );
}

async function expectIndexEqualsArchive(source: DataSource): Promise<void> {
  const expected = await expectedIndex(source);
  const stored = await storedIndex(source);
  expect([...stored.keys()].sort()).toEqual([...expected.keys()].sort());
  for (const [clip, e] of expected) {
    const { variants, ...want } = e;
    expect(stored.get(clip), clip).toEqual({ ...want, regionCount: e.regions.length });
  }
  // Every name (a line that is not a pieces line) is in the names' index, and nothing else is.
  const { results: names } = await env.DB.prepare(
    "SELECT s.clip_id, n.name FROM search_names n JOIN search_sounds s ON s.id = n.id WHERE n.source = ?1",
  )
    .bind(source)
    .all<{ clip_id: string; name: string }>();
  const wantNames = [...expected].flatMap(([clip, e]) =>
    [...new Set([...e.titles, ...e.authors])].filter((l) => l !== "" && !l.startsWith("~")).map((l) => `${clip} ${l}`),
  );
  expect(names.map((n) => `${n.clip_id} ${n.name}`).sort()).toEqual(wantNames.sort());
  // The full-text index agrees with its content table, token for token.
  await env.DB.prepare("INSERT INTO search_fts (search_fts, rank) VALUES ('integrity-check', 1)").run();
  for (const q of QUERIES) {
    const request = parseSearch(q, undefined);
    if (request.kind !== "words" || !request.plan) throw new Error(`not a word query: ${q}`);
    const found = await searchArchive(env.DB, source, request.plan, 1);
    expect(found.hits.map((h) => h.clipId).sort(), q).toEqual(plainMatches(expected, q));
  }
}

describe("the search index", () => {
  it("equals the archive after the job's stores, a backfilled earlier week and a renamed sound", async () => {
    await storeWeek("keyapi", "2026-W10", { DE: [cancion, love, yoru], FR: [verano, cancion] });
    await storeWeek("keyapi", "2026-W12", { DE: [love, habibi, kalinka], US: [tokyo, lovely] });
    // An earlier week stored after later ones (a backfill), with a sound charted under a new title.
    await storeWeek("keyapi", "2026-W11", {
      DE: [{ ...love, title: "Love Story (Taylor's Version)" }, storyLove],
      JP: [yoru, tokyo, markup],
    });
    // The other source's sounds are its own.
    await storeWeek("demo", "2026-W12", { DE: [cancionLive, love] });
    await expectIndexEqualsArchive("keyapi");
    await expectIndexEqualsArchive("demo");
    const stored = await storedIndex("keyapi");
    expect(stored.get(love.clip)).toMatchObject({ title: "Love Story", regions: ["DE"], bestRank: 1 });
    expect(stored.get(cancion.clip)).toMatchObject({
      regions: ["DE", "FR"],
      firstWeek: "2026-W10",
      lastWeek: "2026-W10",
    });
  });

  it("equals the archive after an import through the admin API", async () => {
    const line = (region: string, week: string, sounds: (typeof cancion)[]) =>
      JSON.stringify({
        type: "chart",
        region,
        week,
        fetchedAt: new Date(weekStart(week) + 8 * 86_400_000).toISOString(),
        source: "demo",
        entries: sounds.map((s, i) => sound(s, i + 1, region)),
      });
    const lines = [0, 1, 2, 3].map((i) =>
      line(
        i % 2 ? "BR" : "MX",
        addWeeks("2025-W30", i),
        i % 2 ? [verano, cancionLive] : [cancionLive, kalinka, habibi],
      ),
    );
    const response = await call("/api/admin/archive", { method: "POST", headers: auth, body: lines.join("\n") });
    expect(response.status, await response.clone().text()).toBe(200);
    await expectIndexEqualsArchive("demo");
  });

  it("is built for an archive stored before it existed, in bounded steps, beside the job's writes", async () => {
    await storeWeek("keyapi", "2026-W20", { IT: [cancion, verano, habibi, kalinka, yoru, tokyo] });
    await storeWeek("keyapi", "2026-W21", { IT: [markup, love, lovely, storyLove, cancion] });
    // The archive as migration 0008 finds it: charted sounds, an empty index, the backfill pending.
    await env.DB.batch([
      env.DB.prepare("DELETE FROM search_sounds WHERE source = 'keyapi'"),
      env.DB.prepare("INSERT OR REPLACE INTO search_backfill (source, after_clip, done) VALUES ('keyapi', '', 0)"),
    ]);
    expect((await storedIndex("keyapi")).size).toBe(0);
    const first = await backfillStep(env.DB, "keyapi", 3);
    expect(first).toEqual({ source: "keyapi", sounds: 3, done: false });
    // The job stores a week meanwhile: some of its sounds are indexed already, some not yet.
    await storeWeek("keyapi", "2026-W22", { IT: [love, cancion, tokyo], PL: [kalinka] });
    const pending = await call("/api/search?q=love");
    expect(await pending.json()).toMatchObject({ indexing: true });

    expect((await call("/api/admin/search-index", { method: "POST" })).status).toBe(401);
    const response = await call("/api/admin/search-index", { method: "POST", headers: auth });
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ sounds: expect.any(Number), pending: [] });
    await expectIndexEqualsArchive("keyapi");
    // A step replayed after the end changes nothing.
    expect(await backfillStep(env.DB, "keyapi")).toEqual({ source: "keyapi", sounds: 0, done: true });
    await expectIndexEqualsArchive("keyapi");
  });

  it("is folded again when the fold changes, in bounded steps, the names' index filled on the way", async () => {
    await storeWeek("keyapi", "2026-W30", { SK: Object.values(SPELLINGS).slice(0, 5) });
    await storeWeek("keyapi", "2026-W31", { SK: Object.values(SPELLINGS).slice(5) });
    // The index as the first fold left it: no joined words, ł and ı kept, no names, the cursor done.
    const { results } = await env.DB.prepare(
      "SELECT DISTINCT clip_id, title, author FROM chart_entries WHERE source = 'keyapi' ORDER BY clip_id, week",
    ).all<{ clip_id: string; title: string; author: string }>();
    const sounds = new Map<string, typeof results>();
    for (const r of results) sounds.set(r.clip_id, [...(sounds.get(r.clip_id) ?? []), r]);
    await env.DB.batch([
      ...[...sounds].map(([clip, spellings]) =>
        env.DB.prepare(
          "UPDATE search_sounds SET titles = ?2, authors = ?3, fold = 1 WHERE source = 'keyapi' AND clip_id = ?1",
        ).bind(
          clip,
          mergedText(spellings.map((r) => firstFold(r.title))),
          mergedText(spellings.map((r) => firstFold(r.author))),
        ),
      ),
      env.DB.prepare("DELETE FROM search_names"),
      env.DB.prepare(
        "INSERT OR REPLACE INTO search_backfill (source, after_clip, done, fold) VALUES ('keyapi', '', 1, 1)",
      ),
    ]);
    const before = (await (await call("/api/search?q=milosc")).json()) as { results: unknown[]; indexing: boolean };
    expect(before).toMatchObject({ results: [], indexing: true });

    const step = await backfillStep(env.DB, "keyapi", 4);
    expect(step).toMatchObject({ sounds: 4, done: false });
    const response = await call("/api/admin/search-index", { method: "POST", headers: auth });
    expect(await response.json()).toEqual({ sounds: expect.any(Number), pending: [] });
    await expectIndexEqualsArchive("keyapi");
    const after = (await (await call("/api/search?q=milosc")).json()) as {
      results: { title: string }[];
      indexing: boolean;
    };
    expect(after).toMatchObject({ results: [{ title: SPELLINGS.milosc.title }], indexing: false });
    const folds = await env.DB.prepare("SELECT DISTINCT fold FROM search_sounds WHERE source = 'keyapi'").all();
    expect(folds.results).toEqual([{ fold: FOLD_VERSION }]);
  });

  it("answers a clip id from the archive while the index has no row for it", async () => {
    const { dontStart } = SPELLINGS;
    await storeWeek("keyapi", "2026-W40", { NZ: [dontStart] });
    await storeWeek("keyapi", "2026-W41", { AU: [cancion, { ...dontStart, title: "Don't Start Now (Remix)" }] });
    const indexed = (await (await call(`/api/search?q=${dontStart.clip}`)).json()) as { results: unknown[] };
    await env.DB.prepare("DELETE FROM search_sounds WHERE source = 'keyapi' AND clip_id = ?")
      .bind(dontStart.clip)
      .run();
    const response = await call(`/api/search?q=${dontStart.clip}`);
    expect(response.status).toBe(200);
    const fromArchive = (await response.json()) as { results: unknown[] };
    expect(fromArchive.results).toEqual(indexed.results);
    expect(fromArchive.results).toEqual([
      expect.objectContaining({
        clip_id: dontStart.clip,
        title: "Don't Start Now (Remix)",
        regions: expect.arrayContaining(["AU", "NZ"]),
        bestRank: 1,
        lastWeek: "2026-W41",
      }),
    ]);
  });
});

/** The first fold (FOLD_VERSION 1): accents and case only, punctuation splits words, ł and ı kept. */
function firstFold(text: string): string {
  return text
    .normalize("NFKD")
    .replace(/\p{M}+/gu, "")
    .normalize("NFC")
    .toLowerCase()
    .split(/[^\p{L}\p{N}]+/u)
    .filter(Boolean)
    .flatMap(tokensOf)
    .join(" ");
}
