import { stripXmlForbidden } from "../charts/sanitize";
import { CHART_SIZE, type Sound } from "../charts/sound";
import { UPSTREAM_PAGE_SIZE } from "../proxy/keys";

/** A region's top 100: five full pages of 20. */
export const SNAPSHOT_PAGES = CHART_SIZE / UPSTREAM_PAGE_SIZE;

/**
 * Pages of one region's chart → one validated snapshot (pure). Stored whole or not at all: a chart with
 * holes, repeats or a count that disagrees with its own total is refused, never patched.
 */
export function assembleChart(
  region: string,
  pages: { page: number; total: number; rows: Sound[] }[],
): { ok: true; entries: Sound[] } | { ok: false; reason: string } {
  const ordered = [...pages].sort((a, b) => a.page - b.page);
  const entries = ordered.flatMap((p) => p.rows).map(sanitizeSound);
  const total = Math.min(CHART_SIZE, ordered[0]?.total ?? 0);
  if (entries.length === 0) return { ok: false, reason: "empty chart (the source may have dried up)" };
  if (entries.length !== total) return { ok: false, reason: `expected ${total} entries, got ${entries.length}` };
  const ranksInOrder = entries.every((e, i) => e.rank === i + 1);
  if (!ranksInOrder) return { ok: false, reason: "ranks are not 1..n in page order" };
  // An upstream that ignored `region` would otherwise be archived as 71 copies of one chart.
  if (entries.some((e) => e.country_code.toUpperCase() !== region.toUpperCase()))
    return { ok: false, reason: `an entry names another region than ${region}` };
  if (new Set(entries.map((e) => e.clip_id)).size !== entries.length)
    return { ok: false, reason: "a sound appears twice" };
  return { ok: true, entries };
}

/** XML-forbidden control characters are removed from every text field at ingestion. */
export function sanitizeSound(sound: Sound): Sound {
  return sanitizeValue(sound) as Sound;
}

function sanitizeValue(value: unknown): unknown {
  if (typeof value === "string") return stripXmlForbidden(value);
  if (Array.isArray(value)) return value.map(sanitizeValue);
  if (value !== null && typeof value === "object") {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, sanitizeValue(v)]));
  }
  return value;
}
