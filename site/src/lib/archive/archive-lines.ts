/**
 * A SiteArchive as a file of JSON lines (ARCHIVE_FILE), the way `npm run export` speaks: a first
 * line `{"type":"archive", …}` with everything but the charts, then one `{"type":"chart", …}` line
 * per chart. Read a line at a time, so a full-scale archive (hundreds of MB) is never one string.
 */
import { createReadStream } from "node:fs";
import { createInterface } from "node:readline";
import type { SiteArchive } from "@worker/schemas/site-archive";

/** The file's lines for an archive (tests, benchmarks and scripts write archives with it). */
export function* archiveLines(archive: SiteArchive): Generator<string> {
  const { charts, ...envelope } = archive;
  yield `${JSON.stringify({ type: "archive", ...envelope })}\n`;
  for (const chart of charts) yield `${JSON.stringify({ type: "chart", ...chart })}\n`;
}

export class ArchiveLinesError extends Error {
  override name = "ArchiveLinesError";
}

/**
 * The archive in `path`, each chart replaced by what `each` makes of it (in file order). Empty
 * lines are skipped; anything else that is not a line of this format fails with its line number.
 */
export async function readArchiveLines(
  path: string,
  each: (chart: Record<string, unknown>, index: number) => unknown,
): Promise<Record<string, unknown>> {
  let envelope: Record<string, unknown> | undefined;
  const charts: unknown[] = [];
  let number = 0;
  const lines = createInterface({ input: createReadStream(path, "utf8"), crlfDelay: Number.POSITIVE_INFINITY });
  for await (const line of lines) {
    number++;
    if (!line.trim()) continue;
    const fail = (why: string) => new ArchiveLinesError(`${path}:${number}: ${why}`);
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch (error) {
      throw fail(`not JSON (${error instanceof Error ? error.message : String(error)})`);
    }
    if (value === null || typeof value !== "object" || Array.isArray(value)) throw fail("not an object");
    const { type, ...rest } = value as Record<string, unknown>;
    if (envelope === undefined) {
      if (type !== "archive") throw fail('the first line must be the archive ({"type":"archive", …})');
      envelope = rest;
    } else if (type === "chart") {
      charts.push(each(rest, charts.length));
    } else {
      throw fail(`a line of type ${JSON.stringify(type)}, expected "chart"`);
    }
  }
  if (envelope === undefined) throw new ArchiveLinesError(`${path}: empty, no archive line`);
  return { ...envelope, charts };
}
