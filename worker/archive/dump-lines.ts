import { z } from "zod";
import { isIsoWeek } from "../charts/iso-week";
import { isRegion } from "../charts/regions";
import { stripXmlForbidden } from "../charts/sanitize";
import { chartSchema } from "../charts/schema";
import { soundSchema } from "../charts/sound";
import { dataSourceSchema } from "../charts/source";
import { assembleChart } from "../jobs/assemble";
import { D1_MAX_ROW_BYTES } from "./limits";
import { type GapRow, type GlobalPublishedItem, type PublishedItem, utf8Bytes } from "./rows";
import type { SnapshotInput } from "./store";

/**
 * One line of an archive dump (`npm run export`), checked as strictly as the job checks what it
 * stores: canonical region and week, a real time, text without XML-forbidden characters, and for
 * a chart the job's own assembly rules. A line that fails says why; the caller names the line.
 */
export type DumpLine =
  | { type: "published"; row: PublishedItem }
  /** `row` is null for a line of a dump made before migration 0006 (no `points`): see globalLine. */
  | { type: "global"; row: GlobalPublishedItem | null }
  | { type: "gap"; row: GapRow }
  | { type: "chart"; snapshot: SnapshotInput };

const source = dataSourceSchema;
const region = z.string().refine(isRegion, "region must be one of the 71, upper-case");
const week = z.string().refine(isIsoWeek, "week must be a canonical ISO week (2026-W47)");
const time = z.number().int().min(0).max(8.64e15);
const clipId = z.string().regex(/^\d{1,32}$/, "clip_id must be digits");
const text = z.string().transform(stripXmlForbidden);
const rank = z.number().int().min(1).max(100);

const publishedLine = z.strictObject({
  type: z.literal("published"),
  source,
  region,
  clip_id: clipId,
  week,
  first_seen: time,
  title: text,
  author: text,
  cover: text,
  rank,
});

/**
 * An item of the all-regions log: a sound's first week in the global top 100, with its global rank
 * and points. A line without `points` comes from a dump made before migration 0006, when the log
 * meant "first debut in any region": it is read (old dumps still import) and not restored, since
 * it would announce something else under the new name.
 */
const globalLine = z.strictObject({
  type: z.literal("global"),
  source,
  clip_id: clipId,
  week,
  first_seen: time,
  title: text,
  author: text,
  cover: text,
  rank,
  points: z.number().int().min(1).optional(),
  regions: z
    .array(region)
    .min(1)
    .refine((rs) => rs.every((r, i) => i === 0 || rs[i - 1]! < r), "regions must be sorted and unique"),
});

const gapLine = z.strictObject({ type: z.literal("gap"), source, region, week, recorded_at: time });

const chartLine = chartSchema.extend({
  type: z.literal("chart"),
  region,
  week,
  fetchedAt: z.iso.datetime(),
  entries: z.array(z.record(z.string(), z.unknown())),
});

const lineSchema = z.discriminatedUnion("type", [publishedLine, globalLine, gapLine, chartLine]);

/** The fields our derivation adds: recomputed on import by the job's own code, never trusted. */
const DERIVED_FIELDS = new Set(["lastWeek", "peak", "weeksOnChart", "firstWeek", "movement", "change"]);

export function parseDumpLine(text: string): DumpLine | string {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return "not JSON";
  }
  const parsed = lineSchema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    return `${issue?.path.join(".") || "line"}: ${issue?.message ?? "not a dump line"}`;
  }
  const line = parsed.data;
  switch (line.type) {
    case "published": {
      const { type, ...row } = line;
      return { type, row };
    }
    case "global": {
      const { type, points, ...row } = line;
      return { type, row: points === undefined ? null : { ...row, points } };
    }
    case "gap": {
      const { type, ...row } = line;
      return { type, row };
    }
    case "chart":
      return chartOf(line);
  }
}

function chartOf(line: z.infer<typeof chartLine>): DumpLine | string {
  const raw = line.entries.map((entry) =>
    Object.fromEntries(Object.entries(entry).filter(([key]) => !DERIVED_FIELDS.has(key))),
  );
  const sounds = z.array(soundSchema).safeParse(raw);
  if (!sounds.success) return `entries: ${sounds.error.issues[0]?.message ?? "not sound records"}`;
  const assembled = assembleChart(line.region, [{ page: 1, total: sounds.data.length, rows: sounds.data }]);
  if (!assembled.ok) return `entries: ${assembled.reason}`;
  // The store keeps a chart's entries as one JSON value: over D1's limit it would throw mid-import.
  if (utf8Bytes(JSON.stringify(assembled.entries)) > D1_MAX_ROW_BYTES)
    return "entries: over D1's 2 MB per value (UTF-8 bytes)";
  return {
    type: "chart",
    snapshot: {
      region: line.region,
      week: line.week,
      fetchedAt: Date.parse(line.fetchedAt),
      source: line.source,
      entries: assembled.entries,
    },
  };
}
