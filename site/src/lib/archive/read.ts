/**
 * Reads the one SiteArchive a build renders, from exactly one input (config.ts archiveInput):
 * a Worker's API, a file, or the committed fixture. I/O lives here; everything it reads goes
 * through prepareArchive before any page sees it.
 */
import { readFile } from "node:fs/promises";
import type { SiteArchive } from "../../../../worker/charts/site-archive";
import { type ArchiveInput, archiveInput } from "../config";
import { readArchiveFromApi } from "./api-client";
import { prepareArchive } from "./prepare";

/** The committed fixture, relative to the site's root: type checks and tests never need the network. */
export const FIXTURE_PATH = "fixtures/archive.json";

export interface ReadDeps {
  /** The site's root directory (Astro's `config.root`). */
  root: URL;
  fetch: typeof globalThis.fetch;
  now: () => Date;
  warn: (message: string) => void;
}

export function describeInput(input: ArchiveInput): string {
  if (input.kind === "url") return `the archive API at ${input.url}`;
  if (input.kind === "file") return `the archive file ${input.path}`;
  return `the committed fixture (site/${FIXTURE_PATH})`;
}

async function readJson(path: string | URL): Promise<unknown> {
  return JSON.parse(await readFile(path, "utf8"));
}

export async function readSiteArchive(
  env: { ARCHIVE_URL?: string; ARCHIVE_FILE?: string },
  deps: ReadDeps,
): Promise<SiteArchive> {
  const input = archiveInput(env);
  const raw =
    input.kind === "url"
      ? await readArchiveFromApi({ baseUrl: input.url, fetch: deps.fetch, now: deps.now() })
      : await readJson(input.kind === "file" ? input.path : new URL(FIXTURE_PATH, deps.root));
  return prepareArchive(raw, deps.warn);
}
