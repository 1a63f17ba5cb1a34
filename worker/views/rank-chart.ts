/**
 * The rank-over-time chart of a sound's page, as inline SVG: geometry, path data and markup.
 * Numbers keep one decimal: the chart is drawn a few hundred pixels wide at most.
 */
import { type Html, html } from "./markup";
import { plural } from "./text";

export interface RankChartGeometry {
  width: number;
  height: number;
  /** The worst rank on the axis: a chart is the top 100. */
  maxRank: number;
  pad: number;
  /** Room on the left for the rank labels. */
  gutter: number;
}

export const RANK_CHART: RankChartGeometry = { width: 320, height: 120, maxRank: 100, pad: 6, gutter: 34 };

function num(value: number): string {
  const rounded = Math.round(value * 10) / 10;
  return Object.is(rounded, -0) ? "0" : String(rounded);
}

function clamp(value: number, low: number, high: number): number {
  return Number.isFinite(value) ? Math.min(high, Math.max(low, value)) : low;
}

/** The x of slot `i` of `count` and the y of a rank (1 at the top). */
export function rankPoint(i: number, count: number, rank: number, g: RankChartGeometry = RANK_CHART) {
  const plot = g.width - g.gutter - g.pad;
  const x = count <= 1 ? g.gutter + plot / 2 : g.gutter + (i * plot) / (count - 1);
  const y = g.pad + ((clamp(rank, 1, g.maxRank) - 1) * (g.height - 2 * g.pad)) / (g.maxRank - 1);
  return { x, y };
}

/**
 * One subpath per run of consecutive charted weeks; a week off the chart (null) breaks the line.
 * A run of one week is a zero-length subpath (`h0`), which a round line cap draws as a dot.
 */
export function rankPath(ranks: readonly (number | null)[], g: RankChartGeometry = RANK_CHART): string {
  let path = "";
  let inRun = false;
  ranks.forEach((rank, i) => {
    if (rank === null) {
      inRun = false;
      return;
    }
    const { x, y } = rankPoint(i, ranks.length, rank, g);
    const next = ranks[i + 1];
    const startsAlone = !inRun && (next === undefined || next === null);
    path += `${inRun ? "L" : "M"}${num(x)} ${num(y)}${startsAlone ? "h0" : ""}`;
    inRun = true;
  });
  return path;
}

export interface RankSeries {
  /** Weeks oldest first, each with its rank or null (off the chart, or no chart that week). */
  series: readonly { week: string; rank: number | null }[];
  peak: number;
  weeksCharted: number;
}

/** The chart as an image with a text alternative that says what it shows (site.css styles `.rank-chart`). */
export function rankChart({ series, peak, weeksCharted }: RankSeries, regionName: string): Html {
  const { width, height, pad, gutter, maxRank } = RANK_CHART;
  const first = series[0]?.week ?? "";
  const last = series.at(-1)?.week ?? "";
  const label = `Rank over time in ${regionName}, ${first} to ${last}: peak #${peak}, ${plural(weeksCharted, "week")} on the chart.`;
  const top = num(rankPoint(0, 1, 1).y);
  const bottom = num(rankPoint(0, 1, maxRank).y);
  const path = rankPath(series.map((point) => point.rank));
  return html`<svg class="rank-chart" viewBox="0 0 ${width} ${height + 14}" role="img" aria-label="${label}">
<path class="axis" d="M${gutter} ${top}H${width - pad}M${gutter} ${bottom}H${width - pad}"></path>
<text x="${gutter - 4}" y="${num(Number(top) + 3)}" text-anchor="end">#1</text>
<text x="${gutter - 4}" y="${num(Number(bottom) + 3)}" text-anchor="end">#${maxRank}</text>
<text x="${gutter}" y="${height + 12}">${first}</text>
<text x="${width - pad}" y="${height + 12}" text-anchor="end">${last}</text>
<path class="line" d="${path}"></path>
</svg>`;
}
