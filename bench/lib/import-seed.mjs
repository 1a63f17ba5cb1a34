// The other way to seed a big archive, measured against the snapshot job at small size
// (bench/sections/archive10y.mjs): each week's charts made in Node by the demo source's own code
// (as the job would fetch them at that week's scheduled time), restored through the admin import
// (`POST /api/admin/archive`, 18 charts a request, the job's validation and derivation) with its
// derive follow-up. A restore never publishes: the feeds' log stays empty, which is why
// ten-years.mjs seeds through the job.
import "./ts-imports.mjs";
import { seedTimes } from "../../scripts/lib/seed.mjs";

const { demoTop100 } = await import("../../test/fixtures/demo-chart.ts");
const { REGIONS } = await import("../../worker/charts/regions.ts");
const { isoWeekOf, previousWeek } = await import("../../worker/charts/iso-week.ts");

const CHARTS_PER_REQUEST = 18; // MAX_CHARTS_PER_IMPORT (worker/routes/admin.ts), as scripts/archive-transfer.mjs

async function post(url, token, body) {
  const response = await fetch(url, {
    method: "POST",
    headers: { Authorization: `Bearer ${token}`, "Content-Type": "application/x-ndjson" },
    body,
  });
  if (!response.ok) throw new Error(`${url}: HTTP ${response.status} ${await response.text()}`);
  return response.json();
}

/** Imports `weeks` weeks (ending before `now`) of all 71 regions: { charts, requests, seconds }. */
export async function importSeed(baseUrl, token, { weeks, now }) {
  const started = performance.now();
  let charts = 0;
  let requests = 0;
  for (const time of seedTimes(now, weeks)) {
    const week = previousWeek(isoWeekOf(time));
    const lines = REGIONS.map((region) =>
      JSON.stringify({
        type: "chart",
        region,
        week,
        fetchedAt: new Date(time).toISOString(),
        source: "demo",
        entries: demoTop100(region, time),
      }),
    );
    for (let i = 0; i < lines.length; i += CHARTS_PER_REQUEST) {
      const result = await post(
        `${baseUrl}/api/admin/archive`,
        token,
        lines.slice(i, i + CHARTS_PER_REQUEST).join("\n"),
      );
      charts += result.charts.stored;
      requests++;
    }
  }
  for (;;) {
    requests++;
    if ((await post(`${baseUrl}/api/admin/archive/derive`, token, "")).pending === 0) break;
  }
  return { charts, requests, seconds: +((performance.now() - started) / 1000).toFixed(1) };
}
