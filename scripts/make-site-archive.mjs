// Writes a synthetic full-scale SiteArchive (71 regions × 52 weeks × 100 entries by default) for
// measuring the site build (issue 10); never committed. Vite's module runner loads the TypeScript.
//
//   npx node scripts/make-site-archive.mjs /tmp/full-archive.json [regions] [weeks]
//   ARCHIVE_FILE=/tmp/full-archive.json /usr/bin/time -v npm run build
import { writeFile } from "node:fs/promises";
import { runnerImport } from "vite";

const [path, regions = "71", weeks = "52"] = process.argv.slice(2);
if (!path) throw new Error("usage: make-site-archive.mjs <output.json> [regions] [weeks]");
const { module } = await runnerImport("./test/site/fixture/full-scale.ts", { configFile: false, logLevel: "error" });
const started = performance.now();
const archive = module.fullScaleArchive({ regions: Number(regions), weeks: Number(weeks) });
const json = JSON.stringify(archive);
await writeFile(path, json);
const entries = archive.charts.reduce((n, chart) => n + chart.entries.length, 0);
const sounds = new Set(archive.charts.flatMap((chart) => chart.entries.map((entry) => entry.clip_id))).size;
console.log(
  `wrote ${path}: ${archive.charts.length} charts, ${entries} entries, ${sounds} distinct sounds, ` +
    `${(json.length / 1e6).toFixed(1)} MB, in ${Math.round(performance.now() - started)} ms`,
);
