/**
 * The sound pages' sitemap files, for the sitemap index the build writes (astro.config.mjs).
 * Sound pages are the Worker's, and so are their sitemaps (`/sitemaps/sounds-<n>.xml`): a build
 * that reads its archive from a Worker asks it which files exist (`GET /api/sitemaps`, retried
 * like every read of the archive); a build from an archive file or the fixture counts that
 * archive's sounds — the pages a Worker holding that archive has.
 */
import { readFile } from "node:fs/promises";
import { z } from "zod";
import { soundSitemapPaths } from "@worker/charts/sitemaps";
import { ApiError, getter, READ_RETRY_MS } from "./archive/api-client";
import { readArchiveLines } from "./archive/archive-lines";
import { archiveInput } from "./config";

const sitemapsSchema = z.object({ files: z.array(z.string().regex(/^\/sitemaps\/sounds-[1-9]\d*\.xml$/)) });
const chartSchema = z.object({ entries: z.array(z.object({ clip_id: z.string() })) });

export interface SoundSitemapDeps {
  fetch: typeof globalThis.fetch;
  /** The committed fixture's path (site/fixtures/archive.json). */
  fixturePath: string;
  retryMs?: number;
  warn: (message: string) => void;
}

/** Site paths of the sound sitemap files, in order. */
export async function soundSitemapFiles(
  env: { ARCHIVE_URL?: string; ARCHIVE_FILE?: string },
  deps: SoundSitemapDeps,
): Promise<string[]> {
  const input = archiveInput(env);
  if (input.kind === "url") {
    const get = getter(input.url, {
      fetch: deps.fetch,
      timeoutMs: 60_000,
      retryMs: deps.retryMs ?? READ_RETRY_MS,
      sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
    });
    try {
      return (await get("api/sitemaps", sitemapsSchema)).files;
    } catch (error) {
      // A deploy builds from the live Worker before replacing it: one from before sound sitemaps
      // has no such endpoint. The index then lists none until the next build.
      if (!(error instanceof ApiError) || error.status !== 404) throw error;
      deps.warn(`${error.message}: the sitemap index lists no sound sitemaps`);
      return [];
    }
  }
  const sounds = new Set<string>();
  const count = (chart: unknown) => {
    const parsed = chartSchema.safeParse(chart);
    if (parsed.success) for (const entry of parsed.data.entries) sounds.add(entry.clip_id);
    return null;
  };
  if (input.kind === "file") await readArchiveLines(input.path, count);
  else for (const chart of JSON.parse(await readFile(deps.fixturePath, "utf8")).charts) count(chart);
  return soundSitemapPaths(sounds.size);
}
