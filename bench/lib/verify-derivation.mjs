// A skeptic's check of a seeded archive: every chart of a dump (`npm run export` JSON lines, in
// region, week order) derived again from its ranks alone by the product's pure deriveHistory, and
// compared field by field with what the Worker stored (last week, peak, weeks on chart, first
// week, movement, change). The store derives a week at a time from bounded reads; this derives
// each region's whole history at once: they must agree.
import "./ts-imports.mjs";
import { createReadStream } from "node:fs";
import { createInterface } from "node:readline";

const { deriveHistory } = await import("../../worker/charts/derive.ts");

const FIELDS = ["lastWeek", "peak", "weeksOnChart", "firstWeek", "movement", "change"];

/** { charts, entries, mismatches, examples (the first few) } */
export async function verifyDerivation(file) {
  const result = { charts: 0, entries: 0, mismatches: 0, examples: [] };
  let region = null;
  let charts = [];
  const check = () => {
    const history = deriveHistory(
      charts.map((c) => ({ week: c.week, entries: c.entries.map((e) => ({ clip_id: e.clip_id, rank: e.rank })) })),
    );
    for (const chart of charts) {
      const derived = history.get(chart.week);
      for (const entry of chart.entries) {
        result.entries++;
        const expected = derived?.get(entry.clip_id);
        const wrong = FIELDS.filter((f) => (expected?.[f] ?? null) !== (entry[f] ?? null));
        if (wrong.length === 0) continue;
        result.mismatches++;
        if (result.examples.length < 5)
          result.examples.push({ region: chart.region, week: chart.week, clip_id: entry.clip_id, fields: wrong });
      }
    }
    charts = [];
  };
  for await (const line of createInterface({ input: createReadStream(file) })) {
    if (!line.startsWith('{"type":"chart"')) continue;
    const chart = JSON.parse(line);
    // One source only (the seeded archive's): a region's charts are consecutive in a dump.
    if (chart.region !== region && charts.length > 0) check();
    region = chart.region;
    charts.push({ region: chart.region, week: chart.week, entries: chart.entries });
    result.charts++;
  }
  if (charts.length > 0) check();
  return result;
}
