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

export interface ReadDeps {
  fetch: typeof globalThis.fetch;
  now: () => Date;
  warn: (message: string) => void;
  /** The committed fixture (site/fixtures/archive.json), loaded only when it is the input. */
  fixture: () => Promise<unknown>;
}

export function describeInput(input: ArchiveInput): string {
  if (input.kind === "url") return `the archive API at ${input.url}`;
  if (input.kind === "file") return `the archive file ${input.path}`;
  return "the committed fixture (site/fixtures/archive.json)";
}

async function readRaw(input: ArchiveInput, deps: ReadDeps): Promise<unknown> {
  if (input.kind === "url") return readArchiveFromApi({ baseUrl: input.url, fetch: deps.fetch, now: deps.now() });
  if (input.kind === "file") return JSON.parse(await readFile(input.path, "utf8"));
  return deps.fixture();
}

export async function readSiteArchive(
  env: { ARCHIVE_URL?: string; ARCHIVE_FILE?: string },
  deps: ReadDeps,
): Promise<SiteArchive> {
  return prepareArchive(await readRaw(archiveInput(env), deps), deps.warn);
}
