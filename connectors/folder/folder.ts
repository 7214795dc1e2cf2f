import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { basename, extname } from 'node:path';
import { arrow } from '../arrow/arrow.ts';
import { csv } from '../csv/csv.ts';
import { SourceError } from '../errors.ts';
import { excel } from '../excel/excel.ts';
import { fileError, fromBaseDir } from '../file-source.ts';
import { json } from '../json/json.ts';
import type {
  CheckResult,
  Connector,
  ConnectorDescription,
  ExtractContext,
  ExtractedBatch,
  SourceColumnType,
} from '../types.ts';
import { matchFiles } from './glob.ts';
import {
  type FolderKind,
  type FolderOptions,
  type FolderOptionsInput,
  type LoadedFile,
  parseFolderOptions,
} from './options.ts';

/**
 * File extension → kind, used when `folder({ kind })` is not given, and by `gongshu ingest` (which adds Parquet;
 * the order is the order its messages list them in).
 */
export const KIND_BY_EXTENSION: Readonly<Record<string, FolderKind>> = Object.freeze({
  '.csv': 'csv',
  '.txt': 'csv',
  '.tsv': 'csv',
  '.xlsx': 'excel',
  '.json': 'json',
  '.ndjson': 'json',
  '.jsonl': 'json',
  '.arrow': 'arrow',
  '.arrows': 'arrow',
  '.ipc': 'arrow',
  '.feather': 'arrow',
});

const FACTORIES: Readonly<Record<FolderKind, (options: Record<string, unknown>) => Connector>> = {
  csv: (o) => csv(o as never),
  excel: (o) => excel(o as never),
  json: (o) => json(o as never),
  arrow: (o) => arrow(o as never),
};

/**
 * A folder drop: the files matching a glob, in name order, each read by the connector of its kind (given,
 * or by extension) with its own locations (`hukou-2.csv:7`). Each file is loaded once, by content: the
 * connector hashes every file (sha256) and skips one whose hash `ctx.seen(hash)` reports as loaded, or
 * that repeats an earlier file of the same drop. The LAST batch of each file carries
 * `files: [{ path, sha256, rows }]` (a file without rows is reported on the next batch, or on a final
 * empty batch) so the loader records the hashes in the same transaction as the rows.
 *
 * All files must have the same columns (in any order; they are reordered to the first file's); a file
 * whose columns differ stops the extraction with a SourceError naming it, since batches share one column list.
 *
 * @example
 * const source = folder({ glob: 'drop/hukou-*.csv', options: { csv: { encoding: 'auto' } } });
 */
export function folder(input: FolderOptionsInput): Connector {
  const options = parseFolderOptions(input);
  // Validate the per-kind options now, with a placeholder path, so a typo fails at definition time.
  for (const kind of Object.keys(options.options) as FolderKind[]) {
    const given = options.options[kind];
    if (given !== undefined) FACTORIES[kind]({ ...given, path: 'placeholder' });
  }
  return {
    kind: 'folder',
    withBaseDir: (dir) => folder({ ...input, glob: fromBaseDir(dir, options.glob) }),
    describe(): ConnectorDescription {
      return {
        kind: 'folder',
        source: options.glob,
        options: {
          glob: options.glob,
          ...(options.kind === undefined ? {} : { kind: options.kind }),
          options: JSON.parse(JSON.stringify(options.options)) as Record<string, unknown>,
        },
      };
    },
    async check(): Promise<CheckResult> {
      try {
        const files = await listFiles(options);
        if (files.length === 0) return { ok: false, message: `${options.glob}: no file matches` };
        for (const file of files) {
          const result = await file.connector?.check();
          if (result && !result.ok) return result;
        }
        return { ok: true, message: `${options.glob}: ${files.length} file(s) match` };
      } catch (error) {
        if (error instanceof SourceError) return { ok: false, message: error.message };
        throw error;
      }
    },
    extract(ctx: ExtractContext = {}): AsyncIterable<ExtractedBatch> {
      return extractFiles(options, ctx);
    },
  };
}

interface Matched {
  readonly path: string;
  readonly kind: FolderKind | undefined;
  readonly connector: Connector | undefined;
}

async function listFiles(options: FolderOptions): Promise<Matched[]> {
  let paths: string[];
  try {
    paths = await matchFiles(options.glob);
  } catch (error) {
    throw fileError('folder', options.glob, error);
  }
  return paths.map((path) => {
    const kind = options.kind ?? KIND_BY_EXTENSION[extname(path).toLowerCase()];
    const connector = kind === undefined ? undefined : FACTORIES[kind]({ ...options.options[kind], path });
    return { path, kind, connector };
  });
}

async function* extractFiles(options: FolderOptions, ctx: ExtractContext): AsyncGenerator<ExtractedBatch> {
  const { signal, note } = ctx;
  signal?.throwIfAborted();
  const files = await listFiles(options);
  if (files.length === 0) note?.(`${options.glob}: no file matches`);
  let columns: readonly string[] | undefined;
  let columnTypes: readonly (SourceColumnType | undefined)[] | undefined;
  let firstFile = '';
  const hashes = new Map<string, string>();
  // Files finished but not yet reported (no rows, or skipped nothing): attached to the next batch out.
  let pendingFiles: LoadedFile[] = [];

  for (const file of files) {
    if (file.connector === undefined) {
      note?.(
        `skip ${file.path}: unknown file kind ${JSON.stringify(extname(file.path))}; give folder({ kind })`,
      );
      continue;
    }
    const sha256 = await hashFile(file.path);
    const earlier = hashes.get(sha256);
    if (earlier !== undefined) {
      note?.(`skip ${file.path}: same content as ${earlier} (sha256 ${sha256.slice(0, 12)}…)`);
      continue;
    }
    if (ctx.seen?.(sha256)) {
      note?.(`skip ${file.path}: already loaded (sha256 ${sha256.slice(0, 12)}…)`);
      continue;
    }
    hashes.set(sha256, file.path);
    const name = basename(file.path);
    const child: ExtractContext = {
      ...(signal ? { signal } : {}),
      ...(ctx.incremental ? { incremental: ctx.incremental } : {}),
      ...(note ? { note: (m: string) => note(`${name}: ${m}`) } : {}),
    };
    let rows = 0;
    let held: ExtractedBatch | undefined;
    for await (const batch of file.connector.extract(child)) {
      if (columns === undefined) {
        columns = batch.columns;
        columnTypes = batch.columnTypes;
        firstFile = file.path;
      }
      const aligned = align(batch, columns, columnTypes, file.path, firstFile);
      rows += aligned.rows.length;
      if (held) yield withFiles(held, pendingFiles.splice(0));
      held = aligned;
    }
    pendingFiles.push({ path: file.path, sha256, rows });
    if (held) yield withFiles(held, pendingFiles.splice(0));
  }
  if (pendingFiles.length > 0) {
    yield withFiles({ columns: columns ?? [], rows: [], locations: [] }, pendingFiles);
    pendingFiles = [];
  }
}

function withFiles(batch: ExtractedBatch, files: LoadedFile[]): ExtractedBatch {
  return files.length === 0 ? batch : { ...batch, files };
}

/** Puts a later file's columns in the first file's order; a different set of columns is a SourceError. */
function align(
  batch: ExtractedBatch,
  columns: readonly string[],
  columnTypes: readonly (SourceColumnType | undefined)[] | undefined,
  path: string,
  firstFile: string,
): ExtractedBatch {
  const typed = columnTypes === undefined ? {} : { columnTypes };
  if (batch.columns === columns || sameOrder(batch.columns, columns)) return { ...batch, columns, ...typed };
  const index = columns.map((c) => batch.columns.indexOf(c));
  const missing = columns.filter((_, i) => index[i] === -1);
  const extra = batch.columns.filter((c) => !columns.includes(c));
  if (missing.length > 0 || extra.length > 0) {
    const list = (names: string[]) => names.map((n) => JSON.stringify(n)).join(', ');
    throw new SourceError(
      `${path}: its columns differ from ${firstFile}'s` +
        `${missing.length > 0 ? `; missing ${list(missing)}` : ''}${extra.length > 0 ? `; extra ${list(extra)}` : ''}. ` +
        'A folder drop loads files of one layout into one dataset. Fix: correct the file, or load it with its ' +
        'own pipeline',
      { path, firstFile, missing, extra },
    );
  }
  const rows = batch.rows.map((row) => index.map((i) => row[i] ?? null));
  return { ...batch, columns, rows, ...typed };
}

function sameOrder(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((c, i) => c === b[i]);
}

/** The sha256 of a file's bytes, hex. */
export async function hashFile(path: string): Promise<string> {
  const hash = createHash('sha256');
  try {
    for await (const chunk of createReadStream(path) as AsyncIterable<Buffer>) hash.update(chunk);
  } catch (error) {
    throw fileError('folder', path, error);
  }
  return hash.digest('hex');
}
