/**
 * What keeps a build's output and caches trustworthy from one build to the next (astro.config.mjs
 * runs these around Astro's build). Two jobs:
 *
 * 1. **A build that did not finish leaves nothing that vouches for it.** Astro writes each page
 *    into its cache as it renders it, but its manifest only at the end; the chart store and the
 *    output folder change during the build too. So the build's state file says "unfinished" from
 *    the start of a build until its very end; a build that finds it so (Ctrl-C, a kill, a crash,
 *    a failure) discards Astro's manifest and page copies, the chart store and the output, and
 *    starts from nothing: a full build.
 * 2. **A week costs the same at any archive size.** Astro empties its output folder before a build
 *    and then copies every page it does not render back from its cache: at ten years, tens of
 *    thousands of files removed and copied for one new week. Instead the output folder is kept
 *    (vite `emptyOutDir: false`) and a page that is unchanged stays where it is. Astro never
 *    deletes from a kept folder, so what this build no longer makes is removed here: the pages of
 *    the previous build it did not make again, and stale assets (an old stylesheet's hashed name).
 *    The output is kept only when it is the one the previous finished build wrote (same folder,
 *    recorded here); anything else is emptied first.
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, rmdirSync, rmSync, statSync, writeFileSync } from "node:fs";
import { dirname, join, relative, sep } from "node:path";

/** The state file, in Astro's cacheDir: the folder the previous build wrote, and whether it finished. */
const STATE = "trending-sounds-build.json";
/** Every file of the finished build's output (relative paths), for the next build to prune from. */
const FILES = "trending-sounds-output.json";
/** What Astro keeps in its cacheDir for incremental builds (its dist/core/build/incremental.js). */
const ASTRO_MANIFEST = "incremental-build.json";
const ASTRO_PAGES = "dist";
/** The folder vite writes hashed assets to under the output (Astro's `build.assets`). */
const ASSETS_DIR = "_astro";

interface State {
  outDir: string;
  finished: boolean;
}

export interface BuildPaths {
  /** Astro's cacheDir (its manifest and page copies, and this module's state). */
  cacheDir: string;
  /** The output folder. */
  outDir: string;
  /** What else the build keeps between runs (the chart store): discarded with Astro's cache. */
  keptDirs: string[];
}

function readJson<T>(file: string): T | null {
  try {
    return JSON.parse(readFileSync(file, "utf8")) as T;
  } catch {
    return null;
  }
}

function emptyDir(dir: string): void {
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
}

/**
 * Before Astro reads anything: discards what an unfinished build left, empties an output folder
 * that is not the previous finished build's, and marks this build unfinished. Says what it did.
 */
export function startBuild(paths: BuildPaths): string {
  const stateFile = join(paths.cacheDir, STATE);
  const state = readJson<State>(stateFile);
  let what: string;
  if (!state?.finished) {
    // Also the first build with no state at all: nothing says the caches belong together.
    rmSync(join(paths.cacheDir, ASTRO_MANIFEST), { force: true });
    rmSync(join(paths.cacheDir, ASTRO_PAGES), { recursive: true, force: true });
    rmSync(join(paths.cacheDir, FILES), { force: true });
    for (const dir of paths.keptDirs) rmSync(dir, { recursive: true, force: true });
    emptyDir(paths.outDir);
    what = state ? "the previous build did not finish: building everything" : "no previous build: building everything";
  } else if (state.outDir !== paths.outDir || !existsSync(paths.outDir)) {
    rmSync(join(paths.cacheDir, FILES), { force: true });
    emptyDir(paths.outDir);
    what = "another output folder than the previous build's: unchanged pages are copied from the cache";
  } else {
    what = "building into the previous build's output: unchanged pages stay as they are";
  }
  mkdirSync(paths.cacheDir, { recursive: true });
  writeFileSync(stateFile, JSON.stringify({ outDir: paths.outDir, finished: false } satisfies State));
  return what;
}

/** Whether the last build of `outDir` with this cache finished (a deploy uploads nothing else). */
export function lastBuildFinished(cacheDir: string, outDir: string): boolean {
  const state = readJson<State>(join(cacheDir, STATE));
  return state?.finished === true && state.outDir === outDir;
}

/** Files directly in `dir` and, recursively, under its `_astro` folder (relative to `dir`). */
function topLevelAndAssets(dir: string): string[] {
  const top = readdirSync(dir, { withFileTypes: true })
    .filter((entry) => entry.isFile())
    .map((entry) => entry.name);
  const assets = existsSync(join(dir, ASSETS_DIR))
    ? readdirSync(join(dir, ASSETS_DIR), { recursive: true, withFileTypes: true })
        .filter((entry) => entry.isFile())
        .map((entry) => relative(dir, join(entry.parentPath, entry.name)))
    : [];
  return [...top, ...assets];
}

function filesUnder(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile())
    .map((entry) => relative(dir, join(entry.parentPath, entry.name)));
}

/** Removes `file` and the folders above it that it leaves empty, up to (not including) `root`. */
function removeWithEmptyParents(root: string, file: string): void {
  rmSync(join(root, file), { force: true });
  for (let dir = dirname(file); dir !== "." && dir !== ""; dir = dirname(dir)) {
    try {
      rmdirSync(join(root, dir));
    } catch {
      return; // not empty (or gone): the folders above it are not empty either
    }
  }
}

export interface FinishInput {
  /** Every page and endpoint file this build made or kept (Astro's `astro:build:done` assets). */
  pageFiles: readonly string[];
  /** The site's public folder: copied into the output by every build. */
  publicDir: string;
  /** When this build started (epoch ms): files written since are this build's. */
  startedAt: number;
}

/**
 * After Astro (and every other integration) is done: removes what this build did not make —
 * the previous build's files it did not make again, and top-level or `_astro` files written
 * before it started that no route and no public file accounts for — then records this build's
 * files and marks it finished. Walks only the top level and `_astro`, never the page tree: its
 * cost does not grow with the archive beyond set operations on the two file lists.
 */
export function finishBuild(paths: BuildPaths, input: FinishInput): { removed: number } {
  const made = new Set(input.pageFiles.map((file) => relative(paths.outDir, file).split(sep).join("/")));
  for (const file of filesUnder(input.publicDir)) made.add(file.split(sep).join("/"));
  const unaccounted: string[] = [];
  for (const file of topLevelAndAssets(paths.outDir)) {
    const name = file.split(sep).join("/");
    if (made.has(name)) continue;
    if (statSync(join(paths.outDir, file)).mtimeMs >= input.startedAt) made.add(name);
    else unaccounted.push(name);
  }
  const previous = readJson<string[]>(join(paths.cacheDir, FILES)) ?? [];
  const stale = new Set([...previous.filter((file) => !made.has(file)), ...unaccounted]);
  for (const file of stale) removeWithEmptyParents(paths.outDir, file);
  writeFileSync(join(paths.cacheDir, FILES), JSON.stringify([...made].sort()));
  writeFileSync(join(paths.cacheDir, STATE), JSON.stringify({ outDir: paths.outDir, finished: true } satisfies State));
  return { removed: stale.size };
}
