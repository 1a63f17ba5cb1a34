/**
 * Builds the real site (astro build, the same command as `npm run build`) from a given
 * SiteArchive into a temporary directory, with its own Astro cache, and reads the output.
 */
import { execFile } from "node:child_process";
import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";
import { promisify } from "node:util";
import { archiveLines } from "../../site/src/lib/archive/archive-lines";
import type { SiteArchive } from "../../worker/schemas/site-archive";
import { parseHtml } from "./html";

const run = promisify(execFile);

export interface BuiltSite {
  dir: string;
  /** Wall time of the build, in ms. */
  ms: number;
  exists(path: string): boolean;
  read(path: string): string;
  /** The page parsed (once: tests only read the tree). */
  html(path: string): ReturnType<typeof parseHtml>;
  /** Every file's site path (`/charts/DE/index.html`), sorted. */
  files(): string[];
  /**
   * The pages Astro did not render but took from the previous build (site paths): kept in place in
   * a kept output folder ("cached" in its log), or copied from its cache ("restored").
   */
  restored: string[];
  cleanup(): void;
}

export interface BuildOptions {
  /**
   * The Astro cache (the previous build's pages and manifest) to build incrementally from, and to
   * leave this build's in. By default a fresh one: a full build.
   */
  cacheDir?: string;
  /**
   * The output folder to build into and keep between builds, as `npm start` and the deploy keep
   * theirs (it goes with `cacheDir`). The BuiltSite is a copy of it taken after the build. By
   * default a fresh folder.
   */
  outDir?: string;
  /** The project to build: a copy with other code (variant.ts); by default this checkout. */
  root?: string;
  /** More environment for the build (SOURCE_DATE_EPOCH, …). */
  env?: Record<string, string>;
}

/** The command and environment of one site build, as `npm run build` runs it. */
export function buildCommand(
  input: SiteArchive | { url: string },
  origin: string,
  options: BuildOptions & { temp: string; outDir: string },
) {
  const { ARCHIVE_URL: _, ARCHIVE_FILE: __, ...env } = process.env;
  const archiveFile = join(options.temp, "archive.jsonl");
  if (!("url" in input)) writeFileSync(archiveFile, [...archiveLines(input)].join(""));
  const source = "url" in input ? { ARCHIVE_URL: input.url } : { ARCHIVE_FILE: archiveFile };
  const root = options.root ?? process.cwd();
  return {
    command: process.execPath,
    // Not --silent: the log names the pages restored from the cache.
    args: [
      join(root, "node_modules/astro/bin/astro.mjs"),
      "build",
      "--root",
      join(root, "site"),
      "--outDir",
      options.outDir,
    ],
    options: {
      cwd: root,
      env: {
        ...env,
        ...source,
        SITE_ORIGIN: origin,
        ASTRO_CACHE_DIR: options.cacheDir ?? join(options.temp, "cache"),
        ASTRO_TELEMETRY_DISABLED: "1",
        // Plain text: with CI set, Astro's logger colours its lines, and the names would not match.
        NO_COLOR: "1",
        ...options.env,
      },
    },
  };
}

/** Builds from a SiteArchive (written to a file: ARCHIVE_FILE) or from an API (ARCHIVE_URL). */
export async function buildSite(
  input: SiteArchive | { url: string },
  origin: string,
  options: BuildOptions = {},
): Promise<BuiltSite> {
  const temp = mkdtempSync(join(tmpdir(), "site-build-"));
  const dir = join(temp, "dist");
  const build = buildCommand(input, origin, { ...options, temp, outDir: options.outDir ?? dir });
  const started = performance.now();
  let log = "";
  try {
    const output = await run(build.command, build.args, { ...build.options, maxBuffer: 64 * 1024 * 1024 });
    log = output.stdout.replace(/\x1b\[[0-9;]*m/g, "");
    if (options.outDir) cpSync(options.outDir, dir, { recursive: true });
  } catch (error) {
    rmSync(temp, { recursive: true, force: true });
    throw error;
  }
  const ms = performance.now() - started;
  const path = (sitePath: string) => join(dir, sitePath);
  const parsed = new Map<string, ReturnType<typeof parseHtml>>();
  return {
    dir,
    ms,
    exists: (sitePath) => existsSync(path(sitePath)),
    read: (sitePath) => readFileSync(path(sitePath), "utf8"),
    html: (sitePath) => {
      const page = parsed.get(sitePath) ?? parseHtml(readFileSync(path(sitePath), "utf8"));
      parsed.set(sitePath, page);
      return page;
    },
    files: () =>
      readdirSync(dir, { recursive: true, withFileTypes: true })
        .filter((entry) => entry.isFile())
        .map((entry) => `/${relative(dir, join(entry.parentPath, entry.name))}`)
        .sort(),
    restored: [...log.matchAll(/ (\/\S+) \((?:restored|cached)\)/g)].map((match) => match[1] as string).sort(),
    cleanup: () => rmSync(temp, { recursive: true, force: true }),
  };
}

/** The file a site URL path is served from (`/charts/DE/` → `/charts/DE/index.html`). */
export function fileOf(urlPath: string): string {
  return urlPath.endsWith("/") ? `${urlPath}index.html` : urlPath;
}

/** Site paths whose bytes differ between two builds, added and removed ones included. */
export function filesDiffer(before: BuiltSite, after: BuiltSite): string[] {
  const files = new Set([...before.files(), ...after.files()]);
  const bytes = (site: BuiltSite, path: string) => (site.exists(path) ? readFileSync(join(site.dir, path)) : null);
  return [...files]
    .filter((path) => {
      const a = bytes(before, path);
      const b = bytes(after, path);
      return a === null || b === null || !a.equals(b);
    })
    .sort();
}
