/**
 * The one gate through which archive data enters the build: whatever the input (a Worker's API,
 * a file, the fixture), it is validated with the shared SiteArchive schema, cleaned and checked
 * here before any page sees it.
 *
 * - Every string loses XML-forbidden characters again (the Worker strips them at ingestion; a
 *   feed must stay well-formed even if an older export did not).
 * - Identifiers that become URL paths and fragments must be canonical: a region among the 71,
 *   a `YYYY-Www` week, a digit-only clip id, a parseable firstSeen. Anything else is refused:
 *   it means a broken exporter, not a bad week on TikTok.
 * - One visible source (docs/data-model.md "Chart data model"): charts of any other source than the
 *   archive's are dropped with a warning, and a region's weeks are the weeks that kept a chart.
 */
import { isIsoWeek } from "@worker/charts/iso-week";
import { isRegion } from "@worker/charts/regions";
import { stripXmlForbidden } from "@worker/charts/sanitize";
import { type SiteArchive, siteArchiveSchema } from "@worker/schemas/site-archive";
import { type SlimChart, slimChartSchema } from "@worker/schemas/slim";

const CLIP_ID = /^\d{1,32}$/;

export class ArchiveError extends Error {
  override name = "ArchiveError";
}

// What stripXmlForbidden removes, found by one quick test without the `u` flag: C0 controls but
// tab, LF and CR, U+FFFE, U+FFFF, and surrogates (a valid pair passes through stripXmlForbidden).
const MAYBE_FORBIDDEN = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uD800-\uDFFF\uFFFE\uFFFF]/;

/**
 * The value without XML-forbidden characters in any string. Copies only what changes: the input
 * is the caller's, and a full-scale archive (≈ 370,000 entries) is too big to copy for nothing.
 */
function stripStrings(value: unknown): unknown {
  if (typeof value === "string") return MAYBE_FORBIDDEN.test(value) ? stripXmlForbidden(value) : value;
  if (Array.isArray(value)) {
    let copy: unknown[] | undefined;
    for (let i = 0; i < value.length; i++) {
      // Numbers (a trend is most of an archive's values) need no call.
      if (typeof value[i] === "number") continue;
      const item = stripStrings(value[i]);
      if (item === value[i]) continue;
      copy ??= [...value];
      copy[i] = item;
    }
    return copy ?? value;
  }
  if (value !== null && typeof value === "object") {
    const record = value as Record<string, unknown>;
    let copy: Record<string, unknown> | undefined;
    for (const key of Object.keys(record)) {
      const item = record[key];
      const stripped = stripStrings(item);
      if (stripped === item) continue;
      copy ??= { ...record };
      copy[key] = stripped;
    }
    return copy ?? value;
  }
  return value;
}

function check(ok: boolean, message: () => string): void {
  if (!ok) throw new ArchiveError(message());
}

const isTime = (s: string) => !Number.isNaN(Date.parse(s));

type Envelope = Omit<SiteArchive, "charts">;

function checkEnvelope(archive: Envelope): void {
  for (const region of archive.regions) {
    check(isRegion(region.code), () => `unknown region code ${JSON.stringify(region.code)}`);
    for (const week of [...region.weeks, ...region.gaps]) {
      check(isIsoWeek(week), () => `${region.code}: not a canonical ISO week: ${JSON.stringify(week)}`);
    }
  }
  for (const item of archive.debuts) {
    check(
      isRegion(item.region) && isIsoWeek(item.week) && CLIP_ID.test(item.clipId) && isTime(item.firstSeen),
      () => `debut ${JSON.stringify([item.region, item.clipId, item.week, item.firstSeen])} is malformed`,
    );
  }
  for (const item of archive.globalDebuts) {
    check(
      item.regions.length > 0 &&
        item.regions.every(isRegion) &&
        isIsoWeek(item.week) &&
        CLIP_ID.test(item.clipId) &&
        isTime(item.firstSeen),
      () => `global debut ${JSON.stringify([item.clipId, item.week, item.regions])} is malformed`,
    );
  }
}

function checkChart(chart: SlimChart): void {
  const where = `chart ${JSON.stringify(chart.region)} ${JSON.stringify(chart.week)}`;
  check(isRegion(chart.region) && isIsoWeek(chart.week), () => `${where}: bad region or week`);
  check(isTime(chart.fetchedAt), () => `${where}: fetchedAt is not a time`);
  const ids = new Set<string>();
  for (const entry of chart.entries) {
    check(CLIP_ID.test(entry.clip_id), () => `${where}: bad clip_id ${JSON.stringify(entry.clip_id)}`);
    check(!ids.has(entry.clip_id), () => `${where}: clip ${entry.clip_id} listed twice`);
    ids.add(entry.clip_id);
  }
}

const describeError = (error: { message: string }) => error.message.slice(0, 2_000);

/**
 * One chart of the archive, checked and cleaned: the unit an archive is read in (read.ts), so a
 * full-scale archive never has to be held whole as it came. Kept as it came once checked: zod's
 * parsed copy would be the same data minus unknown keys no page reads, in a second set of objects.
 */
export function prepareChart(raw: unknown, at = 0): SlimChart {
  const stripped = stripStrings(raw);
  const checked = slimChartSchema.safeParse(stripped);
  if (!checked.success) throw new ArchiveError(`not a SiteArchive: charts[${at}]: ${describeError(checked.error)}`);
  const chart = stripped as SlimChart;
  checkChart(chart);
  return chart;
}

/**
 * A chart kept as the input gave it (chart-store.ts), as pages read it: cleaned like prepareChart
 * cleans it, by this build's code. Not checked again: prepareChart checked it when it was read,
 * and a page loads thousands of charts in a full build (the check is most of prepareChart's cost).
 */
export function cleanChart(raw: unknown): SlimChart {
  return stripStrings(raw) as SlimChart;
}

/** What the archive needs to know of a chart, whatever form it is kept in (indexed-chart.ts). */
export type ChartKey = Pick<SlimChart, "region" | "week" | "source">;

export type PreparedArchive<C extends ChartKey = SlimChart> = Envelope & { charts: C[] };

/** The archive but its charts, which prepareChart checks one by one. */
const envelopeSchema = siteArchiveSchema.omit({ charts: true });

/** Newest first by firstSeen; a stable sort keeps the log's own order among equals. */
function newestFirst<T extends { firstSeen: string }>(items: readonly T[]): T[] {
  return [...items].sort((a, b) => Date.parse(b.firstSeen) - Date.parse(a.firstSeen));
}

/**
 * The archive around charts already prepared one by one (`prepareChart`, then kept in any form):
 * the rest validated and cleaned, one visible source, each region's weeks the weeks that kept a
 * chart. `raw.charts` is only checked to be an array (its elements may already be in the kept
 * form); `prepared` are the charts.
 */
export function prepareArchiveAround<C extends ChartKey>(
  raw: unknown,
  prepared: readonly C[],
  warn: (message: string) => void = () => {},
): PreparedArchive<C> {
  const { charts: rawCharts, ...rest }: { charts?: unknown } = raw !== null && typeof raw === "object" ? raw : {};
  const parsed = envelopeSchema.safeParse(stripStrings(rest));
  if (!parsed.success) throw new ArchiveError(`not a SiteArchive: ${describeError(parsed.error)}`);
  check(Array.isArray(rawCharts), () => "not a SiteArchive: charts is not an array");
  const archive = parsed.data;
  checkEnvelope(archive);

  const charts = prepared.filter((chart) => chart.source === archive.source);
  const dropped = prepared.length - charts.length;
  if (dropped > 0) warn(`ignored ${dropped} chart(s) whose source is not the archive's (${archive.source})`);

  const listed = new Set(archive.regions.map((r) => r.code));
  // Sets, not lists: at ten years a region has 520 weeks, and a list's `includes` per chart made
  // this check quadratic in the archive's age.
  const weeksByRegion = new Map<string, Set<string>>();
  for (const chart of charts) {
    check(listed.has(chart.region), () => `chart of ${chart.region} ${chart.week}, a region the archive does not list`);
    const weeks = weeksByRegion.get(chart.region) ?? new Set<string>();
    check(!weeks.has(chart.week), () => `two charts for ${chart.region} ${chart.week}`);
    weeks.add(chart.week);
    weeksByRegion.set(chart.region, weeks);
  }
  const regions = archive.regions.map((region) => {
    const charted = weeksByRegion.get(region.code) ?? new Set<string>();
    const weeks = [...charted].sort();
    const missing = region.weeks.filter((week) => !charted.has(week));
    if (missing.length > 0) warn(`${region.code}: no chart for listed week(s) ${missing.join(", ")}`);
    return { ...region, weeks, gaps: [...new Set(region.gaps)].sort() };
  });
  check(new Set(regions.map((r) => r.code)).size === regions.length, () => "a region is listed twice");

  return {
    ...archive,
    regions,
    charts,
    debuts: newestFirst(archive.debuts),
    globalDebuts: newestFirst(archive.globalDebuts),
  };
}

/** A whole SiteArchive as read, checked and cleaned. */
export function prepareArchive(raw: unknown, warn: (message: string) => void = () => {}): SiteArchive {
  const charts = raw !== null && typeof raw === "object" && "charts" in raw ? raw.charts : undefined;
  const prepared = Array.isArray(charts) ? charts.map((chart, i) => prepareChart(chart, i)) : [];
  return prepareArchiveAround(raw, prepared, warn);
}
