import { createReadStream } from 'node:fs';
import { type FileHandle, open } from 'node:fs/promises';
import { basename } from 'node:path';
import {
  type CsvEncoding,
  createDecoder,
  type EncodingDecision,
  readAt,
  resolveEncoding,
} from '../csv/encoding.ts';
import { invalidBytesProblem } from '../csv/encoding-check.ts';
import { SourceError } from '../errors.ts';
import { fileError, fromBaseDir } from '../file-source.ts';
import type {
  CheckResult,
  Connector,
  ConnectorDescription,
  ExtractContext,
  ExtractedBatch,
} from '../types.ts';
import { type DuplicateKey, duplicateKeys } from './duplicates.ts';
import { describeJson, type FlattenSettings, flattenKeys, flattenRecord, isPlainObject } from './flatten.ts';
import { type JsonOptions, type JsonOptionsInput, parseJsonOptions } from './options.ts';

/** A whole-document file (a JSON array, or an object holding one) larger than this is refused: use NDJSON. */
export const MAX_DOCUMENT_BYTES = 256 * 1024 * 1024;

/** How the file is read: one JSON document parsed whole, or NDJSON line by line. */
type Mode = 'document' | 'ndjson';

interface Inspection {
  readonly encoding: EncodingDecision;
  readonly mode: Mode;
  readonly size: number;
}

/**
 * A JSON connector for NDJSON (streamed line by line; a malformed line becomes a quarantined row located
 * `file.json:LINE`) and JSON arrays (parsed whole with JSON.parse, up to 256 MB; records located
 * `file.json[#N]`), optionally inside a top-level object (`records: 'data.list'`). Nested objects are
 * flattened to `a.b.c` columns; arrays stay JSON text.
 *
 * Columns are the union of the records' keys in first-seen order, found by a first pass over the records
 * (NDJSON is read twice; a parsed array is walked twice), so every batch has the same columns and a key
 * that first appears late is still a column, null in the records that lack it.
 *
 * @example
 * const source = json({ path: 'api-dump.json', records: 'data.list' });
 */
export function json(input: JsonOptionsInput): Connector {
  const options = parseJsonOptions(input);
  let used: Inspection | undefined;
  const inspect = async () => {
    used = await inspectFile(options);
    return used;
  };
  return {
    kind: 'json',
    withBaseDir: (dir) => json({ ...input, path: fromBaseDir(dir, options.path) }),
    describe(): ConnectorDescription {
      return {
        kind: 'json',
        source: options.path,
        options: {
          path: options.path,
          format: options.format,
          ...(options.records === undefined ? {} : { records: options.records }),
          flatten: { ...options.flatten },
          encoding: options.encoding,
          batchSize: options.batchSize,
          ...(used
            ? {
                encodingUsed: used.encoding.encoding,
                formatUsed: used.mode === 'ndjson' ? 'ndjson' : 'array',
              }
            : {}),
        },
      };
    },
    async check(): Promise<CheckResult> {
      try {
        const info = await inspect();
        const format = info.mode === 'ndjson' ? 'NDJSON' : 'a JSON document';
        return {
          ok: true,
          message: `${options.path}: readable, ${format}, encoding ${info.encoding.encoding}`,
        };
      } catch (error) {
        if (error instanceof SourceError) return { ok: false, message: error.message };
        throw error;
      }
    },
    extract(ctx: ExtractContext = {}): AsyncIterable<ExtractedBatch> {
      return extractRows(options, inspect, ctx);
    },
  };
}

async function* extractRows(
  options: JsonOptions,
  inspect: () => Promise<Inspection>,
  ctx: ExtractContext,
): AsyncGenerator<ExtractedBatch> {
  ctx.signal?.throwIfAborted();
  const info = await inspect();
  ctx.note?.(`encoding ${info.encoding.encoding} (${info.encoding.how})`);
  if (info.mode === 'ndjson') yield* ndjsonRows(options, info, ctx);
  else yield* documentRows(options, info, ctx);
}

/** Reads NDJSON twice: once for the columns, once for the rows. */
async function* ndjsonRows(
  options: JsonOptions,
  info: Inspection,
  ctx: ExtractContext,
): AsyncGenerator<ExtractedBatch> {
  const name = basename(options.path);
  const invalid = invalidBytesProblem(info.encoding.encoding);
  const keys = new Set<string>();
  let objects = 0;
  let other: unknown;
  for await (const { text } of lines(options.path, info.encoding)) {
    ctx.signal?.throwIfAborted();
    const parsed = tryParse(text);
    if (parsed.ok && isPlainObject(parsed.value)) {
      objects++;
      for (const k of flattenKeys(parsed.value, options.flatten)) keys.add(k);
    } else if (parsed.ok && other === undefined) other = parsed.value;
  }
  if (objects === 0 && other !== undefined) throw notRecords(options.path, other);
  const columns = Object.freeze([...keys]);
  const batcher = new Batcher(columns, options.batchSize);
  for await (const { text, line } of lines(options.path, info.encoding)) {
    const location = `${name}:${line}`;
    const parsed = tryParse(text);
    if (!parsed.ok) {
      // The parser's message only: the line itself holds personal data (it stays in the quarantine's row_json).
      batcher.add(new Map(), location, [`json: ${parsed.message}`]);
    } else {
      batcher.addRecord(
        parsed.value,
        location,
        options.flatten,
        text.includes('\uFFFD') ? [invalid] : [],
        duplicateKeys(text),
      );
    }
    const ready = batcher.take();
    if (ready) {
      yield ready;
      ctx.signal?.throwIfAborted();
    }
  }
  const last = batcher.flush();
  if (last) yield last;
}

/** Parses the whole document, finds the records array and yields it in batches. */
async function* documentRows(
  options: JsonOptions,
  info: Inspection,
  ctx: ExtractContext,
): AsyncGenerator<ExtractedBatch> {
  const { path } = options;
  const name = basename(path);
  if (info.size > MAX_DOCUMENT_BYTES) {
    throw new SourceError(
      `${path}: a ${Math.round(info.size / 2 ** 20)} MiB JSON document; json() parses whole documents up to 256 MiB. ` +
        `Fix: convert it to NDJSON (one record per line), e.g. \`jq -c '${options.records ? `.${options.records}` : ''}[]' in.json > out.ndjson\``,
      { path, size: info.size },
    );
  }
  const text = await readText(path, info.encoding);
  let document: unknown;
  try {
    document = JSON.parse(text);
  } catch (error) {
    throw parseError(path, text, error);
  }
  const records = findRecords(path, document, options.records);
  if (records.length > 0 && !records.some(isPlainObject)) throw notRecords(path, records[0]);
  const keys = new Set<string>();
  for (const record of records) {
    if (isPlainObject(record)) for (const k of flattenKeys(record, options.flatten)) keys.add(k);
  }
  const columns = Object.freeze([...keys]);
  const batcher = new Batcher(columns, options.batchSize);
  // Bytes invalid in the encoding decode as U+FFFD: the records holding one are quarantined as `encoding`.
  const invalid = text.includes('\uFFFD') ? [invalidBytesProblem(info.encoding.encoding)] : undefined;
  // Keys repeated in a record (JSON.parse kept the last value), by record index.
  const prefix = options.records?.split('.') ?? [];
  const repeated = new Map<number, DuplicateKey[]>();
  for (const d of duplicateKeys(text)) {
    const index = d.path[prefix.length];
    if (typeof index !== 'number' || !prefix.every((k, j) => d.path[j] === k)) continue;
    const list = repeated.get(index) ?? [];
    list.push({ path: d.path.slice(prefix.length + 1), dropped: d.dropped });
    repeated.set(index, list);
  }
  for (let i = 0; i < records.length; i++) {
    const bad = invalid && JSON.stringify(records[i])?.includes('\uFFFD');
    batcher.addRecord(records[i], `${name}[#${i}]`, options.flatten, bad ? invalid : [], repeated.get(i));
    const ready = batcher.take();
    if (ready) {
      yield ready;
      ctx.signal?.throwIfAborted();
    }
  }
  const last = batcher.flush();
  if (last) yield last;
}

/** Collects rows into batches of a fixed column list. */
class Batcher {
  private rows: (string | null)[][] = [];
  private locations: string[] = [];
  private problems: (string | null)[] = [];
  private extras: (Record<string, string | null> | null)[] = [];
  private ready: ExtractedBatch | undefined;

  constructor(
    private readonly columns: readonly string[],
    private readonly size: number,
  ) {}

  addRecord(
    record: unknown,
    location: string,
    flatten: FlattenSettings,
    problems: readonly string[] = [],
    duplicates: readonly DuplicateKey[] = [],
  ): void {
    if (!isPlainObject(record)) {
      this.add(new Map(), location, [`json: the record is ${describeJson(record)}, expected an object`]);
      return;
    }
    const flat = flattenRecord(record, flatten);
    const dup = duplicateFields(duplicates, flatten.separator);
    this.add(flat.values, location, [...problems, ...dup.problems, ...flat.problems], dup.extras);
  }

  add(
    values: Map<string, string | null>,
    location: string,
    problems: string[],
    extras: Record<string, string | null> | null = null,
  ): void {
    this.rows.push(this.columns.map((c) => values.get(c) ?? null));
    this.locations.push(location);
    this.problems.push(problems.length === 0 ? null : problems.join('; '));
    this.extras.push(extras);
    if (this.rows.length >= this.size) this.ready = this.flush();
  }

  take(): ExtractedBatch | undefined {
    const batch = this.ready;
    this.ready = undefined;
    return batch;
  }

  flush(): ExtractedBatch | undefined {
    if (this.rows.length === 0) return undefined;
    const batch: ExtractedBatch = {
      columns: this.columns,
      rows: this.rows,
      locations: this.locations,
      ...(this.problems.some((p) => p !== null) ? { problems: this.problems } : {}),
      ...(this.extras.some((e) => e !== null) ? { extras: this.extras } : {}),
    };
    this.rows = [];
    this.locations = [];
    this.problems = [];
    this.extras = [];
    return batch;
  }
}

/**
 * The problem and the kept values of a record's repeated keys: `duplicate-field`, with each value JSON.parse
 * dropped kept for the quarantined row as `_duplicate_<field>` (`_2`, `_3` … for more).
 */
function duplicateFields(
  duplicates: readonly DuplicateKey[],
  separator: string,
): { problems: string[]; extras: Record<string, string | null> | null } {
  if (duplicates.length === 0) return { problems: [], extras: null };
  const extras: Record<string, string | null> = {};
  const problems = duplicates.map((d) => {
    const field = d.path.map(String).join(separator);
    d.dropped.forEach((text, j) => {
      let value: string | null = text;
      try {
        const parsed = JSON.parse(text) as unknown;
        value = parsed === null ? null : typeof parsed === 'string' ? parsed : text;
      } catch {
        // keep the text as it was
      }
      extras[`_duplicate_${field}${j === 0 ? '' : `_${j + 1}`}`] = value;
    });
    const times = d.dropped.length + 1;
    return (
      `duplicate-field: field ${JSON.stringify(field)} appears ${times === 2 ? 'twice' : `${times} times`}; JSON keeps the last ` +
      `value, the earlier ${times === 2 ? 'one is' : 'ones are'} kept in the quarantined row as _duplicate_${field}`
    );
  });
  return { problems, extras };
}

/** The file holds JSON values, but none of them is a record (an object): there is nothing to make columns of. */
function notRecords(path: string, example: unknown): SourceError {
  return new SourceError(
    `${path}: holds JSON values such as ${describeJson(example)}, but no record (a JSON object): there are no ` +
      'columns to load. Fix: send an array of objects, or NDJSON (one object per line)',
    { path },
  );
}

/** The records array at the dotted `records` path (or the document itself); else a SourceError. */
function findRecords(path: string, document: unknown, records: string | undefined): unknown[] {
  let value = document;
  const walked: string[] = [];
  for (const key of records?.split('.') ?? []) {
    if (!isPlainObject(value) || !Object.hasOwn(value, key)) {
      const keys = isPlainObject(value) ? Object.keys(value).slice(0, 20) : [];
      const at = walked.length === 0 ? 'the top level' : walked.join('.');
      throw new SourceError(
        `${path}: records: no key ${JSON.stringify(key)} at ${at} (${describeJson(value)}` +
          `${keys.length > 0 ? ` with keys ${keys.map((k) => JSON.stringify(k)).join(', ')}` : ''}). ` +
          'Fix: json({ records: "<dotted path to the array>" }), e.g. records: "data.list"',
        { path, records },
      );
    }
    value = value[key];
    walked.push(key);
  }
  if (!Array.isArray(value)) {
    const where = records === undefined ? 'the document' : `records ${JSON.stringify(records)}`;
    const keys = isPlainObject(value) ? Object.keys(value).slice(0, 20) : [];
    throw new SourceError(
      `${path}: ${where} is ${describeJson(value)}, expected an array of records` +
        `${keys.length > 0 ? ` (keys ${keys.map((k) => JSON.stringify(k)).join(', ')})` : ''}. ` +
        'Fix: json({ records: "<dotted path to the array>" }), e.g. records: "data.list"',
      { path, records },
    );
  }
  return value;
}

/** A JSON.parse failure with the line, column and character offset it happened at. */
function parseError(path: string, text: string, error: unknown): SourceError {
  const message = parserMessage(error);
  const at = /at position (\d+)/.exec(message);
  const offset = at ? Number(at[1]) : /end of JSON input/.test(message) ? text.length : undefined;
  let where = '';
  if (offset !== undefined) {
    const before = text.slice(0, offset);
    const line = before.split('\n').length;
    const column = offset - before.lastIndexOf('\n');
    where = ` at line ${line}, column ${column} (character ${offset}${offset >= text.length ? ', the end of the file: is it truncated?' : ''})`;
  }
  return new SourceError(
    `${path}: malformed JSON${where}: ${message.replace(/ in JSON at position \d+.*$/, '')}. ` +
      'Fix: re-export the file completely, or send NDJSON so one bad record does not stop the load',
    { path, offset },
    { cause: error },
  );
}

function tryParse(text: string): { ok: true; value: unknown } | { ok: false; message: string } {
  try {
    return { ok: true, value: JSON.parse(text) };
  } catch (error) {
    return { ok: false, message: parserMessage(error) };
  }
}

/**
 * JSON.parse's message without the piece of input V8 quotes in some of them (`Unexpected token 'x', "{"id":
 * "1101…" is not valid JSON`): the input is personal data.
 */
function parserMessage(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  return message.replace(/, (\.\.\.)?".*" is not valid JSON$/s, ' (not valid JSON)');
}

/** Non-blank lines of the file, decoded, each with its 1-based physical line number. */
async function* lines(
  path: string,
  encoding: EncodingDecision,
): AsyncGenerator<{ text: string; line: number }> {
  const decoder = createDecoder(encoding.encoding);
  const stream = createReadStream(path, { start: encoding.bomLength, highWaterMark: 256 * 1024 });
  let pending = '';
  let line = 0;
  try {
    for await (const chunk of stream as AsyncIterable<Buffer>) {
      pending += decoder.write(chunk);
      let nl = pending.indexOf('\n');
      while (nl >= 0) {
        const text = pending.slice(0, nl).replace(/\r$/, '');
        pending = pending.slice(nl + 1);
        line++;
        if (text.trim() !== '') yield { text, line };
        nl = pending.indexOf('\n');
      }
    }
  } catch (error) {
    throw fileError('json', path, error);
  } finally {
    stream.destroy();
  }
  pending += decoder.end();
  line++;
  if (pending.trim() !== '') yield { text: pending.replace(/\r$/, ''), line };
}

async function readText(path: string, encoding: EncodingDecision): Promise<string> {
  const decoder = createDecoder(encoding.encoding);
  let text = '';
  try {
    for await (const chunk of createReadStream(path, {
      start: encoding.bomLength,
    }) as AsyncIterable<Buffer>) {
      text += decoder.write(chunk);
    }
  } catch (error) {
    throw fileError('json', path, error);
  }
  return text + decoder.end();
}

/** Decides encoding and mode from the first bytes. */
async function inspectFile(options: JsonOptions): Promise<Inspection> {
  const { path } = options;
  let file: FileHandle;
  try {
    file = await open(path, 'r');
  } catch (error) {
    throw fileError('json', path, error);
  }
  try {
    const stats = await file.stat();
    if (!stats.isFile())
      throw fileError('json', path, Object.assign(new Error('not a file'), { code: 'EISDIR' }));
    const encoding = await resolveEncoding(file, options.encoding as CsvEncoding | 'auto', path);
    const head = await readAt(file, encoding.bomLength, 64 * 1024);
    const sample = createDecoder(encoding.encoding).write(head);
    const first = sample.trimStart()[0];
    let mode: Mode;
    if (options.records !== undefined || options.format === 'array') mode = 'document';
    else if (options.format === 'ndjson') mode = 'ndjson';
    else if (first === '[') mode = 'document';
    else {
      mode = 'ndjson';
      // A pretty-printed document also starts with "{": NDJSON when either of the first two lines is a record.
      const [one, two] = sample
        .trimStart()
        .split('\n', 3)
        .map((l) => l.replace(/\r$/, ''));
      const complete = sample.trimStart().includes('\n');
      if (first === '{' && complete && !tryParse(one ?? '').ok && !tryParse(two ?? '').ok) {
        throw new SourceError(
          `${path}: starts with "{" but neither of its first two lines is a whole JSON record, so it is one JSON ` +
            'document, not NDJSON. Fix: json({ records: "<dotted path to the records array>" }), e.g. records: "data.list"',
          { path },
        );
      }
    }
    return { encoding, mode, size: stats.size };
  } catch (error) {
    if (error instanceof SourceError) throw error;
    throw fileError('json', path, error);
  } finally {
    await file.close();
  }
}
