import { open } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { basename } from 'node:path';
import { Transform } from 'node:stream';
import type ExcelJSModule from 'exceljs';
import { SourceError } from '../errors.ts';
import { fileError } from '../file-source.ts';
import { columnLetters } from './merges.ts';
import { withParkedSheets } from './parked-sheets.ts';

/** One row from exceljs' streaming reader: its 1-based Excel row number and 1-based sparse cell values. */
export interface SheetRow {
  readonly number: number;
  readonly values: readonly unknown[];
}

/** A worksheet found in a workbook being streamed; `close()` releases the file. */
export interface OpenSheet {
  readonly name: string;
  /** 1-based position in the workbook's tab order. */
  readonly position: number;
  /** The rows, streamed (rows Excel stores no cells for are absent). */
  rows(): AsyncIterable<SheetRow>;
  /** The sheet's raw XML, decoded, without parsing (used to find `<mergeCell>`s, which come after the rows). */
  xml(): AsyncIterable<string>;
  close(): void;
}

/** The parts of exceljs' WorksheetReader we use (its typings are loose). */
interface WorksheetReaderLike extends AsyncIterable<SheetRow> {
  name: string;
  id: number | string;
  iterator: AsyncIterable<Buffer | string>;
}

/** The parts of exceljs' WorkbookReader we use. */
interface WorkbookReaderLike extends AsyncIterable<WorksheetReaderLike> {
  model?: { sheets?: { name: string; id: number }[] };
  workbookRels?: { Type?: string }[] | undefined;
  sharedStrings?: unknown;
  stream?: NodeJS.ReadableStream & { destroy(): void };
  _parseRels(entry: NodeJS.ReadableStream): Promise<void>;
  _parseWorkbook(entry: NodeJS.ReadableStream): Promise<void>;
  _parseSharedStrings(entry: NodeJS.ReadableStream): AsyncGenerator<unknown>;
  _parseWorksheet(iterator: AsyncIterable<Buffer | string>, sheetNo: string): Generator<unknown>;
}

const ZIP_MAGIC = [0x50, 0x4b, 0x03, 0x04];
const OLE2_MAGIC = [0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1];

/** Refuses a file that is not an .xlsx (zip) before exceljs sees it: .xls (BIFF/OLE2), CSV, HTML, … */
export async function assertXlsx(path: string): Promise<void> {
  let head: Buffer;
  try {
    const file = await open(path, 'r');
    try {
      head = Buffer.alloc(8);
      const { bytesRead } = await file.read(head, 0, 8, 0);
      head = head.subarray(0, bytesRead);
    } finally {
      await file.close();
    }
  } catch (error) {
    throw fileError('excel', path, error);
  }
  const starts = (magic: number[]) => magic.every((b, i) => head[i] === b);
  if (starts(OLE2_MAGIC)) {
    throw new SourceError(
      `${path}: is an Excel 97-2003 workbook (.xls, BIFF) or a password-protected workbook; excel() reads .xlsx ` +
        'only. Fix: open it in Excel or WPS, remove any password and save as "Excel Workbook (*.xlsx)"',
      { path, format: 'xls' },
    );
  }
  if (!starts(ZIP_MAGIC)) {
    throw new SourceError(
      `${path}: is not an .xlsx workbook (no zip signature; it may be a CSV, HTML or .xls file renamed). ` +
        'Fix: open it in Excel or WPS and save as "Excel Workbook (*.xlsx)", or read it with csv({ path })',
      { path, format: 'unknown' },
    );
  }
}

/**
 * Streams the workbook with exceljs' WorkbookReader and stops at the wanted sheet (a name, a 1-based
 * tab position, or the first sheet). A missing sheet is a SourceError listing the sheets.
 *
 * exceljs 4.4 decodes each compressed chunk of XML on its own, so a Chinese character split between two
 * chunks becomes U+FFFD; we hand its parsers text decoded by one streaming TextDecoder per part instead.
 */
export async function openSheet(path: string, wanted: string | number | undefined): Promise<OpenSheet> {
  await assertXlsx(path);
  // Loaded here, not at the top: only a command reading a workbook pays for exceljs.
  const { default: ExcelJS } = (await import('exceljs')) as { default: typeof ExcelJSModule };
  keepUnzipperToItsLastEntry();
  return withParkedSheets((release) => readSheet(ExcelJS, path, wanted, release));
}

/**
 * unzipper 0.10's `Parse` (exceljs' zip reader) emits 'end' itself as soon as its input is written, even when
 * entries it pushed still wait in its readable buffer because exceljs paused it while handling the entry before;
 * exceljs then stops iterating without the zip's last entry (ZJONSSON/node-unzipper#190). Without that listener the
 * stream ends as a stream does, once its buffer is drained (it pushes its end after the central directory; a
 * truncated zip is an error). Patched once, on the unzipper exceljs itself loads.
 */
function keepUnzipperToItsLastEntry(): void {
  const unzipper = createRequire(createRequire(import.meta.url).resolve('exceljs'))('unzipper') as {
    Parse: ((opts?: unknown) => NodeJS.EventEmitter) & { gongshuKeepsLastEntry?: true };
  };
  if (unzipper.Parse.gongshuKeepsLastEntry) return;
  const parse = unzipper.Parse;
  const patched = Object.assign(
    (opts?: unknown) => {
      const stream = parse(opts);
      for (const listener of stream.listeners('finish')) {
        if (String(listener).includes("emit('end')")) stream.removeListener('finish', listener as () => void);
      }
      return stream;
    },
    { gongshuKeepsLastEntry: true as const },
  );
  unzipper.Parse = patched;
}

/** One streaming read of the workbook for `openSheet`; `release` removes the sheets it parked (closing it). */
async function readSheet(
  ExcelJS: typeof ExcelJSModule,
  path: string,
  wanted: string | number | undefined,
  release: () => void,
): Promise<OpenSheet> {
  const reader = new ExcelJS.stream.xlsx.WorkbookReader(path, {
    sharedStrings: 'cache',
    hyperlinks: 'ignore',
    styles: 'cache',
    worksheets: 'emit',
  }) as unknown as WorkbookReaderLike;
  const proto = Object.getPrototypeOf(reader) as WorkbookReaderLike;
  reader._parseSharedStrings = function (entry) {
    return proto._parseSharedStrings.call(this, entry.pipe(utf8Transform()));
  };
  // exceljs parses a sheet at once when it already has the shared strings and the workbook's relationships, and
  // a sheet that comes before xl/workbook.xml then crashes it (`this.model` is undefined: "cannot read
  // properties of undefined (reading 'sheets')"). Zip entries may come in any order (exceljs' own writer puts
  // workbook.xml last and the shared strings anywhere), so the relationships are handed over only once the
  // workbook is parsed: such a sheet is parked in a temporary file and read at the end, as exceljs does for a
  // sheet before the shared strings.
  let rels: WorkbookReaderLike['workbookRels'];
  reader._parseRels = async function (entry) {
    await proto._parseRels.call(this, entry);
    if (!this.model) {
      rels = this.workbookRels;
      this.workbookRels = undefined;
    }
  };
  reader._parseWorkbook = async function (entry) {
    await proto._parseWorkbook.call(this, entry);
    if (rels !== undefined) {
      this.workbookRels = rels;
      rels = undefined;
    }
  };
  reader._parseWorksheet = function (iterator, sheetNo) {
    // A sheet that comes before the shared strings is parked by exceljs in a temporary file and reopened
    // lazily; when we pass over such a sheet, exceljs deletes its file at once and the pending open fails with
    // ENOENT on a stream nobody reads — an unhandled 'error' event. A sheet that is read still sees its errors
    // through its iterator; this listener only keeps a skipped one from crashing the process.
    (iterator as { on?: (event: string, fn: () => void) => unknown }).on?.('error', () => undefined);
    return proto._parseWorksheet.call(this, withCellReferences(decodeUtf8(iterator)), sheetNo);
  };
  const sheets = reader[Symbol.asyncIterator]();
  const close = () => {
    reader.stream?.destroy();
    void sheets.return?.(undefined).catch(() => undefined);
    release();
  };
  const seen: string[] = [];
  try {
    for (let next = await sheets.next(); !next.done; next = await sheets.next()) {
      const sheet = next.value;
      const order = reader.model?.sheets?.map((s) => s.name);
      const position = order ? order.indexOf(sheet.name) + 1 : seen.length + 1;
      seen.push(sheet.name);
      const match =
        wanted === undefined
          ? position === 1
          : typeof wanted === 'number'
            ? position === wanted
            : sheet.name === wanted;
      if (match) {
        const lost = lostPart(reader);
        if (lost) {
          // Never a sheet without its names or its texts (see keepUnzipperToItsLastEntry).
          throw new SourceError(
            `${basename(path)}: the workbook's ${lost} did not come before the sheet. Fix: open it in Excel or WPS ` +
              'and save it again as .xlsx',
            { path },
          );
        }
        return {
          name: sheet.name,
          position,
          rows: () => sheet,
          xml: () => decodeUtf8(sheet.iterator),
          close,
        };
      }
    }
  } catch (error) {
    close();
    if (error instanceof SourceError) throw error;
    const reason = error instanceof Error ? error.message : String(error);
    throw new SourceError(
      `${path}: cannot read the workbook (${reason}); the file may be truncated or damaged. ` +
        'Fix: open it in Excel or WPS and save it again as .xlsx',
      { path },
      { cause: error },
    );
  }
  close();
  const names = reader.model?.sheets?.map((s) => s.name) ?? seen;
  const listed = names.map((n, i) => `${i + 1} ${JSON.stringify(n)}`).join(', ');
  const fix =
    names.length > 0 ? `excel({ sheet: ${JSON.stringify(names[0])} }) or excel({ sheet: 1 })` : 'add a sheet';
  throw new SourceError(
    `${basename(path)}: no sheet ${JSON.stringify(wanted ?? 1)}; the workbook has ${names.length} sheet(s): ` +
      `${listed || '(none)'}. Fix: ${fix}`,
    { path, sheet: wanted, sheets: names },
  );
}

/**
 * The part the sheets need that never came, if any: the workbook (sheet names and order), or the shared strings its
 * relationships name (cells of type `s` index them).
 */
function lostPart(reader: WorkbookReaderLike): string | undefined {
  if (!reader.model) return 'sheet list (xl/workbook.xml)';
  const strings = reader.workbookRels?.some((r) => r.Type?.endsWith('/sharedStrings')) ?? false;
  return strings && reader.sharedStrings === undefined ? 'shared strings (xl/sharedStrings.xml)' : undefined;
}

/** Decodes a byte stream as UTF-8 across chunk boundaries, as text chunks (object mode). */
function utf8Transform(): Transform {
  const decoder = new TextDecoder('utf-8');
  return new Transform({
    readableObjectMode: true,
    transform(chunk: Buffer, _encoding, done) {
      const text = decoder.decode(chunk, { stream: true });
      done(null, text === '' ? undefined : text);
    },
    flush(done) {
      const text = decoder.decode();
      done(null, text === '' ? undefined : text);
    },
  });
}

async function* decodeUtf8(chunks: AsyncIterable<Buffer | string>): AsyncGenerator<string> {
  const decoder = new TextDecoder('utf-8');
  for await (const chunk of chunks) {
    const text = typeof chunk === 'string' ? chunk : decoder.decode(chunk, { stream: true });
    if (text !== '') yield text;
  }
  const rest = decoder.decode();
  if (rest !== '') yield rest;
}

/**
 * Rewrites a sheet's XML (as text chunks) into what exceljs' streaming reader reads right:
 * - adds the `r` attribute to `<row>` and `<c>` elements that lack it. Excel always writes it, but it is optional
 *   (ECMA-376 §18.3.1.73, §18.3.1.4: a row without it follows the previous row, a cell the previous cell), and
 *   other writers leave it out; exceljs needs it;
 * - drops the formula of a cell whose saved result is an error (`t="e"`): exceljs reads such a cell as a formula
 *   without a result; without the formula it reads the error value (`#DIV/0!`).
 */
export async function* withCellReferences(chunks: AsyncIterable<string>): AsyncGenerator<string> {
  let row = 0;
  let col = 0;
  let errorCell = false;
  let dropping = false;
  const tag = /<(row|c)(?=[\s>/])([^>]*)>/g;
  const rewrite = (_all: string, name: string, attrs: string): string => {
    const r = / r="([A-Z]*)(\d+)"/.exec(attrs);
    if (name === 'row') {
      col = 0;
      if (r) {
        row = Number(r[2]);
        return `<row${attrs}>`;
      }
      row++;
      return `<row r="${row}"${attrs}>`;
    }
    errorCell = / t="e"/.test(attrs) && !attrs.endsWith('/');
    if (r) {
      col = columnNumber(r[1]!);
      return `<c${attrs}>`;
    }
    col++;
    return `<c r="${columnLetters(col)}${row}"${attrs}>`;
  };
  /** Text holding an error cell: tag by tag, leaving out its `<f>` element. */
  const withoutErrorFormulas = (text: string): string => {
    let out = '';
    let i = 0;
    while (i < text.length) {
      const open = text.indexOf('<', i);
      if (open < 0) {
        if (!dropping) out += text.slice(i);
        break;
      }
      if (!dropping) out += text.slice(i, open);
      const close = text.indexOf('>', open) + 1;
      const t = text.slice(open, close);
      if (/^<(row|c)[\s>/]/.test(t)) out += t.replace(tag, rewrite);
      else if (errorCell && /^<f[\s>/]/.test(t)) dropping = !t.endsWith('/>');
      else if (dropping && t === '</f>') dropping = false;
      else {
        if (t === '</c>') errorCell = false;
        if (!dropping) out += t;
      }
      i = close;
    }
    return out;
  };
  const convert = (text: string) =>
    dropping || errorCell || text.includes(' t="e"')
      ? withoutErrorFormulas(text)
      : text.replace(tag, rewrite);
  let carry = '';
  for await (const chunk of chunks) {
    const text = carry + chunk;
    // Only complete tags are rewritten: the text after the last '>' waits for the next chunk.
    const cut = text.lastIndexOf('>') + 1;
    carry = text.slice(cut);
    if (cut > 0) yield convert(text.slice(0, cut));
  }
  if (carry !== '') yield convert(carry);
}

/** `A` → 1, `Z` → 26, `AA` → 27. */
function columnNumber(letters: string): number {
  let n = 0;
  for (const ch of letters) n = n * 26 + (ch.charCodeAt(0) - 64);
  return n;
}
