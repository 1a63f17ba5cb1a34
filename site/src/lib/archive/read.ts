/**
 * Reads the one archive a build renders, from exactly one input (config.ts archiveInput): a
 * Worker's API, a file of JSON lines (archive-lines.ts), or the committed fixture. I/O lives here.
 * Every chart is checked as it is read (prepareChart) and kept in the chart store as the input gave
 * it (chart-store.ts): the build keeps only references, never the archive whole. The rest goes
 * through prepareArchiveAround before any page sees it.
 *
 * Incremental: when the store holds the previous build's read of the same Worker, under the same
 * projection, only the charts changed since its change number are read (`/api/site/charts?since=`);
 * the others are the store's. The store is trusted only if it adds up: each region's count of
 * charts and sum of change numbers, kept plus read, must be what the archive says in the same
 * batch as the first page. Change numbers are unique in time, so another database history (a
 * restore, a new database, another state folder behind the same URL) cannot add up by chance. A
 * read that does not add up is tried once more (a chart stored between two pages), then the whole
 * archive is read.
 */
import { type ArchiveInput, archiveInput } from "../config";
import { type RegionState, readArchiveFromApi } from "./api-client";
import { readArchiveLines } from "./archive-lines";
import { type ChartRef, chartKey, type DiskStore, type StoreManifest } from "./chart-store";
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

type EachChart = (chart: Record<string, unknown>, at: number, changed: number) => unknown;

/** The raw archive, its charts already replaced by what `each` made of them. */
async function readRaw(input: ArchiveInput, deps: ReadDeps, each: EachChart, since: number | null) {
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
  if (input.kind === "file") return readArchiveLines(input.path, (chart, at) => each(chart, at, 0));
  const raw = await deps.fixture();
  if (raw === null || typeof raw !== "object" || !("charts" in raw) || !Array.isArray(raw.charts)) return raw;
  return { ...raw, charts: raw.charts.map((chart, at) => each(chart, at, 0)) };
}

/** What the API read adds to the archive's envelope (api-client.ts). */
interface ApiExtras {
  source?: unknown;
  seq?: number | null;
  projection?: number | null;
  state?: Record<string, RegionState> | null;
}

const extrasOf = (raw: unknown): ApiExtras => (raw !== null && typeof raw === "object" ? (raw as ApiExtras) : {});

/**
 * Why the charts kept from before plus the ones read now cannot be the archive the Worker has, or
 * null: what the previous build read must be the same history, source and projection, and each
 * region's charts must add up to what the archive says it holds.
 */
export function mismatch(refs: ReadonlyMap<string, ChartRef>, raw: unknown, previous: StoreManifest): string | null {
  const { source, seq, projection, state } = extrasOf(raw);
  if (source !== previous.source) return `its source is ${String(source)}, was ${previous.source}`;
  if (typeof seq !== "number" || previous.seq === null || seq < previous.seq)
    return `its change number went back (${previous.seq} → ${seq})`;
  if (projection !== previous.projection) return `its projection is ${projection}, was ${previous.projection}`;
  if (!state) return "it does not say what it holds";
  const kept = new Map<string, RegionState>();
  for (const ref of refs.values()) {
    if (ref.source !== source) continue;
    const region = kept.get(ref.region) ?? { weeks: 0, changes: 0 };
    kept.set(ref.region, { weeks: region.weeks + 1, changes: region.changes + ref.changed });
  }
  for (const region of new Set([...kept.keys(), ...Object.keys(state)])) {
    const has = state[region] ?? { weeks: 0, changes: 0 };
    const got = kept.get(region) ?? { weeks: 0, changes: 0 };
    if (has.weeks !== got.weeks || has.changes !== got.changes)
      return `${region} holds ${has.weeks} week(s) (changes ${has.changes}), ${got.weeks} kept (changes ${got.changes})`;
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

/** Incremental reads tried before reading everything: the second covers a chart stored during the first. */
const INCREMENTAL_TRIES = 2;

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
      (chart, at, changed) => {
        const { region, week, source } = prepareChart(chart, at);
        const ref = store.put(JSON.stringify(chart), { region, week, source, changed });
        refs.set(chartKey(ref.region, ref.week), ref);
        chartsRead++;
        return ref;
      },
      since,
    );
    return { raw, refs, chartsRead };
  };

  let result: Awaited<ReturnType<typeof read>> | undefined;
  let incremental = false;
  for (let attempt = 1; reusable && previous && attempt <= INCREMENTAL_TRIES; attempt++) {
    const tried = await read(previous.seq);
    const why = mismatch(tried.refs, tried.raw, previous);
    if (why === null) {
      [result, incremental] = [tried, true];
      break;
    }
    const next = attempt < INCREMENTAL_TRIES ? "reading the changes again" : "reading all of it";
    deps.warn(`the archive does not match the previous build's (${why}): ${next}`);
  }
  result ??= await read(null);
  const envelope = incremental ? withWeeksOf(result.raw, result.refs) : result.raw;
  const archive = prepareArchiveAround(envelope, [...result.refs.values()], deps.warn);
  const { seq, projection } = extrasOf(result.raw);
  store.finish({
    version: 2,
    input: name,
    source: archive.source,
    seq: input.kind === "url" && typeof seq === "number" ? seq : null,
    projection: input.kind === "url" && typeof projection === "number" ? projection : null,
    charts: archive.charts,
  });
  return { archive, chartsRead: result.chartsRead, incremental };
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
