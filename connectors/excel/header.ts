import { normaliseHeader } from '../csv/csv.ts';
import type { CellText } from './cell-value.ts';
import type { MergeRange } from './merges.ts';

/** How many rows from the top header auto-detection looks at. */
export const HEADER_SCAN_ROWS = 20;

/** A header candidate needs at least this share of the non-empty cells of the widest of the first rows. */
export const HEADER_MIN_SHARE = 0.6;

/** A sheet row with its cells converted, 0-based columns. */
export interface TextRow {
  readonly number: number;
  readonly cells: readonly CellText[];
}

/** The header found: the Excel rows it spans, the column names and notes on renamings. */
export interface Header {
  /** 1-based Excel row numbers of the header (two for a two-row header under merged parents). */
  readonly rows: readonly number[];
  readonly columns: readonly string[];
  readonly notes: readonly string[];
}

/**
 * Auto-detects the header row. Departments put a title row (often one merged cell across the table, e.g.
 * "2026年户籍人口登记表") and notes rows ("填报单位：…") above it, so: among the first 20 rows, the first
 * one whose non-empty cell count is ≥ 60% of the widest of those rows and whose non-empty cells are all
 * text (no numbers, dates or booleans — those mark a data row). A title or notes row fills one or two
 * cells and fails the width test; a sheet that starts with data fails the all-text test.
 */
export function detectHeaderRow(rows: readonly TextRow[]): TextRow | undefined {
  const scanned = rows.slice(0, HEADER_SCAN_ROWS);
  const widest = Math.max(0, ...scanned.map(filledCount));
  if (widest === 0) return undefined;
  return scanned.find((row) => {
    const filled = filledCount(row);
    return (
      filled > 0 &&
      filled >= HEADER_MIN_SHARE * widest &&
      row.cells.every((c) => c.kind === 'empty' || c.kind === 'string')
    );
  });
}

/** True when the header row has gaps within the table's width: merged header cells may explain them. */
export function headerHasGaps(header: TextRow, rows: readonly TextRow[]): boolean {
  const width = Math.max(...rows.map(lastFilled), lastFilled(header));
  return header.cells.slice(0, width).some((c) => c.kind === 'empty') || header.cells.length < width;
}

/**
 * Names the columns from the header row and, when known, the sheet's merged ranges: a header cell merged
 * across columns names each of them (`联系方式`, `联系方式_2`); when the row below fills such a merged span
 * with text only (户籍地址 over 省 / 市 / 县), it is a second header row and the names join parent and
 * child (`户籍地址_省`). Blank and duplicate names are fixed as in CSV (`column_N`, `_2`).
 */
export function buildHeader(
  header: TextRow,
  next: TextRow | undefined,
  merges: readonly MergeRange[],
): Header {
  const h = header.number;
  const spans = merges.filter((m) => m.top === h && m.right > m.left);
  const text = (row: TextRow | undefined, col: number): string => row?.cells[col - 1]?.text?.trim() ?? '';
  let width = lastFilled(header);
  for (const m of spans) width = Math.max(width, m.right);

  const spanOf = (col: number) => spans.find((m) => col >= m.left && col <= m.right);
  const nextFilled = next ? next.cells.flatMap((c, i) => (c.kind === 'empty' ? [] : [i + 1])) : [];
  const twoRows =
    next !== undefined &&
    next.number === h + 1 &&
    spans.some((m) => m.bottom === h) &&
    nextFilled.length > 0 &&
    next.cells.every((c) => c.kind === 'empty' || c.kind === 'string') &&
    nextFilled.every((col) => spanOf(col)?.bottom === h);

  const fields: string[] = [];
  for (let col = 1; col <= width; col++) {
    const span = spanOf(col);
    if (span === undefined) {
      fields.push(text(header, col));
      continue;
    }
    const parent = text(header, span.left);
    const child = twoRows ? text(next, col) : '';
    if (child !== '') fields.push(parent === '' ? child : `${parent}_${child}`);
    else fields.push(col === span.left || parent === '' ? parent : `${parent}_${col - span.left + 1}`);
  }
  const { columns, notes } = normaliseHeader(fields);
  return { rows: twoRows ? [h, h + 1] : [h], columns, notes };
}

function filledCount(row: TextRow): number {
  return row.cells.reduce((n, c) => (c.kind === 'empty' ? n : n + 1), 0);
}

/** 1-based column of the last non-empty cell (0 for an empty row). */
export function lastFilled(row: TextRow): number {
  for (let i = row.cells.length - 1; i >= 0; i--) if (row.cells[i]?.kind !== 'empty') return i + 1;
  return 0;
}
