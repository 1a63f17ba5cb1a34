// The site at full scale: its build (time, memory, upstream requests, page size, file count) and
// the archive API under load. Each verdict reads the figure its goal names.

/** @param {any} s results.site  @param {(section: string, goal: string, measured: string, met: boolean | null) => any} row */
export function siteGoals(s, row) {
  const rows = [];
  const b = s.build;
  const phases = b.phases?.archiveReadSeconds
    ? `; reading the archive ${b.phases.archiveReadSeconds} s, rendering ${b.phases.renderSeconds} s`
    : "";
  rows.push(
    row(
      "site",
      "site build ≤ 15 s",
      `${b.wallSeconds} s (${b.pages} pages: ${b.chartPages} chart, ${b.soundPages} sound; ${b.files} files, ${b.totalMB} MB${phases})`,
      b.wallSeconds <= 15,
    ),
  );
  if (b.peakRssMiB !== null)
    rows.push(
      row(
        "site",
        "site build ≤ 1 GB (1,024 MiB) peak memory",
        `${b.peakRssMiB} MiB (the largest process of the build, ru_maxrss)`,
        b.peakRssMiB <= 1024,
      ),
    );
  rows.push(row("site", "site build → 0 upstream requests", `${b.upstreamRequests}`, b.upstreamRequests === 0));
  const inc = s.incremental;
  if (inc) {
    const ch = inc.afterOneWeek;
    rows.push(
      row(
        "site",
        "incremental build after one new week (≤ 500 MB)",
        `${inc.wallSeconds} s, ${inc.peakRssMiB ?? "—"} MiB peak; ${inc.restoredFromCache} pages restored from the cache; ` +
          `${ch.changed} files changed, ${ch.added} added, ${ch.removed} removed, ${ch.unchanged} byte-identical`,
        inc.peakRssMiB === null ? null : inc.peakRssMiB <= 500,
      ),
    );
  }
  const p = b.largestChartPage;
  if (p) {
    rows.push(
      row(
        "site",
        "100-row chart page ≤ 60 KB raw, ≤ 15 KB gzipped",
        `largest (${p.path}, ${p.rows} rows): ${p.rawKB} KB raw, ${p.gzipKB} KB gzip, ${p.brotliKB} KB brotli`,
        p.rawKB <= 60 && p.gzipKB <= 15,
      ),
    );
  }
  rows.push(
    row(
      "site",
      "files within the Paid plan's 100,000 for 10 years",
      `${b.filesPerWeek} files per week + ${b.filesNotPerWeek} others → ${b.yearsWithinPaidPlanFiles} years fit`,
      b.yearsWithinPaidPlanFiles >= 10,
    ),
  );
  const c = s.api.chart;
  for (const run of c.runs)
    rows.push(
      row(
        "site",
        `${c.url}, ${run.connections} conns (${c.d1QueriesPerRequest} D1 queries/request)`,
        `${run.rps} req/s, p50 ${run.p50Ms} ms, p99 ${run.p99Ms} ms, ${run.errors} errors`,
        null,
      ),
    );
  const e = s.api.export;
  rows.push(
    row(
      "site",
      "export of the full-scale archive (bounded D1 work per request)",
      `${e.lines} charts (JSON lines), ${e.megabytes} MB in ${e.requests} requests, ${e.seconds} s; max ${e.maxD1QueriesPerRequest} D1 queries/request`,
      null,
    ),
  );
  const sp = s.api.siteProjection;
  if (sp)
    rows.push(
      row(
        "site",
        "the build's read of the archive alone (/api/site/charts, paged)",
        `${sp.megabytes} MB in ${sp.requests} requests, ${sp.seconds} s; max ${sp.maxD1QueriesPerRequest} D1 queries/request`,
        null,
      ),
    );
  return rows;
}
