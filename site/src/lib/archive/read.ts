/**
 * Reads the one archive a build renders, from exactly one input (config.ts archiveInput): a
 * Worker's API, a file, or the committed fixture. I/O lives here. Every chart goes through
 * prepareChart and then `keep` as it is read — so an archive of every region and week is never
 * held whole as it came — and the rest through prepareArchiveAround, before any page sees it.
 */
import { readFile } from "node:fs/promises";
import type { SlimChart } from "../../../../worker/charts/slim";
import { type ArchiveInput, archiveInput } from "../config";
import { readArchiveFromApi } from "./api-client";
import { parseJsonInPieces } from "./json-pieces";
import { type ChartKey, type PreparedArchive, prepareArchiveAround, prepareChart } from "./prepare";

export interface ReadDeps {
  fetch: typeof globalThis.fetch;
  now: () => Date;
  warn: (message: string) => void;
  /** The committed fixture (site/fixtures/archive.json), loaded only when it is the input. */
  fixture: () => Promise<unknown>;
  /** The first wait between tries of an API read (ARCHIVE_RETRY_MS; the default otherwise). */
  retryMs?: number;
}

export function describeInput(input: ArchiveInput): string {
  if (input.kind === "url") return `the archive API at ${input.url}`;
  if (input.kind === "file") return `the archive file ${input.path}`;
  return "the committed fixture (site/fixtures/archive.json)";
}

/** The raw archive, its charts already replaced by what `each` made of them. */
async function readRaw(input: ArchiveInput, deps: ReadDeps, each: (raw: unknown, at: number) => unknown) {
  if (input.kind === "url") {
    return readArchiveFromApi({
      baseUrl: input.url,
      fetch: deps.fetch,
      now: deps.now(),
      eachChart: each,
      retryMs: deps.retryMs,
    });
  }
  if (input.kind === "file") return parseJsonInPieces(await readFile(input.path), "charts", each);
  const raw = await deps.fixture();
  if (raw === null || typeof raw !== "object" || !("charts" in raw) || !Array.isArray(raw.charts)) return raw;
  return { ...raw, charts: raw.charts.map(each) };
}

/** The archive, each chart prepared and then kept as `keep` makes it (the site index's form). */
export async function readSiteArchive<C extends ChartKey>(
  env: { ARCHIVE_URL?: string; ARCHIVE_FILE?: string },
  deps: ReadDeps,
  keep: (chart: SlimChart) => C,
): Promise<PreparedArchive<C>> {
  const prepared: C[] = [];
  const raw = await readRaw(archiveInput(env), deps, (chart, at) => {
    const kept = keep(prepareChart(chart, at));
    prepared.push(kept);
    return kept;
  });
  return prepareArchiveAround(raw, prepared, deps.warn);
}
