// The "archive at ten years" part of docs/performance.md (issue 18) from the figures of
// `npm run bench -- --only archive10y` (the section exports it as `archive10yMarkdown`): the
// section's result, or latest.json's whole results, else bench/results/archive10y.json (the
// section always writes that file).
import { existsSync, readFileSync } from "node:fs";

const FILE = "bench/results/archive10y.json";
const mb = (bytes) => (bytes / 1e6).toLocaleString("en", { maximumFractionDigits: 1 });
const n = (x) => x.toLocaleString("en");

function paging(label, p) {
  if (!p) return `| ${label} | not measured in this run | | | | | | |`;
  const t = p.msPerRequest;
  const time = t
    ? `${t.median} / ${t.p99} / ${t.max} (first tenth ${p.firstTenthMedianMs}, last ${p.lastTenthMedianMs})`
    : "—";
  const rows = p.rowsRead
    ? `${n(p.rowsRead.maxPerRequest)} (${Math.round(p.rowsRead.maxPerLine)} a line)`
    : "not reported";
  return `| ${label} | ${n(p.requests)} | ${n(p.lines)} | ${p.megabytes.toLocaleString("en")} MB (${p.kilobytesPerRequest} KB a request, largest ${p.maxKilobytesPerRequest} KB) | ${p.maxQueriesPerRequest} / ${n(p.totalQueries)} | ${time} | ${rows} | ${p.seconds} |`;
}

/** Markdown for docs/performance.md; an empty string when no run has written the figures yet. */
export function renderArchive10y(results) {
  const r =
    results?.archive10y ?? (results?.d1 ? results : existsSync(FILE) ? JSON.parse(readFileSync(FILE, "utf8")) : null);
  if (!r) return "";
  const years = (r.weeksSeeded / 52.18).toFixed(1);
  const size = r.complete
    ? `${r.weeksSeeded} weeks`
    : `${r.weeksSeeded} of ${r.weeks} weeks (the rest not seeded yet: per-year figures extrapolated from these)`;
  const m = r.seedingMethods;
  const d = r.d1;
  const tables = Object.entries(d.tables)
    .slice(0, 5)
    .map(([name, bytes]) => `${name} ${mb(bytes)} MB`)
    .join(", ");
  return [
    `**The archive at ten years** (\`npm run bench -- --only archive10y\`, ${r.date.slice(0, 10)}): ${size} × 71 regions = ${n(r.charts)} charts (${years} years), stored by the snapshot job on the demo source (${r.seed.chartsPerSecond} charts/s${r.seed.reused ? ", reused from bench/.cache/" : ""}). At ${m.weeks} weeks on fresh states the job stored ${m.job.chartsPerSecond} charts/s and the admin import ${m.import.chartsPerSecond}/s, but an import publishes nothing (${n(m.import.publishedItems)} feed items against the job's ${n(m.job.publishedItems)}), so the job seeds.`,
    "",
    r.derivation
      ? `Derived history checked: ${n(r.derivation.entries)} entries of ${n(r.derivation.charts)} charts derived again from their ranks alone (\`deriveHistory\`), ${n(r.derivation.mismatches)} differ from what the Worker stored.`
      : "Derived history: not checked in this run.",
    "",
    "| paged to the end | requests | lines | bytes | D1 queries: most per request / total | ms a request: median / p99 / max | D1 rows read: most per request | seconds |",
    "|---|---:|---:|---:|---:|---:|---:|---:|",
    paging("`GET /api/export`", r.export),
    paging("admin dump (`npm run export`)", r.dump),
    "",
    `D1 database: ${mb(d.bytes)} MB (${n(d.bytesPerChart)} bytes a chart; ${tables}) = **${mb(d.bytesPerYear)} MB per year of archive**: D1's 10 GB hold **${d.yearsIn10GB} years**${d.extrapolated ? " (extrapolated)" : ""}.`,
    ...(r.projected
      ? [
          "",
          `Scaled linearly to ${r.projected.weeks} weeks (${n(r.projected.charts)} charts, not measured): export ≈ ${n(r.projected.export.requests)} requests, ${n(r.projected.export.megabytes)} MB, ${n(r.projected.export.seconds)} s; dump ≈ ${r.projected.dump ? `${n(r.projected.dump.requests)} requests, ${n(r.projected.dump.megabytes)} MB, ${n(r.projected.dump.seconds)} s` : "—"}; D1 ≈ ${mb(r.projected.d1Bytes)} MB.`,
        ]
      : []),
  ].join("\n");
}
