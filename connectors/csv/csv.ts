import { createReadStream } from 'node:fs';
import { type FileHandle, open } from 'node:fs/promises';
import { basename } from 'node:path';
import { SourceError } from '../errors.ts';
import { fileError, fromBaseDir } from '../file-source.ts';
import type {
  CheckResult,
  Connector,
  ConnectorDescription,
  ExtractContext,
  ExtractedBatch,
  SqlRelation,
} from '../types.ts';
import {
  type CsvEncoding,
  createDecoder,
  type EncodingDecision,
  readAt,
  resolveEncoding,
  SAMPLE_BYTES,
} from './encoding.ts';
import { EncodingCheck, invalidBytesProblem } from './encoding-check.ts';
import { csvRelation } from './fast-path.ts';
import { CSV_DELIMITERS, type CsvOptions, type CsvOptionsInput, parseCsvOptions } from './options.ts';
import { CsvParser, sniffDelimiter } from './parser.ts';
import { recoverRow } from './recover.ts';

/** Bytes per read from the file (exported so tests can place multi-byte characters across reads). */
export const READ_CHUNK = 256 * 1024;

/** What was decided about a file before reading it: encoding, delimiter and the decoded first bytes. */
interface Inspection {
  readonly encoding: EncodingDecision;
  readonly delimiter: string;
  readonly delimiterHow: 'detected' | 'declared';
  /** False when sniffing found field counts that differ between the first lines. */
  readonly delimiterConsistent: boolean;
  readonly sample: string;
  readonly sampleIsWholeFile: boolean;
}

/**
 * A CSV file connector: detects UTF-8 vs GB18030, sniffs the delimiter, streams the file and yields
 * batches of text rows located as `file.csv:<line the record starts on>`.
 *
 * @example
 * const source = csv({ path: 'data/hukou.csv', skipLines: 1 });
 * for await (const batch of source.extract({ note: (m) => log.info(m) })) load(batch);
 */
export function csv(input: CsvOptionsInput): Connector {
  const options = parseCsvOptions(input);
  const path = options.path;
  let used: { encoding: CsvEncoding; delimiter: string } | undefined;

  const inspect = async (): Promise<Inspection> => {
    const info = await inspectFile(options);
    used = { encoding: info.encoding.encoding, delimiter: info.delimiter };
    return info;
  };

  return {
    kind: 'csv',
    withBaseDir: (dir) => csv({ ...input, path: fromBaseDir(dir, options.path) }),
    describe(): ConnectorDescription {
      return {
        kind: 'csv',
        source: path,
        options: {
          path,
          encoding: options.encoding,
          delimiter: options.delimiter,
          header: options.header === true ? true : [...options.header],
          quote: options.quote,
          batchSize: options.batchSize,
          skipLines: options.skipLines,
          ...(used ? { encodingUsed: used.encoding, delimiterUsed: used.delimiter } : {}),
        },
      };
    },
    async check(): Promise<CheckResult> {
      try {
        const info = await inspect();
        const width = options.header === true ? headerWidth(info, options) : options.header.length;
        const encoding = `encoding ${info.encoding.encoding} (${info.encoding.how})`;
        const delimiter = `delimiter ${JSON.stringify(info.delimiter)} (${info.delimiterHow})`;
        if (width === 0)
          return { ok: false, message: `${path}: readable, ${encoding}, but it has no header line` };
        return { ok: true, message: `${path}: readable, ${encoding}, ${delimiter}, ${width} columns` };
      } catch (error) {
        if (error instanceof SourceError) return { ok: false, message: error.message };
        throw error;
      }
    },
    extract(ctx: ExtractContext = {}): AsyncIterable<ExtractedBatch> {
      return extractRows(options, inspect, ctx);
    },
    async relation(): Promise<SqlRelation | undefined> {
      if (options.parser === 'js' || options.header !== true) return undefined;
      const info = await inspect();
      let header: string[] | undefined;
      const parser = new CsvParser(
        { delimiter: info.delimiter, quote: options.quote, skipLines: options.skipLines },
        (fields) => {
          header ??= fields;
        },
      );
      parser.push(info.sample);
      if (info.sampleIsWholeFile) parser.end();
      if (!header || header.length === 0) return undefined;
      const normalised = normaliseHeader(header);
      const relation = await csvRelation({
        options,
        encoding: info.encoding.encoding,
        bomLength: info.encoding.bomLength,
        delimiter: info.delimiter,
        columns: normalised.columns,
        headerNewlines: header.join('').split('\n').length - 1,
      });
      if (!relation) return undefined;
      const found = [
        `encoding ${info.encoding.encoding} (${info.encoding.how})`,
        ...(info.delimiterHow === 'detected'
          ? [`delimiter ${JSON.stringify(info.delimiter)} (detected)`]
          : []),
      ];
      // Blank and repeated header names are renamed as on the JS path, and said so.
      return { ...relation, notes: [...found, ...normalised.notes, ...(relation.notes ?? [])] };
    },
  };
}

async function* extractRows(
  options: CsvOptions,
  inspect: () => Promise<Inspection>,
  ctx: ExtractContext,
): AsyncGenerator<ExtractedBatch> {
  const { signal, note } = ctx;
  signal?.throwIfAborted();
  const info = await inspect();
  const { encoding } = info;
  note?.(`encoding ${encoding.encoding} (${encoding.how})`);
  if (info.delimiterHow === 'detected') {
    const doubt = info.delimiterConsistent ? '' : '; field counts differ between the first lines';
    note?.(`delimiter ${JSON.stringify(info.delimiter)} (detected${doubt})`);
  }

  const name = basename(options.path);
  const batchSize = options.batchSize;
  let columns: readonly string[] | undefined = options.header === true ? undefined : options.header;
  let width = columns?.length ?? 0;
  let rows: (string | null)[][] = [];
  let locations: string[] = [];
  let problems: (string | null)[] | undefined;
  let extras: (Record<string, string> | null)[] | undefined;
  const ready: ExtractedBatch[] = [];
  let checkReplacement = false;
  const invalidBytes = invalidBytesProblem(encoding.encoding);
  // The whole file's bytes are checked as they are read: lines of another encoding are quarantined.
  const check = new EncodingCheck(encoding.encoding);

  const flush = (): void => {
    if (rows.length === 0 || columns === undefined) return;
    ready.push({
      columns,
      rows,
      locations,
      ...(problems ? { problems } : {}),
      ...(extras ? { extras } : {}),
    });
    rows = [];
    locations = [];
    problems = undefined;
    extras = undefined;
  };

  const parser = new CsvParser(
    { delimiter: info.delimiter, quote: options.quote, skipLines: options.skipLines },
    (fields, line, parseProblem) => {
      if (columns === undefined) {
        const header = normaliseHeader(fields);
        columns = Object.freeze(header.columns);
        width = header.columns.length;
        for (const message of header.notes) note?.(message);
        if (parseProblem !== null) note?.(`header (line ${line}): ${parseProblem}`);
        return;
      }
      const row: (string | null)[] = fields;
      let problem = parseProblem;
      let extra: Record<string, string> | null = null;
      // A short row is padded so its values can be kept in quarantine, and flagged like a long one:
      // a department row that lost fields must not load with silent NULLs.
      if (row.length < width) {
        problem = joinProblem(problem, `field-count: expected ${width} fields, got ${row.length}`);
        for (let i = row.length; i < width; i++) row.push(null);
      } else if (row.length > width) {
        problem = joinProblem(problem, `field-count: expected ${width} fields, got ${row.length}`);
        // The values beyond the header go to the quarantined row too (`_extra_<field number>`).
        extra = {};
        for (let i = width; i < row.length; i++) extra[`_extra_${i + 1}`] = row[i] ?? '';
        row.length = width;
      }
      let otherEncoding = false;
      if (checkReplacement && row.some((value) => value?.includes('\uFFFD'))) {
        problem = joinProblem(problem, invalidBytes);
        otherEncoding = true;
      }
      if (check.mixedLines.length > 0) {
        const mixed = check.problemIn(line, line + lineBreaks(row));
        if (mixed) problem = joinProblem(problem, mixed);
        otherEncoding ||= mixed !== undefined;
      }
      if (otherEncoding && check.lineTexts.size > 0) {
        // The row's lines decoded as what they are: its values in quarantine are the department's text.
        const syntax = { delimiter: info.delimiter, quote: options.quote };
        const values = recoverRow(check.lineTexts, line, lineBreaks(row), syntax, width);
        if (values && columns) {
          extra ??= {};
          for (const [i, c] of columns.entries()) extra[c] = values[i]!;
        }
      }
      if (extra !== null) extras ??= new Array<Record<string, string> | null>(rows.length).fill(null);
      extras?.push(extra);
      if (problem !== null && problems === undefined)
        problems = new Array<string | null>(rows.length).fill(null);
      problems?.push(problem);
      rows.push(row);
      locations.push(`${name}:${line}`);
      if (rows.length >= batchSize) flush();
    },
  );

  const decoder = createDecoder(encoding.encoding);
  const feed = (text: string): void => {
    if (!checkReplacement && text.includes('\uFFFD')) checkReplacement = true;
    parser.push(text);
  };
  const stream = createReadStream(options.path, { start: encoding.bomLength, highWaterMark: READ_CHUNK });
  try {
    for await (const chunk of stream as AsyncIterable<Buffer>) {
      signal?.throwIfAborted();
      check.push(chunk);
      feed(decoder.write(chunk));
      while (ready.length > 0) {
        yield ready.shift()!;
        signal?.throwIfAborted();
      }
    }
    check.end();
    feed(decoder.end());
    parser.end();
    flush();
    if (columns === undefined) note?.(`${name}: no header line (the file is empty)`);
    const summary = check.summary(name);
    if (summary) note?.(summary);
    while (ready.length > 0) yield ready.shift()!;
  } catch (error) {
    if (signal?.aborted || error instanceof SourceError) throw error;
    throw fileError('csv', options.path, error);
  } finally {
    stream.destroy();
  }
}

/** Opens the file, decides encoding and delimiter from its first 64 KiB. */
async function inspectFile(options: CsvOptions): Promise<Inspection> {
  const path = options.path;
  let file: FileHandle;
  try {
    file = await open(path, 'r');
  } catch (error) {
    throw fileError('csv', path, error);
  }
  try {
    const stats = await file.stat();
    if (stats.isDirectory())
      throw fileError('csv', path, Object.assign(new Error('is a directory'), { code: 'EISDIR' }));
    if (!stats.isFile()) {
      throw new SourceError(
        `${path}: not a regular file (a pipe, socket or device). Fix: copy the data into a file and point csv({ path }) at it`,
        { path },
      );
    }
    const encoding = await resolveEncoding(file, options.encoding, path);
    const head = await readAt(file, encoding.bomLength, SAMPLE_BYTES);
    const sampleIsWholeFile = head.length < SAMPLE_BYTES;
    const decoder = createDecoder(encoding.encoding);
    const sample = decoder.write(head) + (sampleIsWholeFile ? decoder.end() : '');
    if (options.delimiter !== 'auto') {
      return {
        encoding,
        delimiter: options.delimiter,
        delimiterHow: 'declared',
        delimiterConsistent: true,
        sample,
        sampleIsWholeFile,
      };
    }
    const sniffed = sniffDelimiter(
      sample,
      CSV_DELIMITERS,
      options.quote,
      options.skipLines,
      sampleIsWholeFile,
    );
    return {
      encoding,
      delimiter: sniffed.delimiter,
      delimiterHow: 'detected',
      delimiterConsistent: sniffed.consistent,
      sample,
      sampleIsWholeFile,
    };
  } catch (error) {
    if (error instanceof SourceError) throw error;
    throw fileError('csv', path, error);
  } finally {
    await file.close();
  }
}

/** The number of header columns found in the sample (0 when there is no header line). */
function headerWidth(info: Inspection, options: CsvOptions): number {
  let width = 0;
  const parser = new CsvParser(
    { delimiter: info.delimiter, quote: options.quote, skipLines: options.skipLines },
    (fields) => {
      if (width === 0) width = fields.length;
    },
  );
  parser.push(info.sample);
  parser.end();
  return width;
}

/** Trims header names, names blanks `column_N` and suffixes duplicates `_2`, `_3`; returns notes on changes. */
export function normaliseHeader(fields: readonly string[]): { columns: string[]; notes: string[] } {
  const columns: string[] = [];
  const notes: string[] = [];
  const taken = new Set<string>();
  const trimmed = fields.map((field) => field.trim());
  const all = new Set(trimmed);
  trimmed.forEach((raw, index) => {
    let name = raw === '' ? `column_${index + 1}` : raw;
    if (raw === '') notes.push(`header: column ${index + 1} has no name; named "${name}"`);
    if (taken.has(name)) {
      let n = 2;
      while (taken.has(`${name}_${n}`) || all.has(`${name}_${n}`)) n++;
      notes.push(`header: duplicate column "${name}" (column ${index + 1}) renamed "${name}_${n}"`);
      name = `${name}_${n}`;
    }
    taken.add(name);
    columns.push(name);
  });
  return { columns, notes };
}

/** Line breaks inside a record's fields (LF, CR LF, lone CR), so its last line is its first plus these. */
function lineBreaks(fields: readonly (string | null)[]): number {
  let n = 0;
  for (const f of fields)
    if (f !== null && (f.includes('\n') || f.includes('\r'))) n += f.match(/\r\n|\r|\n/g)!.length;
  return n;
}

function joinProblem(a: string | null, b: string): string {
  return a === null ? b : `${a}; ${b}`;
}
