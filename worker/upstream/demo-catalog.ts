/**
 * The demo source's model of sounds: every region gets a batch of new sounds each week, and a few
 * global hits spread to many regions a few days apart. Each sound has a lifecycle (rise, peak,
 * decay, sometimes a second wind), so a chart taken every week churns like a real top 100: debuts,
 * climbers, fallers, drop-outs and re-entries. Everything derives from integer hashes of
 * (region, week, index): no clock, no Math.random, the same answer for the same question.
 */

export const DAY_MS = 86_400_000;

/**
 * Sounds older than this no longer score; bounds the work per chart. The longest life is a
 * long-runner's first wave (rise 9 + decay 75 × 4); a second wind ends earlier (day 72 + 9 + 36 × 4).
 */
const LIFESPAN_DAYS = 310;
const LOCAL_BIRTHS_MIN = 12;
const LOCAL_BIRTHS_SPREAD = 9;
const GLOBAL_BIRTHS_MIN = 5;
const GLOBAL_BIRTHS_SPREAD = 5;

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
  /** The day the clip was created: where a global hit started, before it travelled. */
  born: number;
  /** true for a global hit: same clip, text and seed in every region it reaches. */
  global: boolean;
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

function makeSound(seed: number, birth: number, strengthScale: number, global: boolean): DemoSound {
  const next = sequence(seed);
  // Pareto-like strengths: most sounds are modest, a few are hits.
  const strength = strengthScale * (1 - next()) ** -0.7;
  const first = drawWave(next, birth, strength, 0.06);
  const comeback = birth + first.rise + 18 + Math.floor(next() * 45);
  const second = next() < 0.16 ? drawWave(next, comeback, strength * (0.5 + next() * 0.8), 0) : null;
  return {
    seed,
    clipId: snowflakeAt(birth, seed),
    born: birth,
    global,
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

// Bounded memos: a chart reads ~50 weekly batches and the next week's chart of the region reuses
// all but one, so a few regions' worth is kept (about 3 MB); a Worker isolate must not grow
// without limit (128 MB per isolate).
const BATCH_MEMO_LIMIT = 512;
const regionBatches = new Map<string, DemoSound[]>();
const globalBatches = new Map<number, DemoSound[]>();

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

function globalBatch(week: number): DemoSound[] {
  return remember(globalBatches, week, () => {
    const seed = mix(hashString("global"), week);
    const count = GLOBAL_BIRTHS_MIN + Math.floor(unit(seed, 0) * GLOBAL_BIRTHS_SPREAD);
    const sounds: DemoSound[] = [];
    for (let i = 0; i < count; i++) {
      const soundSeed = mix(seed, i + 1);
      sounds.push(makeSound(soundSeed, weekStartDay(week) + Math.floor(unit(soundSeed, 3) * 7), 1.2, true));
    }
    return sounds;
  });
}

/** How a global hit lands in one region: whether it does, how many days late, how strongly. */
function globalArrival(sound: DemoSound, regionSeed: number): DemoSound | null {
  const reach = 0.12 + unit(sound.seed, 4) * 0.45;
  if (unit(sound.seed, regionSeed) >= reach) return null;
  const delay = Math.floor(unit(sound.seed, regionSeed + 1) * 15);
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
    const seed = mix(regionSeed, week);
    const count = LOCAL_BIRTHS_MIN + Math.floor(unit(seed, 0) * LOCAL_BIRTHS_SPREAD);
    const sounds: DemoSound[] = [];
    for (let i = 0; i < count; i++) {
      const soundSeed = mix(seed, i + 1);
      sounds.push(makeSound(soundSeed, weekStartDay(week) + Math.floor(unit(soundSeed, 3) * 7), 1, false));
    }
    for (const sound of globalBatch(week)) {
      const arrived = globalArrival(sound, regionSeed);
      if (arrived) sounds.push(arrived);
    }
    return sounds;
  });
}

/** Every sound of the region that can score on some day in [fromDay, toDay]. */
export function soundsAlive(region: string, fromDay: number, toDay: number): DemoSound[] {
  const alive: DemoSound[] = [];
  // Global hits arrive up to two weeks late: look one batch further back than the lifespan.
  const firstWeek = weekOfDay(fromDay - LIFESPAN_DAYS) - 3;
  for (let week = firstWeek; week <= weekOfDay(toDay); week++) {
    for (const sound of regionBatch(region, week)) {
      if (sound.first.start <= toDay && sound.end >= fromDay) alive.push(sound);
    }
  }
  return alive;
}
