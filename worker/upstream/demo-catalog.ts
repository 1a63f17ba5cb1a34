/**
 * The demo source's model of sounds. Every week each pool of regions gets a batch of new sounds:
 * the region itself (local sounds), the language and culture clusters it belongs to, and the
 * whole world. A pooled sound reaches a share of its pool's regions a few days apart, so charts
 * overlap as real ones do: a handful of worldwide hits high almost everywhere, German-speaking or
 * Spanish-speaking neighbours sharing much of their charts, the rest local. Each sound has a
 * lifecycle (rise, peak, decay, sometimes a second wind), so a chart taken every week churns like
 * a real top 100: debuts, climbers, fallers, drop-outs and re-entries. Everything derives from
 * integer hashes of (pool, week, index): no clock, no Math.random, the same answer for the same
 * question.
 */

export const DAY_MS = 86_400_000;

/**
 * Sounds older than this no longer score; bounds the work per chart. The longest life is a
 * long-runner's first wave (rise 9 + decay 75 × 4); a second wind ends earlier (day 72 + 9 + 36 × 4).
 */
const LIFESPAN_DAYS = 310;
/** Pooled sounds arrive in a region at most this many days after their birth. */
const MAX_ARRIVAL_DELAY_DAYS = 14;

export function hashString(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193);
  return fmix(h);
}

/** murmur3's finaliser: spreads every input bit over the output, so nearby seeds look unrelated. */
function fmix(value: number): number {
  let h = value;
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
  return (h ^ (h >>> 16)) >>> 0;
}

export function mix(seed: number, salt: number): number {
  return fmix((seed ^ Math.imul(salt + 0x9e3779b9, 0x27d4eb2f)) >>> 0);
}

/** A uniform number in [0, 1) for one (seed, salt) pair. */
export function unit(seed: number, salt: number): number {
  return mix(seed, salt) / 4_294_967_296;
}

/** mulberry32: a small, fast sequence generator for drawing a sound's parameters one by one. */
export function sequence(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = Math.imul(state ^ (state >>> 15), state | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

/** Monday-based weeks: day 0 (1970-01-01) was a Thursday. */
export function weekOfDay(day: number): number {
  return Math.floor((day + 3) / 7);
}

function weekStartDay(week: number): number {
  return week * 7 - 3;
}

interface Wave {
  start: number;
  rise: number;
  decay: number;
  strength: number;
}

export interface DemoSound {
  /** Drives every descriptive field (text, ids, cover) through demo-words and demo.ts. */
  seed: number;
  clipId: string;
  /** The day the clip was created: where a pooled sound started, before it travelled. */
  born: number;
  /**
   * Whose languages its title and author are in (demo-words.ts): its own region for a local
   * sound, the pool's for a pooled one (the same text everywhere it travels), null for the
   * languages that travel worldwide.
   */
  textRegion: string | null;
  cml: boolean;
  first: Wave;
  /** A second wind: the sound comes back weeks later (a dance revival, a film, a meme). */
  second: Wave | null;
  end: number;
}

function drawWave(next: () => number, start: number, strength: number, longRunnerChance: number): Wave {
  const longRunner = next() < longRunnerChance;
  return {
    start,
    rise: 1 + Math.floor(next() * 9),
    decay: longRunner ? 45 + next() * 30 : 6 + next() ** 1.3 * 30,
    strength,
  };
}

function waveEnd(wave: Wave): number {
  return wave.start + wave.rise + Math.ceil(wave.decay * 4);
}

/**
 * A TikTok-style id: creation second in the top bits, random low bits, so later sounds have larger
 * ids. The second is folded into 2020–2036 so the id is always 19 digits (and beyond 2^53).
 */
function snowflake(unixSeconds: number, low: number): string {
  const span = 500_000_000;
  const folded = 1_600_000_000 + ((((unixSeconds - 1_600_000_000) % span) + span) % span);
  return ((BigInt(folded) << 32n) | BigInt(low >>> 0)).toString();
}

export function snowflakeAt(day: number, seed: number): string {
  return snowflake(day * 86_400 + Math.floor(unit(seed, 1) * 86_400), mix(seed, 2));
}

function makeSound(seed: number, birth: number, pool: Pool): DemoSound {
  const next = sequence(seed);
  // Pareto-like strengths: most sounds are modest, a few are hits.
  const strength = pool.strength * (1 - next()) ** -0.7;
  const first = drawWave(next, birth, strength, pool.longRunnerChance);
  const comeback = birth + first.rise + 18 + Math.floor(next() * 45);
  const second = next() < 0.16 ? drawWave(next, comeback, strength * (0.5 + next() * 0.8), 0) : null;
  return {
    seed,
    clipId: snowflakeAt(birth, seed),
    born: birth,
    textRegion: pool.textRegion,
    cml: next() < 0.4,
    first,
    second,
    end: Math.max(waveEnd(first), second ? waveEnd(second) : 0),
  };
}

function waveValue(wave: Wave, day: number): number {
  const age = day - wave.start;
  if (age < 0) return 0;
  if (age < wave.rise) return wave.strength * ((age + 1) / (wave.rise + 1)) ** 2;
  return wave.strength * Math.exp(-(age - wave.rise) / wave.decay);
}

/** The sound's daily popularity (0 outside its life), with a little day-to-day noise. */
export function dailyScore(sound: DemoSound, day: number): number {
  if (day < sound.first.start || day > sound.end) return 0;
  const value = waveValue(sound.first, day) + (sound.second ? waveValue(sound.second, day) : 0);
  return value * (0.85 + 0.3 * unit(sound.seed, day));
}

/**
 * Where new sounds come from each week, and how far they travel. `births` and `reach` are
 * [minimum, spread] (a draw per week, per sound); `strength` scales the Pareto draw in makeSound.
 */
interface Pool {
  name: string;
  /** Member regions; null = every region. */
  regions: readonly string[] | null;
  /** The region whose languages the pool's titles use; null = the languages that travel. */
  textRegion: string | null;
  births: readonly [number, number];
  strength: number;
  /** The share of member regions one sound reaches. */
  reach: readonly [number, number];
  maxDelayDays: number;
  longRunnerChance: number;
}

/** A region's own sounds: most of its chart. */
function localPool(region: string): Pool {
  return {
    name: region,
    regions: [region],
    textRegion: region,
    births: [9, 7],
    strength: 1,
    reach: [1, 0],
    maxDelayDays: 0,
    longRunnerChance: 0.06,
  };
}

const WORLDWIDE_POOLS: readonly Pool[] = [
  // A handful of hits that go everywhere within days and sit high in most charts.
  {
    name: "worldwide",
    regions: null,
    textRegion: null,
    births: [1, 2],
    strength: 2.4,
    reach: [0.65, 0.3],
    maxDelayDays: 6,
    longRunnerChance: 0.2,
  },
  // Sounds that travel, but only to some regions, some of them late.
  {
    name: "global",
    regions: null,
    textRegion: null,
    births: [3, 4],
    strength: 1.2,
    reach: [0.1, 0.3],
    maxDelayDays: MAX_ARRIVAL_DELAY_DAYS,
    longRunnerChance: 0.06,
  },
];

/** A close cluster (one language, one music market) shares more sounds, with more of its members. */
function cluster(name: string, textRegion: string, regions: string, close = false): Pool {
  return {
    name,
    regions: regions.split(" "),
    textRegion,
    births: close ? [5, 4] : [3, 4],
    strength: 1.15,
    reach: close ? [0.75, 0.25] : [0.55, 0.45],
    maxDelayDays: 7,
    longRunnerChance: 0.08,
  };
}

/** Neighbours that share a language or a music scene share much of their charts. */
const CLUSTERS: readonly Pool[] = [
  cluster("english", "GB", "US GB CA AU NZ IE ZA NG"),
  cluster("german", "DE", "DE AT CH LU", true),
  cluster("spanish", "MX", "ES MX AR CL CO PE US"),
  cluster("portuguese", "BR", "BR PT", true),
  cluster("french", "FR", "FR BE CH LU CA MA LB"),
  cluster("arabic", "SA", "SA AE KW QA BH OM JO LB IQ EG MA"),
  cluster("nordic", "SE", "SE NO DK FI IS"),
  cluster("benelux", "NL", "NL BE LU"),
  cluster("central-europe", "PL", "PL CZ SK HU RO BG HR LT LV EE"),
  cluster("russian", "BY", "BY KZ UZ"),
  cluster("southeast-asia", "ID", "ID MY SG PH TH VN KH MM"),
  cluster("east-asia", "KR", "KR JP TW MO"),
  cluster("south-asia", "PK", "PK BD"),
];

function poolsOf(region: string): Pool[] {
  return [...WORLDWIDE_POOLS, ...CLUSTERS.filter((pool) => pool.regions?.includes(region))];
}

// Bounded memos: a chart reads ~50 weekly batches and the next week's chart of the region reuses
// all but one, so a few regions' worth is kept (about 3 MB); a Worker isolate must not grow
// without limit (128 MB per isolate).
const BATCH_MEMO_LIMIT = 512;
const regionBatches = new Map<string, DemoSound[]>();
const poolBatches = new Map<string, DemoSound[]>();

function remember<K, V>(memo: Map<K, V>, key: K, make: () => V): V {
  const hit = memo.get(key);
  if (hit !== undefined) return hit;
  const value = make();
  if (memo.size >= BATCH_MEMO_LIMIT) {
    const oldest = memo.keys().next();
    if (!oldest.done) memo.delete(oldest.value);
  }
  memo.set(key, value);
  return value;
}

/** The sounds born in one pool (or one region) in one week. */
function births(seed: number, week: number, pool: Pool): DemoSound[] {
  const [min, spread] = pool.births;
  const count = min + Math.floor(unit(seed, 0) * spread);
  const sounds: DemoSound[] = [];
  for (let i = 0; i < count; i++) {
    const soundSeed = mix(seed, i + 1);
    sounds.push(makeSound(soundSeed, weekStartDay(week) + Math.floor(unit(soundSeed, 3) * 7), pool));
  }
  return sounds;
}

function poolBatch(pool: Pool, week: number): DemoSound[] {
  return remember(poolBatches, `${pool.name}|${week}`, () =>
    births(mix(hashString(`pool:${pool.name}`), week), week, pool),
  );
}

/** How a pooled sound lands in one region: whether it does, how many days late, how strongly. */
function arrival(pool: Pool, sound: DemoSound, regionSeed: number): DemoSound | null {
  const reach = pool.reach[0] + unit(sound.seed, 4) * pool.reach[1];
  if (unit(sound.seed, regionSeed) >= reach) return null;
  const delay = Math.floor(unit(sound.seed, regionSeed + 1) * (pool.maxDelayDays + 1));
  const scale = 0.5 + unit(sound.seed, regionSeed + 2) * 0.8;
  const shift = (wave: Wave): Wave => ({
    ...wave,
    start: wave.start + delay,
    strength: wave.strength * scale,
  });
  return {
    ...sound,
    first: shift(sound.first),
    second: sound.second ? shift(sound.second) : null,
    end: sound.end + delay,
  };
}

function regionBatch(region: string, week: number): DemoSound[] {
  return remember(regionBatches, `${region}|${week}`, () => {
    const regionSeed = hashString(region);
    const sounds = births(mix(regionSeed, week), week, localPool(region));
    for (const pool of poolsOf(region)) {
      for (const sound of poolBatch(pool, week)) {
        const arrived = arrival(pool, sound, regionSeed);
        if (arrived) sounds.push(arrived);
      }
    }
    return sounds;
  });
}

/** Every sound of the region that can score on some day in [fromDay, toDay]. */
export function soundsAlive(region: string, fromDay: number, toDay: number): DemoSound[] {
  const alive: DemoSound[] = [];
  // Pooled sounds arrive up to two weeks late: look that much further back than the lifespan.
  const firstWeek = weekOfDay(fromDay - LIFESPAN_DAYS - MAX_ARRIVAL_DELAY_DAYS) - 1;
  for (let week = firstWeek; week <= weekOfDay(toDay); week++) {
    for (const sound of regionBatch(region, week)) {
      if (sound.first.start <= toDay && sound.end >= fromDay) alive.push(sound);
    }
  }
  return alive;
}
