// Sections another part of the project builds, loaded only when their module exists, so the bench
// and its renderer for docs/performance.md run before and after they land.
//
// bench/sections/archive10y.mjs (the archive at ten years), run only by `--only archive10y`, may export:
//   archive10y(ctx, { rounds, seconds, log, tools })  → its result, stored as results.archive10y
//   archive10yGoals(result, row)                      → verdict rows: row(section, goal, measured, met)
//   archive10yMarkdown(result)                        → its part of docs/performance.md
import { existsSync } from "node:fs";

const ARCHIVE_10Y = new URL("../sections/archive10y.mjs", import.meta.url);

/** The ten-year archive section's module, or null while it does not exist. */
export async function loadArchive10y() {
  if (!existsSync(ARCHIVE_10Y)) return null;
  return import(ARCHIVE_10Y.href);
}
