// The figures of docs/performance.md for a growing archive (bench/results/scale.json, `npm run bench:scale`) and
// for the quick start (bench/results/start.json, `npm run bench:start`): every number from the
// results, every verdict computed from the figure it names.

const SECONDS_GOAL_INCREMENTAL = 15;
const SECONDS_GOAL_FULL_BIG = 180;
const MIB_GOAL_FULL_BIG = 1536;
/** The biggest archive's incremental build against the smallest's: time, and peak memory. */
const GROWTH_GOAL = 1.5;
const MEMORY_GROWTH_GOAL = 1.2;
/** Files a week writes: the same at every size (the largest count at most this × the smallest). */
const FILES_GROWTH_GOAL = 1.1;
const START_GOAL = 30;
const CRON_GOAL = 5;

const verdict = (met) => (met ? "met" : "**not met**");
const mb = (bytes) => (bytes / 1e6).toFixed(1);

function label(size, row) {
  if (size === "big") return `${(row.full.charts / 71 / 52.18).toFixed(1)} years (${row.full.charts} charts)`;
  return `${size} weeks (${row.full.charts} charts)`;
}

/** Files one week's build wrote (new or rewritten) and removed in the kept output folder. */
const filesOf = (row) => row.oneWeek.files.written + row.oneWeek.files.removed;

function buildsTable(scale) {
  const sizes = Object.entries(scale.sizes);
  const smallest = sizes[0]?.[1];
  const lines = [
    "| archive | full build | incremental build after one new week | charts it read | files the week wrote (new), removed | load at start |",
    "|---|---|---|---|---|---|",
  ];
  for (const [size, row] of sizes) {
    const inc = row.oneWeek.incremental;
    const files = row.oneWeek.files;
    lines.push(
      `| ${label(size, row)} | ${row.full.wallSeconds} s, ${row.full.peakRssMiB} MiB | ${inc.wallSeconds} s, ${inc.peakRssMiB} MiB | ${inc.chartsRead} of ${inc.charts} | ${files.written} (${files.added}), ${files.removed} | ${row.loadAtStart} |`,
    );
  }
  const goals = ["| goal | measured | verdict |", "|---|---|---|"];
  const big = scale.sizes.big;
  if (big && smallest) {
    const inc = big.oneWeek.incremental;
    const small = smallest.oneWeek.incremental;
    const ratio = inc.wallSeconds / small.wallSeconds;
    const memory = inc.peakRssMiB / small.peakRssMiB;
    const files = sizes.map(([, row]) => filesOf(row));
    const spread = Math.max(...files) / Math.min(...files);
    goals.push(
      `| the biggest archive's incremental build ≤ ${SECONDS_GOAL_INCREMENTAL} s and ≤ ${GROWTH_GOAL} × the smallest's | ${inc.wallSeconds} s, ${ratio.toFixed(2)} × | ${verdict(inc.wallSeconds <= SECONDS_GOAL_INCREMENTAL && ratio <= GROWTH_GOAL)} |`,
      `| its peak memory ≤ ${MEMORY_GROWTH_GOAL} × the smallest's | ${inc.peakRssMiB} MiB, ${memory.toFixed(2)} × | ${verdict(memory <= MEMORY_GROWTH_GOAL)} |`,
      `| full build of the biggest archive ≤ ${SECONDS_GOAL_FULL_BIG / 60} min and ≤ ${MIB_GOAL_FULL_BIG} MiB | ${big.full.wallSeconds} s, ${big.full.peakRssMiB} MiB | ${verdict(big.full.wallSeconds <= SECONDS_GOAL_FULL_BIG && big.full.peakRssMiB <= MIB_GOAL_FULL_BIG)} |`,
      `| files written by one week: the same at every size (largest ≤ ${FILES_GROWTH_GOAL} × smallest) | ${files.join(", ")} | ${verdict(spread <= FILES_GROWTH_GOAL)} |`,
    );
  }
  return [lines.join("\n"), goals.join("\n")].join("\n\n");
}

function yearTable(scale) {
  const lines = ["| archive | region's year: D1 queries, p50 | global year: D1 queries, p50 |", "|---|---|---|"];
  for (const [size, row] of Object.entries(scale.sizes)) {
    const r = row.yearApi.regionCurrent;
    const g = row.yearApi.globalCurrent;
    lines.push(`| ${label(size, row)} | ${r.queries}, ${r.p50Ms} ms | ${g.queries}, ${g.p50Ms} ms |`);
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
      `**What a week costs as the archive grows** (\`npm run bench:scale\`, ${scale.date.slice(0, 10)}; \`bench/results/scale.json\`). The site built from the Worker's API under \`/usr/bin/time -v\`, as \`npm start\` and the deploy build it (\`--silent\`, the heap cap of \`scripts/lib/site-build.mjs\`): a full build with no cache, then one more week through the job and an incremental build into the full build's output folder with its cache (Astro's manifest and the chart store); files written are those whose time moved:`,
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
