/**
 * A table as a list of columns, each with its header and its cell together, so the two cannot
 * drift apart (a column added, moved or dropped moves both). Used by the site's chart, global and
 * year-end tables (site/src/lib/chart-rows.ts).
 */
import { type Html, html } from "./markup";

export interface Column<Row> {
  /** The header cell's content (inside `<th scope="col">`). */
  header: Html;
  /** The row's cell, its `td` or `th` tag included. */
  cell: (row: Row) => Html;
}

/** The header row, written in full (every attribute quoted, every end tag written). */
export function headerRow(columns: readonly Column<never>[]): string {
  return html`<tr>${columns.map((c) => html`<th scope="col">${c.header}</th>`)}</tr>`.value;
}

/** One row's cells, in the columns' order. */
export function cells<Row>(columns: readonly Column<Row>[], row: Row): Html[] {
  return columns.map((c) => c.cell(row));
}
