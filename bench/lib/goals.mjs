// Issue 10's goals, checked against the measured results: one row each, met or not, with the figure.

const row = (section, goal, measured, met) => ({ section, goal, measured, met });

function credits(c, rows) {
  for (const [key, label] of [
    ["workerStampede1s", "1,000 concurrent on a cold key, upstream 1 s → 1 request"],
    ["workerStampede8s", "1,000 concurrent on a cold key, upstream 8 s → 1 request"],
  ]) {
    const s = c[key];
    if (!s) continue;
    const ok = s.answers["200 MISS"] ?? 0;
    rows.push(
      row(
        "credits",
        label,
        `${s.upstreamRequests} request(s), ${ok}/1000 answered 200, ${s.wallSeconds} s wall (p50 ${s.p50Ms} ms)`,
        s.upstreamRequests === 1 && ok === 1000,
      ),
    );
  }
  for (const [key, label] of [
    ["workerKvOnlyStampede1s", "the Worker without the colo cache tier, upstream 1 s (comparison)"],
    ["nginxStampede1s", "nginx, same stampede, upstream 1 s (comparison)"],
    ["nginxStampede8s", "nginx, same stampede, upstream 8 s (comparison)"],
  ]) {
    const s = c[key];
    if (s)
      rows.push(
        row("credits", label, `${s.upstreamRequests} request(s), ${s.wallSeconds} s wall (p50 ${s.p50Ms} ms)`, null),
      );
  }
  if (c.zipf) {
    const z = c.zipf;
    rows.push(
      row(
        "credits",
        "10,000 Zipf requests, 120 charts, every page/limit → one request per full page needed, ≤ 5 per chart",
        `${z.upstreamRequests} requests vs ${z.minimumNeeded} needed (+${z.extraRequests}: ${z.pagesPastChartEnd} pages past a short chart's end), max ${z.maxPerChart} per chart, same page twice: ${z.samePageTwice}`,
        z.upstreamRequests <= z.minimumNeeded && z.maxPerChart <= 5,
      ),
    );
  }
  if (c.staleBurst) {
    const s = c.staleBurst;
    rows.push(
      row(
        "credits",
        "burst of 1,000 right after a key turns stale → 1 refresh, every client served the stale copy",
        `${s.refreshes} refresh(es), ${s.servedStale}/1000 STALE, ${s.wallSeconds} s wall`,
        s.refreshes === 1 && s.servedStale === 1000,
      ),
    );
  }
  if (c.invalid) {
    const v = c.invalid;
    rows.push(
      row(
        "credits",
        "10,000 invalid / cache-busting / spelling variants → 0 for invalid, 1 per real key",
        `${v.upstreamRequests} requests for ${v.realKeys} real keys; ${v.invalidAnswered400}/${v.invalidRequests} invalid answered 400, ${v.variantsAnswered200}/${v.variantRequests} variants 200`,
        v.upstreamRequests === v.realKeys && v.invalidAnswered400 === v.invalidRequests && v.unexpectedAtFake === 0,
      ),
    );
  }
  if (c.job) {
    const j = c.job;
    rows.push(
      row(
        "credits",
        "weekly job twice, 71 regions → 355 requests, then 0",
        `${j.first.upstreamRequests} (${j.first.seconds} s), then ${j.second.upstreamRequests}; ${j.regionsStored}/71 regions stored`,
        j.first.upstreamRequests === 355 && j.second.upstreamRequests === 0 && j.regionsStored === 71,
      ),
    );
  }
}

function outage(o, rows) {
  rows.push(
    row(
      "credits",
      "whole-window outage (49 failing runs) → ≤ 10 % of the 1,420-credit reserve",
      `${o.outage.upstreamRequests} requests = ${o.outage.credits} credits = ${o.outage.percentOfReserve} % (harness clock); recovery run: ${o.recovery.recoveryRunRequests} requests, ${o.recovery.regionsStored}/71 stored`,
      o.outage.percentOfReserve <= 10,
    ),
  );
}

function hit(h, rows) {
  for (const connections of ["16", "64"]) {
    const s = h.summary[connections];
    if (!s) continue;
    const w = s.targets.worker;
    const r = s.ratios;
    rows.push(
      row(
        "hit path",
        `${connections} conns: Worker hit throughput ≥ 0.5 × trivial Worker`,
        `${w.rps} vs ${s.targets.trivial?.rps} req/s = ${r.workerOverTrivialRps.median}× (rounds ${r.workerOverTrivialRps.min}–${r.workerOverTrivialRps.max})`,
        r.workerOverTrivialRps.median >= 0.5,
      ),
    );
    if (s.targets.nginx) {
      rows.push(
        row(
          "hit path",
          `${connections} conns: Worker p99 ≤ 3 × nginx p99`,
          `${w.p99Ms} vs ${s.targets.nginx.p99Ms} ms = ${r.workerP99OverNginxP99.median}×; throughput Worker ÷ nginx = ${r.workerOverNginxRps.median}`,
          r.workerP99OverNginxP99.median <= 3,
        ),
      );
    }
    rows.push(
      row(
        "hit path",
        `${connections} conns: 304 throughput ≥ hit throughput`,
        `${s.targets["worker-304"]?.rps} vs ${w.rps} req/s = ${r.notModifiedOverHitRps.median}×`,
        r.notModifiedOverHitRps.median >= 1,
      ),
    );
  }
  const errors = h.runs.reduce((sum, run) => sum + run.errors, 0);
  rows.push(
    row("hit path", "0 errors (every run, every target)", `${errors} errors in ${h.runs.length} runs`, errors === 0),
  );
  const at16 = h.summary["16"];
  const cpu = at16?.targets.worker.cpuUsPerRequest;
  const own = at16?.workerCpuUsPerHitWithoutLocalCacheApi;
  rows.push(
    row(
      "hit path",
      "≤ 1 ms CPU per hit (16 conns)",
      `${cpu} µs/hit for the whole workerd process; ≈ ${own} µs without the local Cache API read (${at16?.targets["trivial-cache"]?.cpuUsPerRequest} − ${at16?.targets.trivial?.cpuUsPerRequest} µs)`,
      own !== null && own !== undefined ? own <= 1000 : cpu <= 1000,
    ),
  );
  const kv = h.summary["16"]?.ratios.kvOnlyOverColoRps.median;
  rows.push(row("hit path", "with vs without the colo Cache API tier (16 conns)", `KV only ÷ colo = ${kv}×`, null));
}

function site(s, rows) {
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
        "incremental build after one new week (DESIGN.md: ≤ 500 MB)",
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
}

export function evaluate(results) {
  const rows = [];
  if (results.credits) credits(results.credits, rows);
  if (results.outage) outage(results.outage, rows);
  if (results.hitPath) hit(results.hitPath, rows);
  if (results.site) site(results.site, rows);
  return rows;
}

/** A plain-text table for the terminal. */
export function table(rows) {
  const mark = (met) => (met === null ? "info" : met ? "met" : "NOT MET");
  const goalWidth = Math.min(70, Math.max(...rows.map((r) => r.goal.length)));
  const lines = [];
  let section = null;
  for (const r of rows) {
    if (r.section !== section) {
      section = r.section;
      lines.push("", `== ${section}`);
    }
    lines.push(`${mark(r.met).padEnd(8)}${r.goal.padEnd(goalWidth)}  ${r.measured}`);
  }
  return lines.join("\n");
}
