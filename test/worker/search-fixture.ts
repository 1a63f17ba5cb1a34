import { env } from "cloudflare:workers";
import { ArchiveStore } from "../../worker/archive/store";
import { weekStart } from "../../worker/charts/iso-week";
import type { DataSource } from "../../worker/config";
import { foldedWords, foldForIndex, tokensOf } from "../../worker/search/fold";
import { testSound } from "../fixtures/sound";

/**
 * Hand-written sounds for the search tests: a diacritic, right-to-left titles, Cyrillic, CJK
 * titles without spaces, markup, and sounds that share words so the order of results is known.
 */
export interface FixtureSound {
  clip: string;
  title: string;
  author: string;
}

export const SOUNDS = {
  cancion: { clip: "7100000000000000001", title: "Canción del Verano", author: "Lía Núñez" },
  cancionLive: { clip: "7100000000000000002", title: "Cancion del verano (Live)", author: "Coro Andino" },
  verano: { clip: "7100000000000000003", title: "Verano Azul", author: "Los Canciones" },
  habibi: { clip: "7100000000000000004", title: "حبيبي يا نور العين", author: "عمرو سالم" },
  kalinka: { clip: "7100000000000000005", title: "Калинка", author: "Ансамбль" },
  yoru: { clip: "7100000000000000006", title: "夜に駆ける", author: "YOASOBI" },
  tokyo: { clip: "7100000000000000007", title: "東京の夜", author: "たかし" },
  markup: { clip: "7100000000000000008", title: `<script>alert("x")</script> & "Quotes"`, author: "O'Brien <b>" },
  love: { clip: "7100000000000000009", title: "Love Story", author: "Taylor" },
  lovely: { clip: "7100000000000000010", title: "Lovely Day", author: "Bill" },
  storyLove: { clip: "7100000000000000011", title: "A Story of Love", author: "Love Band" },
} satisfies Record<string, FixtureSound>;

/** Spellings people type differently: punctuation inside words, letters without a decomposition, other scripts. */
export const SPELLINGS = {
  dontStart: { clip: "7200000000000000001", title: "Don't Start Now", author: "Dua Lipa" },
  acdc: { clip: "7200000000000000002", title: "Highway to Hell", author: "AC/DC" },
  pink: { clip: "7200000000000000003", title: "So What", author: "P!nk" },
  milosc: { clip: "7200000000000000004", title: "Miłość w Zakopanem", author: "Sławomir" },
  kirmizi: { clip: "7200000000000000005", title: "Kırmızı Gül", author: "Aleyna" },
  strasse: { clip: "7200000000000000006", title: "Straße der Nacht", author: "Kraftfeld" },
  bjork: { clip: "7200000000000000007", title: "Army of Me", author: "Bjørk" },
  thai: { clip: "7200000000000000008", title: "ฉันรักเธอ", author: "ศิลปิน" },
  persian: { clip: "7200000000000000009", title: "یکی بود", author: "کامران" },
  digits: { clip: "7200000000000000010", title: "عيد ٢٠٢٤", author: "فرقة ۱۴۰۳" },
} satisfies Record<string, FixtureSound>;

export function sound(s: FixtureSound, rank: number, region: string) {
  return { ...testSound(s.clip, rank, region), title: s.title, author: s.author };
}

/** Stores one chart per region for `week` through the archive's own path (the job's and the import's). */
export async function storeWeek(
  source: DataSource,
  week: string,
  charts: Record<string, readonly FixtureSound[]>,
): Promise<void> {
  const store = new ArchiveStore(env.DB, source);
  for (const [region, sounds] of Object.entries(charts)) {
    const entries = sounds.map((s, i) => sound(s, i + 1, region));
    await store.storeSnapshot({ region, week, fetchedAt: weekStart(week) + 8 * 86_400_000, source, entries });
  }
}

interface EntryRow {
  clip_id: string;
  region: string;
  week: string;
  rank: number;
  title: string;
  author: string;
}

/** What the index must say about every sound, recomputed by a plain scan of the archive's entries. */
export async function expectedIndex(source: DataSource) {
  const { results } = await env.DB.prepare(
    "SELECT clip_id, region, week, rank, title, author FROM chart_entries WHERE source = ?",
  )
    .bind(source)
    .all<EntryRow>();
  const sounds = new Map<string, EntryRow[]>();
  for (const row of results) sounds.set(row.clip_id, [...(sounds.get(row.clip_id) ?? []), row]);
  return new Map(
    [...sounds].map(([clip, rows]) => {
      const shown = [...rows].sort((a, b) => cmp([b.week, b.title, b.author], [a.week, a.title, a.author]))[0];
      return [
        clip,
        {
          title: shown?.title,
          author: shown?.author,
          titles: lines(rows.map((r) => foldForIndex(r.title))),
          authors: lines(rows.map((r) => foldForIndex(r.author))),
          regions: [...new Set(rows.map((r) => r.region))].sort(),
          bestRank: Math.min(...rows.map((r) => r.rank)),
          firstWeek: rows.map((r) => r.week).sort()[0],
          lastWeek: rows
            .map((r) => r.week)
            .sort()
            .at(-1),
          variants: rows.map((r) => ({ title: r.title, author: r.author })),
        },
      ];
    }),
  );
}

/** The index as stored, in the same shape. */
export async function storedIndex(source: DataSource) {
  const { results } = await env.DB.prepare("SELECT * FROM search_sounds WHERE source = ?").bind(source).all<{
    clip_id: string;
    title: string;
    author: string;
    titles: string;
    authors: string;
    regions: string;
    region_count: number;
    best_rank: number;
    first_week: string;
    last_week: string;
  }>();
  return new Map(
    results.map((r) => [
      r.clip_id,
      {
        title: r.title,
        author: r.author,
        titles: lines([r.titles]),
        authors: lines([r.authors]),
        regions: r.regions.split(" ").sort(),
        regionCount: r.region_count,
        bestRank: r.best_rank,
        firstWeek: r.first_week,
        lastWeek: r.last_week,
      },
    ]),
  );
}

/**
 * The sounds a query must find, by a plain scan: every word of the query (its tokens in a row, the
 * last one as a prefix once it has two characters) is in some title or some author the sound was
 * charted with.
 */
export function plainMatches(expected: Awaited<ReturnType<typeof expectedIndex>>, query: string): string[] {
  const words = foldedWords(query).map(tokensOf);
  const has = (text: string, tokens: string[], prefix: boolean) => {
    // The full-text index's tokens: unicode61 splits the stored text at anything not a letter or a digit.
    const hay = foldForIndex(text)
      .split(/[^\p{L}\p{N}]+/u)
      .filter(Boolean);
    return hay.some((_, i) =>
      tokens.every((t, j) => {
        const token = hay[i + j];
        return token !== undefined && (prefix && j === tokens.length - 1 ? token.startsWith(t) : token === t);
      }),
    );
  };
  return [...expected]
    .filter(([, e]) =>
      words.every((tokens, w) => {
        const prefix = w === words.length - 1 && [...(tokens.at(-1) ?? "")].length >= 2;
        return e.variants.some((v) => has(v.title, tokens, prefix) || has(v.author, tokens, prefix));
      }),
    )
    .map(([clip]) => clip)
    .sort();
}

/**
 * The distinct lines of folded texts, sorted: a spelling may fold to two lines (its name and its
 * joined words' pieces), and the index's merge may keep a line twice (worker/search/step-rows.ts mergedText).
 */
function lines(texts: readonly string[]): string[] {
  return [...new Set(texts.flatMap((text) => text.split("\n")))].sort();
}

function cmp(a: string[], b: string[]): number {
  for (let i = 0; i < a.length; i++) {
    const x = a[i] ?? "";
    const y = b[i] ?? "";
    if (x !== y) return x < y ? -1 : 1;
  }
  return 0;
}
