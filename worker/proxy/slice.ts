import type { Sound } from "../charts/sound";
import { UPSTREAM_PAGE_SIZE } from "./keys";
import type { Pagination } from "./stored-page";

/**
 * Serving any page/limit from full upstream pages of 20 (pure). A client window of at most 20
 * rows touches one or two full pages.
 */
export function fullPagesFor(page: number, limit: number): number[] {
  const first = Math.floor(((page - 1) * limit) / UPSTREAM_PAGE_SIZE) + 1;
  const last = Math.floor((page * limit - 1) / UPSTREAM_PAGE_SIZE) + 1;
  return first === last ? [first] : [first, last];
}

/** True when full page `fullPage` starts at or past a known total: nothing to ask for. */
export function isPastTotal(fullPage: number, total: number): boolean {
  return (fullPage - 1) * UPSTREAM_PAGE_SIZE >= total;
}

export interface FullPageRows {
  page: number;
  total: number;
  rows: Sound[];
}

/** The client's window over the full pages it touches, with pagination recomputed. */
export function sliceWindow(
  page: number,
  limit: number,
  fullPages: FullPageRows[],
): { pagination: Pagination; sound_list: Sound[] } {
  const offset = (page - 1) * limit;
  const total = Math.max(0, ...fullPages.map((p) => p.total));
  const rows: Sound[] = [];
  for (const full of [...fullPages].sort((a, b) => a.page - b.page)) {
    const start = (full.page - 1) * UPSTREAM_PAGE_SIZE;
    full.rows.forEach((row, i) => {
      const index = start + i;
      if (index >= offset && index < offset + limit) rows.push(row);
    });
  }
  return {
    pagination: { page, size: rows.length, total, has_more: offset + rows.length < total },
    sound_list: rows,
  };
}
