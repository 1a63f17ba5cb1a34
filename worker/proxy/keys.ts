import type { DataSource } from "../config";
import { sha256Hex } from "../hash";

/** The upstream's page size maximum: the proxy only ever asks for full pages of this size. */
export const UPSTREAM_PAGE_SIZE = 20;

/** One question to the upstream, every parameter explicit (the gate never sends defaults implicitly). */
export interface UpstreamQuery {
  region: string;
  period: 7 | 30 | 120;
  page: number;
  limit: number;
  newToTop100: boolean;
  commercialMusic: boolean;
  /** null = no search (sent upstream as the string `FALSE`). */
  searchKeyword: string | null;
}

/**
 * The one key builder. A chart is the question without page/limit; the proxy only ever stores
 * full upstream pages of it. Keys are versioned and carry the data source, so demo data can never
 * be served as real data, even after switching.
 */
export interface ChartQuery {
  region: string;
  period: 7 | 30 | 120;
  newToTop100: boolean;
  commercialMusic: boolean;
  searchKeyword: string | null;
}

/** Canonical text of a chart question: defaults explicit, names sorted, values normalised. */
export function canonicalChart(chart: ChartQuery): string {
  const params: [string, string][] = [
    ["commercial_music", String(chart.commercialMusic)],
    ["new_to_top_100", String(chart.newToTop100)],
    ["period", String(chart.period)],
    ["region", chart.region.toUpperCase()],
    ["search_keyword", chart.searchKeyword ?? "FALSE"],
  ];
  return new URLSearchParams(params).toString();
}

/** The upstream question for full page `page` of a chart. */
export function upstreamQueryFor(chart: ChartQuery, page: number): UpstreamQuery {
  return { ...chart, page, limit: UPSTREAM_PAGE_SIZE };
}

export function isUnfiltered(chart: ChartQuery): boolean {
  return !chart.newToTop100 && !chart.commercialMusic && chart.searchKeyword === null;
}

const KEY_VERSION = "v1";

/**
 * KV keys are limited to 512 bytes (developers.cloudflare.com/kv/platform/limits): a 50-character
 * keyword could pass that in UTF-8 escapes, so the question is hashed.
 */
export async function answerKey(source: DataSource, chart: ChartQuery, page: number): Promise<string> {
  const text = `${canonicalChart(chart)}&page=${page}&limit=${UPSTREAM_PAGE_SIZE}`;
  return `answer:${KEY_VERSION}:${source}:${await sha256Hex(text)}`;
}
