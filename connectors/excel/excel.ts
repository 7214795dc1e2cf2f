import { basename } from 'node:path';
import { SourceError } from '../errors.ts';
import { fromBaseDir } from '../file-source.ts';
import type {
  CheckResult,
  Connector,
  ConnectorDescription,
  ExtractContext,
  ExtractedBatch,
  SourceColumnType,
} from '../types.ts';
import { type CellText, cellText } from './cell-value.ts';
import {
  buildHeader,
  detectHeaderRow,
  HEADER_SCAN_ROWS,
  type Header,
  headerHasGaps,
  lastFilled,
  type TextRow,
} from './header.ts';
import { columnLetters, type MergeRange, scanMerges } from './merges.ts';
import { type ExcelOptions, type ExcelOptionsInput, parseExcelOptions } from './options.ts';
import { openSheet, type SheetRow } from './workbook.ts';

/** The sheet and header an extraction uses, decided before the first data row. */
interface Layout {
  readonly sheet: string;
  readonly header: Header;
  readonly how: 'detected' | 'declared';
}

/**
 * An Excel (.xlsx) connector on exceljs' streaming reader: picks a sheet, finds the header under title and
 * notes rows (or takes `headerRow`), names merged header cells, and yields text rows located as
 * `book.xlsx!Sheet1!7` (the 1-based Excel row). Date cells become `YYYY-MM-DD` (or an ISO timestamp when
 * they carry a time) and a column whose cells in the first batch are all dates is typed `date`/`timestamp`.
 *
 * @example
 * const source = excel({ path: 'drop/户籍人口.xlsx', sheet: '户籍' });
 * for await (const batch of source.extract({ note: (m) => log.info(m) })) load(batch);
 */
export function excel(input: ExcelOptionsInput): Connector {
  const options = parseExcelOptions(input);
  let used: Layout | undefined;
  const layout = async (): Promise<Layout> => {
    used = await readLayout(options);
    return used;
  };
  return {
    kind: 'excel',
    withBaseDir: (dir) => excel({ ...input, path: fromBaseDir(dir, options.path) }),
    describe(): ConnectorDescription {
      return {
        kind: 'excel',
        source: options.path,
        options: {
          path: options.path,
          ...(options.sheet === undefined ? {} : { sheet: options.sheet }),
          ...(options.headerRow === undefined ? {} : { headerRow: options.headerRow }),
          batchSize: options.batchSize,
          ...(used ? { sheetUsed: used.sheet, headerRowsUsed: [...used.header.rows] } : {}),
        },
      };
    },
    async check(): Promise<CheckResult> {
      try {
        const { sheet, header, how } = await layout();
        const rows = header.rows.join('–');
        return {
          ok: true,
          message: `${options.path}: sheet ${JSON.stringify(sheet)}, header row ${rows} (${how}), ${header.columns.length} columns`,
        };
      } catch (error) {
        if (error instanceof SourceError) return { ok: false, message: error.message };
        throw error;
      }
    },
    extract(ctx: ExtractContext = {}): AsyncIterable<ExtractedBatch> {
      return extractRows(options, layout, ctx);
    },
  };
}

/** Reads the first rows of the sheet (and its merged ranges when the header has gaps) to fix the header. */
async function readLayout(options: ExcelOptions): Promise<Layout> {
  const { path } = options;
  const name = basename(path);
  const sheet = await openSheet(path, options.sheet);
  const top: TextRow[] = [];
  const limit = Math.max(HEADER_SCAN_ROWS, options.headerRow ?? 0) + 1;
  try {
    for await (const row of sheet.rows()) {
      if (row.number > limit) break;
      top.push(toTextRow(row));
    }
  } catch (error) {
    throw damaged(path, error);
  } finally {
    sheet.close();
  }
  let header: TextRow | undefined;
  if (options.headerRow !== undefined) {
    header = top.find((r) => r.number === options.headerRow);
    if (header === undefined || lastFilled(header) === 0) {
      throw new SourceError(
        `${name}!${sheet.name}: row ${options.headerRow} (headerRow) is empty. Fix: excel({ headerRow: N }) ` +
          'with N the Excel row number that holds the column names',
        { path, sheet: sheet.name, headerRow: options.headerRow },
      );
    }
  } else {
    header = detectHeaderRow(top);
    if (header === undefined) {
      throw new SourceError(
        `${name}!${sheet.name}: no header row found in the first ${HEADER_SCAN_ROWS} rows (looked for a row of ` +
          `text cells at least as wide as 60% of the widest row). Fix: excel({ path: ${JSON.stringify(path)}, ` +
          'headerRow: N }) with N the Excel row number that holds the column names',
        { path, sheet: sheet.name },
      );
    }
  }
  let merges: MergeRange[] = [];
  if (headerHasGaps(header, top)) merges = await readMerges(options, sheet.name);
  const next = top.find((r) => r.number === header.number + 1);
  return {
    sheet: sheet.name,
    header: buildHeader(header, next, merges),
    how: options.headerRow === undefined ? 'detected' : 'declared',
  };
}

async function readMerges(options: ExcelOptions, sheetName: string): Promise<MergeRange[]> {
  const sheet = await openSheet(options.path, sheetName);
  try {
    return await scanMerges(sheet.xml());
  } catch (error) {
    throw damaged(options.path, error);
  } finally {
    sheet.close();
  }
}

async function* extractRows(
  options: ExcelOptions,
  layout: () => Promise<Layout>,
  ctx: ExtractContext,
): AsyncGenerator<ExtractedBatch> {
  const { signal, note } = ctx;
  signal?.throwIfAborted();
  const { sheet: sheetName, header, how } = await layout();
  const name = basename(options.path);
  note?.(`sheet ${JSON.stringify(sheetName)}, header row ${header.rows.join('–')} (${how})`);
  for (const message of header.notes) note?.(message);
  const { columns } = header;
  const width = columns.length;
  const lastHeaderRow = header.rows[header.rows.length - 1]!;
  const errorCells = new Map<number, { count: number; codes: Set<string>; first: string }>();
  let columnTypes: (SourceColumnType | undefined)[] | undefined;
  // The first batch is held until column types are decided from it; later batches are checked against them.
  let held: Held = { cells: [], locations: [], problems: [], extras: [] };

  const sheet = await openSheet(options.path, sheetName);
  try {
    for await (const row of sheet.rows()) {
      if (row.number <= lastHeaderRow) continue;
      const all = Array.from(row.values.slice(1), cellText);
      if (all.every((c) => c.kind === 'empty')) continue;
      const cells = all.slice(0, width);
      while (cells.length < width) cells.push({ text: null, kind: 'empty' });
      const location = `${name}!${sheetName}!${row.number}`;
      let problem: string | null = null;
      const add = (p: string) => {
        problem = problem === null ? p : `${problem}; ${p}`;
      };
      const extra = all.findIndex((c, i) => i >= width && c.kind !== 'empty');
      let extras: Record<string, string | null> | null = null;
      if (extra >= 0) {
        add(
          `excel-extra-cells: a value in column ${columnLetters(extra + 1)}, right of the header's ${width} columns`,
        );
        // Kept for the quarantined row: `_extra_F` for a value in column F.
        extras = {};
        all.forEach((c, i) => {
          if (i >= width && c.kind !== 'empty') extras![`_extra_${columnLetters(i + 1)}`] = c.text;
        });
      }
      cells.forEach((c, i) => {
        if (c.imprecise) {
          add(`excel-number-precision: column ${columns[i]} holds a number with more than 15 digits`);
        }
        if (c.kind === 'error') {
          // An error value or an uncomputed formula has no value: the row is quarantined, like a type problem.
          add(`excel-error: column ${columns[i]} holds ${c.error ?? '#ERROR'}`);
          const seen = errorCells.get(i) ?? { count: 0, codes: new Set<string>(), first: location };
          seen.count++;
          seen.codes.add(c.error ?? '#ERROR');
          errorCells.set(i, seen);
        }
      });
      if (columnTypes !== undefined) {
        const mismatch = typeMismatch(cells, columnTypes, columns);
        if (mismatch) add(mismatch);
      }
      held.cells.push(cells);
      held.locations.push(location);
      held.problems.push(problem);
      held.extras.push(extras);
      if (held.cells.length >= options.batchSize) {
        columnTypes ??= decideTypes(held.cells, width);
        yield toBatch(columns, columnTypes, held);
        held = { cells: [], locations: [], problems: [], extras: [] };
        signal?.throwIfAborted();
      }
    }
  } catch (error) {
    if (signal?.aborted || error instanceof SourceError) throw error;
    throw damaged(options.path, error);
  } finally {
    sheet.close();
  }
  if (held.cells.length > 0) {
    columnTypes ??= decideTypes(held.cells, width);
    yield toBatch(columns, columnTypes, held);
  }
  for (const [i, seen] of errorCells) {
    note?.(
      `column ${columns[i]}: ${seen.count} error cell(s) (${[...seen.codes].join(', ')}), first at ${seen.first}: their rows are quarantined as excel-error`,
    );
  }
}

function toTextRow(row: SheetRow): TextRow {
  return { number: row.number, cells: Array.from(row.values.slice(1), cellText) };
}

/** A column is `date` when every non-empty cell is a date, `timestamp` when they are dates and some carry a time. */
function decideTypes(rows: readonly CellText[][], width: number): (SourceColumnType | undefined)[] {
  const types: (SourceColumnType | undefined)[] = [];
  for (let i = 0; i < width; i++) {
    let dates = 0;
    let times = 0;
    let others = 0;
    for (const row of rows) {
      const kind = row[i]?.kind;
      if (kind === 'date') dates++;
      else if (kind === 'timestamp') times++;
      else if (kind !== 'empty' && kind !== 'error') others++;
    }
    types.push(others > 0 || dates + times === 0 ? undefined : times > 0 ? 'timestamp' : 'date');
  }
  return types;
}

/** After the first batch typed a column as dates, a later non-date cell would cast to NULL: flag the row. */
function typeMismatch(
  cells: readonly CellText[],
  types: readonly (SourceColumnType | undefined)[],
  columns: readonly string[],
): string | undefined {
  for (let i = 0; i < cells.length; i++) {
    const type = types[i];
    const cell = cells[i]!;
    if (type === undefined || cell.kind === 'empty' || cell.kind === 'error') continue;
    if (cell.kind === 'date' || (type === 'timestamp' && cell.kind === 'timestamp')) continue;
    // The value itself stays out of the message (it is in the quarantined row).
    return `excel-type: column ${columns[i]} holds ${type}s, but this row's cell is a ${cell.kind}`;
  }
  return undefined;
}

/** Rows read but not yet yielded (the first batch waits for its column types). */
interface Held {
  cells: CellText[][];
  locations: string[];
  problems: (string | null)[];
  extras: (Record<string, string | null> | null)[];
}

function toBatch(
  columns: readonly string[],
  columnTypes: readonly (SourceColumnType | undefined)[],
  held: Held,
): ExtractedBatch {
  const rows = held.cells.map((cells) => cells.map((c) => c.text));
  const base = { columns, rows, locations: held.locations };
  const typed = columnTypes.some((t) => t !== undefined) ? { columnTypes } : {};
  return {
    ...base,
    ...typed,
    ...(held.problems.some((p) => p !== null) ? { problems: held.problems } : {}),
    ...(held.extras.some((e) => e !== null) ? { extras: held.extras } : {}),
  };
}

function damaged(path: string, error: unknown): SourceError {
  const reason = error instanceof Error ? error.message : String(error);
  return new SourceError(
    `${path}: cannot read the workbook (${reason}); the file may be truncated or damaged. ` +
      'Fix: open it in Excel or WPS and save it again as .xlsx',
    { path },
    { cause: error },
  );
}
