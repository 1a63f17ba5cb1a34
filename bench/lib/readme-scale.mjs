// The README's figures for a growing archive (bench/results/scale.json, `npm run bench:scale`) and
// for the quick start (bench/results/start.json, `npm run bench:start`): every number from the
// results, every verdict computed from the figure it names.

const MIB_GOAL_INCREMENTAL = 500;
const SECONDS_GOAL_INCREMENTAL = 15;
const SECONDS_GOAL_FULL_BIG = 180;
const MIB_GOAL_FULL_BIG = 1536;
const FILES_GOAL = 400;
const GROWTH_GOAL = 1.5;
const START_GOAL = 45;
const CRON_GOAL = 10;

const verdict = (met) => (met ? "met" : "**not met**");
const mb = (bytes) => (bytes / 1e6).toFixed(1);

function label(size, row) {
  if (size === "big") return `${(row.full.charts / 71 / 52.18).toFixed(1)} years (${row.full.charts} charts)`;
  return `${size} weeks (${row.full.charts} charts)`;
}

function buildsTable(scale) {
  const sizes = Object.entries(scale.sizes);
  const smallest = sizes[0]?.[1];
  const lines = [
    "| archive | full build | incremental build after one new week | charts it read | files the week changed (added) | load at start |",
    "|---|---|---|---|---|---|",
  ];
  for (const [size, row] of sizes) {
    const inc = row.oneWeek.incremental;
    const files = row.oneWeek.files;
    lines.push(
      `| ${label(size, row)} | ${row.full.wallSeconds} s, ${row.full.peakRssMiB} MiB | ${inc.wallSeconds} s, ${inc.peakRssMiB} MiB | ${inc.chartsRead} of ${inc.charts} | ${files.changed + files.added + files.removed} (${files.added}) | ${row.loadAtStart} |`,
    );
  }
  const goals = ["| goal | measured | verdict |", "|---|---|---|"];
  for (const [size, row] of sizes) {
    const inc = row.oneWeek.incremental;
    goals.push(
      `| ${label(size, row)}: incremental ≤ ${SECONDS_GOAL_INCREMENTAL} s and ≤ ${MIB_GOAL_INCREMENTAL} MB | ${inc.wallSeconds} s, ${inc.peakRssMiB} MiB | ${verdict(inc.wallSeconds <= SECONDS_GOAL_INCREMENTAL && inc.peakRssMiB <= MIB_GOAL_INCREMENTAL)} |`,
    );
    const files = row.oneWeek.files;
    const changed = files.changed + files.added + files.removed;
    goals.push(
      `| ${label(size, row)}: files changed by one week ≤ ${FILES_GOAL} | ${changed} | ${verdict(changed <= FILES_GOAL)} |`,
    );
  }
  const big = scale.sizes.big;
  if (big && smallest) {
    const ratio = big.oneWeek.incremental.wallSeconds / smallest.oneWeek.incremental.wallSeconds;
    goals.push(
      `| the biggest archive's incremental build ≤ ${GROWTH_GOAL} × the smallest's | ${ratio.toFixed(2)} × | ${verdict(ratio <= GROWTH_GOAL)} |`,
      `| full build of the biggest archive ≤ ${SECONDS_GOAL_FULL_BIG / 60} min and ≤ 1.5 GB | ${big.full.wallSeconds} s, ${big.full.peakRssMiB} MiB | ${verdict(big.full.wallSeconds <= SECONDS_GOAL_FULL_BIG && big.full.peakRssMiB <= MIB_GOAL_FULL_BIG)} |`,
    );
  }
  return [lines.join("\n"), goals.join("\n")].join("\n\n");
}

function yearTable(scale) {
  // The year pages' render time is shown where a run counted them (Astro's per-page times).
  const counted = Object.values(scale.sizes).some((row) => row.full.yearPagesRendered > 0);
  const lines = [
    `| archive | region's year: D1 queries, p50 | global year: D1 queries, p50 |${counted ? " year pages rendered: full build / after one week (Astro's render time) |" : ""}`,
    `|---|---|---|${counted ? "---|" : ""}`,
  ];
  const pages = (build) =>
    build.yearPagesRendered > 0
      ? `${build.yearPagesRendered} (${(build.yearPagesMs / 1000).toFixed(1)} s)`
      : "not counted";
  for (const [size, row] of Object.entries(scale.sizes)) {
    const r = row.yearApi.regionCurrent;
    const g = row.yearApi.globalCurrent;
    const cost = counted ? ` ${pages(row.full)} / ${pages(row.oneWeek.incremental)} |` : "";
    lines.push(`| ${label(size, row)} | ${r.queries}, ${r.p50Ms} ms | ${g.queries}, ${g.p50Ms} ms |${cost}`);
  }
  return lines.join("\n");
}

function searchTable(scale) {
  const lines = [
    "| archive | query | p50 (first / repeated) | Worker CPU per request (first) | D1 queries | search index in D1 |",
    "|---|---|---|---|---|---|",
  ];
  for (const [size, row] of Object.entries(scale.sizes)) {
    const results = row.search.results;
    const index = row.search.index;
    const indexBytes = typeof index?.indexBytes === "number" ? index.indexBytes : null;
    const perYear = indexBytes !== null ? indexBytes / (row.full.charts / 71 / 52.18) : null;
    for (const kind of ["common word", "rare word", "prefix"]) {
      const first = results[`${kind}, json, first`];
      const repeated = results[`${kind}, json, repeated`];
      if (!first) continue;
      lines.push(
        `| ${label(size, row)} | ${kind} | ${first.p50} / ${repeated?.p50 ?? "—"} ms | ${first.cpuMsPerRequest ?? "—"} ms | ${first.maxD1Queries} | ${kind === "common word" && indexBytes !== null ? `${mb(indexBytes)} MB for ${index.sounds} sounds (${mb(perYear)} MB a year of archive; the database ${mb(index.databaseBytes)} MB)` : ""} |`,
      );
    }
    const charts = Object.entries(results).find(([name]) => name.startsWith("/api/charts/"));
    if (charts)
      lines.push(
        `| ${label(size, row)} | \`${charts[0]}\` (beside) | ${charts[1].p50} ms | ${charts[1].cpuMsPerRequest ?? "—"} ms | ${charts[1].maxD1Queries} | |`,
      );
  }
  return lines.join("\n");
}

function startTable(start) {
  return [
    "| quick start (fresh clone) | measured | goal | verdict |",
    "|---|---|---|---|",
    `| \`npm ci\` | ${start.npmCiSeconds} s | | |`,
    `| \`npm start\` to \`Ready\` | ${start.npmStartToReadySeconds} s | ≤ ${START_GOAL} s | ${verdict(start.npmStartToReadySeconds <= START_GOAL)} |`,
    `| \`npm run cron:next\` until the new week is served | ${start.cronNextSeconds} s (its build ${start.cronNextBuildSeconds ?? "—"} s, ${start.cronNextFilesWritten ?? "—"} files written) | ≤ ${CRON_GOAL} s | ${verdict(start.cronNextSeconds <= CRON_GOAL)} |`,
  ].join("\n");
}

/** The Markdown, or "" when neither result exists. */
export function scaleMarkdown(scale, start) {
  const parts = [];
  if (scale) {
    parts.push(
      `**What a week costs as the archive grows** (\`npm run bench:scale\`, ${scale.date.slice(0, 10)}; \`bench/results/scale.json\`). The site built from the Worker's API under \`/usr/bin/time -v\`: a full build with no cache, then one more week through the job and an incremental build from the full build's cache (Astro's pages and the chart store); the files compared byte for byte:`,
      buildsTable(scale),
      "**Year-end charts** (the API, 10 requests each, the colo cache bypassed):",
      yearTable(scale),
      "**Search** (`bench/search.mjs`, the JSON form; CPU is the whole workerd process's, local D1 included):",
      searchTable(scale),
    );
  }
  if (start)
    parts.push(
      `**The quick start** (\`npm run bench:start\`, ${start.date.slice(0, 10)}, load ${start.loadAtStart} at the start):`,
      startTable(start),
    );
  return parts.join("\n\n");
}
