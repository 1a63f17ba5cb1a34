// Writes a synthetic full-scale SiteArchive as JSON lines (the ARCHIVE_FILE format: 71 regions ×
// 52 weeks × 100 entries by default) for measuring the site build; never committed. The TypeScript
// is loaded as every script loads it (scripts/lib/typescript.mjs).
//
//   npm run site:archive -- /tmp/full-archive.jsonl [regions] [weeks]
//   ARCHIVE_FILE=/tmp/full-archive.jsonl /usr/bin/time -v npm run build
import { writeFile } from "node:fs/promises";
import { parseArgs } from "node:util";
import "./lib/typescript.mjs";

const {
  positionals: [path, regions = "71", weeks = "52"],
} = parseArgs({ allowPositionals: true });
if (!path) throw new Error("usage: make-site-archive.mjs <output.jsonl> [regions] [weeks]");
const module = await import("../test/site/fixture/full-scale.ts");
const lines = await import("../site/src/lib/archive/archive-lines.ts");
const started = performance.now();
const archive = module.fullScaleArchive({ regions: Number(regions), weeks: Number(weeks) });
const json = [...lines.archiveLines(archive)].join("");
await writeFile(path, json);
const entries = archive.charts.reduce((n, chart) => n + chart.entries.length, 0);
const sounds = new Set(archive.charts.flatMap((chart) => chart.entries.map((entry) => entry.clip_id))).size;
console.log(
  `wrote ${path}: ${archive.charts.length} charts, ${entries} entries, ${sounds} distinct sounds, ` +
    `${(json.length / 1e6).toFixed(1)} MB, in ${Math.round(performance.now() - started)} ms`,
);
