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
 * - One visible source (DESIGN.md "Chart data model"): charts of any other source than the
 *   archive's are dropped with a warning, and a region's weeks are the weeks that kept a chart.
 */
import { isIsoWeek } from "../../../../worker/charts/iso-week";
import { isRegion } from "../../../../worker/charts/regions";
import { stripXmlForbidden } from "../../../../worker/charts/sanitize";
import { type SiteArchive, siteArchiveSchema } from "../../../../worker/charts/site-archive";

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

function checkIdentifiers(archive: SiteArchive): void {
  for (const region of archive.regions) {
    check(isRegion(region.code), () => `unknown region code ${JSON.stringify(region.code)}`);
    for (const week of [...region.weeks, ...region.gaps]) {
      check(isIsoWeek(week), () => `${region.code}: not a canonical ISO week: ${JSON.stringify(week)}`);
    }
  }
  for (const chart of archive.charts) {
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

/** Newest first by firstSeen; a stable sort keeps the log's own order among equals. */
function newestFirst<T extends { firstSeen: string }>(items: readonly T[]): T[] {
  return [...items].sort((a, b) => Date.parse(b.firstSeen) - Date.parse(a.firstSeen));
}

export function prepareArchive(raw: unknown, warn: (message: string) => void = () => {}): SiteArchive {
  const parsed = siteArchiveSchema.safeParse(stripStrings(raw));
  if (!parsed.success) throw new ArchiveError(`not a SiteArchive: ${parsed.error.message.slice(0, 2_000)}`);
  const archive = parsed.data;
  checkIdentifiers(archive);

  const charts = archive.charts.filter((chart) => chart.source === archive.source);
  const dropped = archive.charts.length - charts.length;
  if (dropped > 0) warn(`ignored ${dropped} chart(s) whose source is not the archive's (${archive.source})`);

  const listed = new Set(archive.regions.map((r) => r.code));
  const weeksByRegion = new Map<string, string[]>();
  for (const chart of charts) {
    check(listed.has(chart.region), () => `chart of ${chart.region} ${chart.week}, a region the archive does not list`);
    const weeks = weeksByRegion.get(chart.region) ?? [];
    check(!weeks.includes(chart.week), () => `two charts for ${chart.region} ${chart.week}`);
    weeks.push(chart.week);
    weeksByRegion.set(chart.region, weeks);
  }
  const regions = archive.regions.map((region) => {
    const weeks = (weeksByRegion.get(region.code) ?? []).sort();
    const missing = region.weeks.filter((week) => !weeks.includes(week));
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
