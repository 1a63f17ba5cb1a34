/**
 * Where a build keeps the charts it read, so that no build holds the whole archive (DESIGN.md
 * "Bounded memory") and an incremental build reads only what changed (read.ts): each chart, in the
 * index's compact form (indexed-chart.ts), is a file named by its region and week, and the build
 * keeps only a reference with the hash of its bytes — what page cache keys are made of
 * (page-keys.ts). Pages load a chart when they render it.
 *
 * Two stores: on disk beside Astro's own cache (a build's previous output), and in memory (tests,
 * and any archive already held whole).
 */
import { createHash } from "node:crypto";
import { mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { gunzipSync, gzipSync } from "node:zlib";
import type { DataSource } from "../../../../worker/charts/slim";
import type { RankingCache, WeekRanking } from "../global-index";
import type { IndexedChart } from "../indexed-chart";

/** What the build keeps of a chart: where it is, and the hash of its content. */
export interface ChartRef {
  region: string;
  week: string;
  source: DataSource;
  hash: string;
}

export interface ChartStore {
  /** Keeps a chart and says what it keeps. */
  put(chart: IndexedChart): ChartRef;
  /** A chart put in this build or kept from the build before. */
  get(region: string, week: string): IndexedChart | undefined;
}

export const chartKey = (region: string, week: string) => `${region}/${week}`;

export function hashOf(text: string): string {
  return createHash("sha256").update(text).digest("base64url").slice(0, 22);
}

/** Every chart in memory: tests, and archives already held whole. */
export function memoryStore(): ChartStore {
  const charts = new Map<string, IndexedChart>();
  return {
    put(chart) {
      charts.set(chartKey(chart.region, chart.week), chart);
      return { region: chart.region, week: chart.week, source: chart.source, hash: hashOf(JSON.stringify(chart)) };
    },
    get: (region, week) => charts.get(chartKey(region, week)),
  };
}

/**
 * What a build read, as the next build finds it: the input it read (a URL, a file, the fixture),
 * the archive's change number then (API input only), and every chart it kept.
 */
export interface StoreManifest {
  version: 1;
  input: string;
  source: DataSource;
  /** `/api/site/charts`'s `seq` when the charts were read: the next build asks `since` it. */
  seq: number | null;
  charts: ChartRef[];
}

const MANIFEST = "manifest.json";
/** Charts a page render may ask for again soon (a region's weeks, a global week's regions). */
const RECENT_CHARTS = 200;

/**
 * Charts as gzip files under `dir` (`charts/<REGION>/<week>.json.gz`) and the manifest of the last
 * build that finished reading. The manifest is removed while a build writes charts and written
 * again when it is done: a build that died in between leaves none, and the next reads everything.
 */
export function diskStore(dir: string) {
  const chartsDir = join(dir, "charts");
  const fileOf = (region: string, week: string) => join(chartsDir, region, `${week}.json.gz`);
  const recent = new Map<string, IndexedChart>();
  /** Hashes of the charts the files hold, as far as this build knows (the manifest's, then its own writes). */
  const known = new Map<string, string>();

  const remember = (key: string, chart: IndexedChart) => {
    recent.delete(key);
    recent.set(key, chart);
    if (recent.size > RECENT_CHARTS) recent.delete(recent.keys().next().value as string);
  };

  return {
    /** The manifest of the last build that finished reading, or null (none, or unreadable). */
    manifest(): StoreManifest | null {
      try {
        const manifest = JSON.parse(readFileSync(join(dir, MANIFEST), "utf8")) as StoreManifest;
        if (manifest.version !== 1 || !Array.isArray(manifest.charts)) return null;
        for (const ref of manifest.charts) known.set(chartKey(ref.region, ref.week), ref.hash);
        return manifest;
      } catch {
        return null;
      }
    },

    /** From here until `finish`, the files may not match any manifest. */
    begin(): void {
      mkdirSync(dir, { recursive: true });
      rmSync(join(dir, MANIFEST), { force: true });
    },

    put(chart: IndexedChart): ChartRef {
      const text = JSON.stringify(chart);
      const hash = hashOf(text);
      const key = chartKey(chart.region, chart.week);
      // An unchanged chart is not written again: its file keeps its bytes and its time.
      if (known.get(key) !== hash) {
        const file = fileOf(chart.region, chart.week);
        mkdirSync(join(chartsDir, chart.region), { recursive: true });
        writeFileSync(`${file}.tmp`, gzipSync(text, { level: 1 }));
        renameSync(`${file}.tmp`, file);
        known.set(key, hash);
      }
      remember(key, chart);
      return { region: chart.region, week: chart.week, source: chart.source, hash };
    },

    get(region: string, week: string): IndexedChart | undefined {
      const key = chartKey(region, week);
      const cached = recent.get(key);
      if (cached) return cached;
      if (!known.has(key)) return undefined;
      const chart = JSON.parse(gunzipSync(readFileSync(fileOf(region, week))).toString("utf8")) as IndexedChart;
      remember(key, chart);
      return chart;
    },

    /** Writes the manifest of what was read, and removes the files of charts no longer in it. */
    finish(manifest: StoreManifest): void {
      const kept = new Set(manifest.charts.map((ref) => chartKey(ref.region, ref.week)));
      for (const region of safeList(chartsDir)) {
        for (const file of safeList(join(chartsDir, region))) {
          const week = file.replace(/\.json\.gz(\.tmp)?$/, "");
          if (!kept.has(chartKey(region, week)) || file.endsWith(".tmp")) rmSync(join(chartsDir, region, file));
        }
      }
      for (const key of [...known.keys()]) if (!kept.has(key)) known.delete(key);
      writeFileSync(join(dir, `${MANIFEST}.tmp`), JSON.stringify(manifest));
      renameSync(join(dir, `${MANIFEST}.tmp`), join(dir, MANIFEST));
    },
  } satisfies ChartStore & Record<string, unknown>;
}

export type DiskStore = ReturnType<typeof diskStore>;

function safeList(dir: string): string[] {
  try {
    return readdirSync(dir);
  } catch {
    return [];
  }
}

/**
 * The global chart's weekly rankings (global-index.ts), one gzip file a week under `dir`, each
 * with the key of the charts it was computed from: a week whose charts did not change is not
 * ranked again.
 */
export function diskRankings(dir: string): RankingCache {
  const fileOf = (week: string) => join(dir, `${week}.json.gz`);
  return {
    get(week, key) {
      try {
        const kept = JSON.parse(gunzipSync(readFileSync(fileOf(week))).toString("utf8")) as {
          key: string;
          ranking: WeekRanking;
        };
        return kept.key === key ? kept.ranking : undefined;
      } catch {
        return undefined;
      }
    },
    put(week, key, ranking) {
      mkdirSync(dir, { recursive: true });
      writeFileSync(`${fileOf(week)}.tmp`, gzipSync(JSON.stringify({ key, ranking }), { level: 1 }));
      renameSync(`${fileOf(week)}.tmp`, fileOf(week));
    },
  };
}
