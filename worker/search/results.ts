/** A page of search results, as the reader returns it and the page and the JSON show it (no bindings: the site imports it too). */
export interface SearchHit {
  clipId: string;
  title: string;
  author: string;
  regions: string[];
  bestRank: number;
  firstWeek: string;
  lastWeek: string;
}

export interface SearchResults {
  hits: SearchHit[];
  /** Sounds matched, at most MAX_CANDIDATES. */
  total: number;
  /** More sounds match than are ranked: the query should be narrower. */
  truncated: boolean;
  /** The index of this source is still being built from an older archive (worker/search/backfill.ts). */
  indexing: boolean;
}
