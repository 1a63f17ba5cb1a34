/**
 * Reads the one archive a build renders, from exactly one input (config.ts archiveInput): a
 * Worker's API, a file, or the committed fixture. I/O lives here. Every chart goes through
 * prepareChart and the index's compaction as it is read and is then put in the chart store
 * (chart-store.ts): the build keeps only references, never the archive whole. The rest goes
 * through prepareArchiveAround before any page sees it.
 *
 * Incremental (DESIGN.md "Incremental by default"): when the store holds the previous build's
 * read of the same Worker, only the charts changed since its change number are read
 * (`/api/site/charts?since=`); the others are the store's. What is kept is checked against the
 * archive's own count of weeks per region, and anything that does not add up means a full read.
 */
import { readFile } from "node:fs/promises";
import type { SlimChart } from "../../../../worker/charts/slim";
import { type ArchiveInput, archiveInput } from "../config";
import { indexChart } from "../indexed-chart";
import { readArchiveFromApi } from "./api-client";
import { type ChartRef, chartKey, type DiskStore, type StoreManifest } from "./chart-store";
import { parseJsonInPieces } from "./json-pieces";
import { type PreparedArchive, prepareArchiveAround, prepareChart } from "./prepare";

export interface ReadDeps {
  fetch: typeof globalThis.fetch;
  now: () => Date;
  warn: (message: string) => void;
  /** The committed fixture (site/fixtures/archive.json), loaded only when it is the input. */
  fixture: () => Promise<unknown>;
  /** The first wait between tries of an API read (ARCHIVE_RETRY_MS; the default otherwise). */
  retryMs?: number;
  /** Read everything, whatever the store holds (`astro build --force`, `npm run deploy -- --full`). */
  full?: boolean;
}

export function describeInput(input: ArchiveInput): string {
  if (input.kind === "url") return `the archive API at ${input.url}`;
  if (input.kind === "file") return `the archive file ${input.path}`;
  return "the committed fixture (site/fixtures/archive.json)";
}

/** The raw archive, its charts already replaced by what `each` made of them. */
async function readRaw(
  input: ArchiveInput,
  deps: ReadDeps,
  each: (raw: unknown, at: number) => unknown,
  since: number | null,
) {
  if (input.kind === "url") {
    return readArchiveFromApi({
      baseUrl: input.url,
      fetch: deps.fetch,
      now: deps.now(),
      eachChart: each,
      retryMs: deps.retryMs,
      since,
    });
  }
  if (input.kind === "file") return parseJsonInPieces(await readFile(input.path), "charts", each);
  const raw = await deps.fixture();
  if (raw === null || typeof raw !== "object" || !("charts" in raw) || !Array.isArray(raw.charts)) return raw;
  return { ...raw, charts: raw.charts.map(each) };
}

/** What the API read adds to the archive's envelope (api-client.ts). */
interface ApiExtras {
  seq?: number | null;
  archivedWeeks?: Record<string, number>;
}

const extrasOf = (raw: unknown): ApiExtras => (raw !== null && typeof raw === "object" ? (raw as ApiExtras) : {});

/** Why the charts kept from before plus the ones read now cannot be the archive, or null. */
function mismatch(refs: Map<string, ChartRef>, raw: unknown, since: number): string | null {
  const { seq, archivedWeeks } = extrasOf(raw);
  if (typeof seq !== "number" || seq < since) return `its change number went back (${since} → ${seq})`;
  const counts = new Map<string, number>();
  for (const ref of refs.values()) counts.set(ref.region, (counts.get(ref.region) ?? 0) + 1);
  for (const [region, weeks] of Object.entries(archivedWeeks ?? {})) {
    if ((counts.get(region) ?? 0) !== weeks) return `${region} has ${weeks} week(s), ${counts.get(region) ?? 0} kept`;
  }
  return null;
}

export interface ReadResult {
  archive: PreparedArchive<ChartRef>;
  /** Charts read from the input in this build (all of them on a full read). */
  chartsRead: number;
  /** Whether only the changes since the previous build were read. */
  incremental: boolean;
}

/** The archive as references to the charts in `store`, which holds every one of them after this. */
export async function readSiteArchive(
  env: { ARCHIVE_URL?: string; ARCHIVE_FILE?: string },
  deps: ReadDeps,
  store: DiskStore,
): Promise<ReadResult> {
  const input = archiveInput(env);
  const name = describeInput(input);
  // Loaded whatever the input: its hashes spare rewriting the files of unchanged charts.
  const previous = store.manifest();
  const reusable = !deps.full && input.kind === "url" && previous?.input === name && previous.seq !== null;
  store.begin();

  const read = async (since: number | null) => {
    const refs = new Map<string, ChartRef>(
      since === null || !previous ? [] : previous.charts.map((ref) => [chartKey(ref.region, ref.week), ref]),
    );
    let chartsRead = 0;
    const raw = await readRaw(
      input,
      deps,
      (chart, at) => {
        const ref = store.put(indexChart(prepareChart(chart, at) as SlimChart));
        refs.set(chartKey(ref.region, ref.week), ref);
        chartsRead++;
        return ref;
      },
      since,
    );
    return { raw, refs, chartsRead };
  };

  let since = reusable ? (previous?.seq ?? null) : null;
  let result = await read(since);
  if (since !== null) {
    const why = mismatch(result.refs, result.raw, since) ?? sourceChange(previous, result.raw);
    if (why) {
      deps.warn(`the archive does not match the previous build's (${why}): reading all of it`);
      since = null;
      result = await read(null);
    }
  }
  const envelope = since === null ? result.raw : withWeeksOf(result.raw, result.refs);
  const archive = prepareArchiveAround(envelope, [...result.refs.values()], deps.warn);
  const { seq } = extrasOf(result.raw);
  store.finish({
    version: 1,
    input: name,
    source: archive.source,
    seq: input.kind === "url" && typeof seq === "number" ? seq : null,
    charts: archive.charts,
  });
  return { archive, chartsRead: result.chartsRead, incremental: since !== null };
}

function sourceChange(previous: StoreManifest | null, raw: unknown): string | null {
  const source = raw !== null && typeof raw === "object" && "source" in raw ? raw.source : undefined;
  return previous && source !== previous.source ? `its source is ${String(source)}, was ${previous.source}` : null;
}

/** The envelope, each region listing the weeks of every chart kept (read now or before). */
function withWeeksOf(raw: unknown, refs: Map<string, ChartRef>): unknown {
  if (raw === null || typeof raw !== "object" || !("regions" in raw) || !Array.isArray(raw.regions)) return raw;
  const weeks = new Map<string, string[]>();
  for (const ref of refs.values()) {
    const list = weeks.get(ref.region);
    if (list) list.push(ref.week);
    else weeks.set(ref.region, [ref.week]);
  }
  const regions = raw.regions.map((region: unknown) =>
    region !== null && typeof region === "object" && "code" in region && typeof region.code === "string"
      ? { ...region, weeks: (weeks.get(region.code) ?? []).sort() }
      : region,
  );
  return { ...raw, regions };
}
