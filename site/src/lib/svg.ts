/**
 * SVG path data for the chart pages' sparklines of the daily trend: every byte is repeated on a
 * 100-row page.
 */

function clamp(value: number, low: number, high: number): number {
  return Number.isFinite(value) ? Math.min(high, Math.max(low, value)) : low;
}

/** A sparkline's size in CSS pixels: site.css sizes `.chart svg` the same. */
export const SPARK_WIDTH = 60;
export const SPARK_HEIGHT = 18;

/**
 * A polyline through trend values (0–1, oldest first) across `width`, 1 at the top, in whole
 * units (a sparkline is drawn at 1:1, so finer steps are invisible) and relative moves (short:
 * this repeats on every row of a chart; a minus sign separates numbers as well as a space does).
 * Consecutive segments on one straight line are written as one: the same line, fewer bytes. The
 * stroke is inset by `pad` so a line at 0 or 1 is not clipped. Empty for no values; a single
 * value draws a flat line.
 */
export function sparklinePath(values: readonly number[], width: number, height: number, pad = 1): string {
  if (values.length === 0) return "";
  const series = values.length === 1 ? [values[0] ?? 0, values[0] ?? 0] : values;
  const step = width / (series.length - 1);
  const span = height - 2 * pad;
  const y = (value: number) => Math.round(pad + (1 - clamp(value, 0, 1)) * span);
  const parts: string[] = [];
  const write = (dx: number, dy: number) =>
    parts.push(`${parts.length > 0 && dx >= 0 ? " " : ""}${dx}${dy >= 0 ? " " : ""}${dy}`);
  const y0 = y(series[0] ?? 0);
  // The move being drawn, extended while the next one goes on in the same direction: no turn
  // (cross product 0) and not back (dot product > 0).
  let mx = 0;
  let my = 0;
  let px = 0;
  let py = y0;
  for (let i = 1; i < series.length; i++) {
    const x = Math.round(i * step);
    const yi = y(series[i] ?? 0);
    const dx = x - px;
    const dy = yi - py;
    if (i > 1 && mx * dy === my * dx && mx * dx + my * dy > 0) {
      mx += dx;
      my += dy;
    } else {
      if (i > 1) write(mx, my);
      mx = dx;
      my = dy;
    }
    px = x;
    py = yi;
  }
  write(mx, my);
  // Joined once: one flat string, not a rope of pieces (the index keeps it).
  return `M0 ${y0}l${parts.join("")}`;
}

// The rank chart of a sound's page is drawn by the Worker, which renders those pages: its geometry
// and path live there (worker/views/rank-chart.ts).
export { RANK_CHART, type RankChartGeometry, rankPath, rankPoint } from "@worker/views/rank-chart";
