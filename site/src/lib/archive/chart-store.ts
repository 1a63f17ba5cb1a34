/**
 * Where a build keeps the charts it read, so that no build holds the whole archive ("Bounded
 * memory", docs/site.md) and an incremental build reads only what changed (read.ts).
 *
 * A chart is kept exactly as the input gave it (the Worker's `/api/site/charts` projection, a
 * file's line), never as this build's code shaped it: whatever the site makes of a chart (checks,
 * cleaning, sparklines) is computed again when a page loads it, by the code of that build. So a
 * change of the site's code can never meet charts shaped by older code; what can make a kept chart
 * wrong is only the input itself — another projection, another database history — and read.ts
 * checks both before it trusts the store.
 *
 * Two stores: on disk beside Astro's own cache (a build's previous output), and in memory (tests,
 * and any archive already held whole).
 */
import { createHash } from "node:crypto";
import { mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { gunzipSync, gzipSync } from "node:zlib";
import type { DataSource } from "@worker/charts/source";

/** What the build keeps of a chart: where it is, the hash of its bytes, and its change number. */
export interface ChartRef {
  region: string;
  week: string;
  source: DataSource;
  /** Hash of the chart as the input gave it: what page cache keys are made of (page-keys.ts). */
  hash: string;
  /** The Worker's change number of the chart (`changed`); 0 for a file or the fixture. */
  changed: number;
}

export interface ChartStore {
  /** Keeps a chart's text, as the input gave it, and says what it keeps. */
  put(text: string, ref: Omit<ChartRef, "hash">): ChartRef;
  /** A chart kept in this build or by the build before, as the input gave it (parsed). */
  get(region: string, week: string): unknown;
}

export const chartKey = (region: string, week: string) => `${region}/${week}`;

export function hashOf(text: string): string {
  return createHash("sha256").update(text).digest("base64url").slice(0, 22);
}

/** Every chart in memory: tests, and archives already held whole. */
export function memoryStore(): ChartStore {
  const texts = new Map<string, string>();
  return {
    put(text, ref) {
      texts.set(chartKey(ref.region, ref.week), text);
      return { ...ref, hash: hashOf(text) };
    },
    get(region, week) {
      const text = texts.get(chartKey(region, week));
      return text === undefined ? undefined : JSON.parse(text);
    },
  };
}

/**
 * What a build read, as the next build finds it: the input it read (a URL, a file, the fixture),
 * the archive's change number then and the Worker's projection version (API input only), and
 * every chart it kept with its change number.
 */
export interface StoreManifest {
  version: 2;
  input: string;
  source: DataSource;
  /** `/api/site/charts`'s `seq` when the charts were read: the next build asks `since` it. */
  seq: number | null;
  /** `/api/site/charts`'s `projection`: charts kept under another one are read again. */
  projection: number | null;
  charts: ChartRef[];
}

const MANIFEST = "manifest.json";

/**
 * Charts as gzip files under `dir` (`charts/<REGION>/<week>.json.gz`) and the manifest of the last
 * build that finished reading. The manifest is removed while a build writes charts and written
 * again when it is done: a build that died in between leaves none, and the next reads everything.
 */
export function diskStore(dir: string) {
  const chartsDir = join(dir, "charts");
  const fileOf = (region: string, week: string) => join(chartsDir, region, `${week}.json.gz`);
  /** Hashes of the charts the files hold, as far as this build knows (the manifest's, then its own writes). */
  const known = new Map<string, string>();

  return {
    /** The manifest of the last build that finished reading, or null (none, another version, unreadable). */
    manifest(): StoreManifest | null {
      try {
        const manifest = JSON.parse(readFileSync(join(dir, MANIFEST), "utf8")) as StoreManifest;
        if (manifest.version !== 2 || !Array.isArray(manifest.charts)) return null;
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

    put(text: string, ref: Omit<ChartRef, "hash">): ChartRef {
      const hash = hashOf(text);
      const key = chartKey(ref.region, ref.week);
      // An unchanged chart is not written again: its file keeps its bytes and its time.
      if (known.get(key) !== hash) {
        const file = fileOf(ref.region, ref.week);
        mkdirSync(join(chartsDir, ref.region), { recursive: true });
        writeFileSync(`${file}.tmp`, gzipSync(text, { level: 1 }));
        renameSync(`${file}.tmp`, file);
        known.set(key, hash);
      }
      return { ...ref, hash };
    },

    get(region: string, week: string): unknown {
      if (!known.has(chartKey(region, week))) return undefined;
      return JSON.parse(gunzipSync(readFileSync(fileOf(region, week))).toString("utf8"));
    },

    /**
     * Writes the manifest of what was read, and removes the files of charts no longer in it: the
     * ones this store knew (the previous manifest's, this build's writes) that the new one lacks.
     * No listing of the folder: that would cost as much as the archive is large.
     */
    finish(manifest: StoreManifest): void {
      const kept = new Set(manifest.charts.map((ref) => chartKey(ref.region, ref.week)));
      for (const key of [...known.keys()]) {
        if (kept.has(key)) continue;
        const [region = "", week = ""] = key.split("/");
        rmSync(fileOf(region, week), { force: true });
        known.delete(key);
      }
      writeFileSync(join(dir, `${MANIFEST}.tmp`), JSON.stringify(manifest));
      renameSync(join(dir, `${MANIFEST}.tmp`), join(dir, MANIFEST));
    },
  } satisfies ChartStore & Record<string, unknown>;
}

export type DiskStore = ReturnType<typeof diskStore>;
