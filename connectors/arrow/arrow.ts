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
} from '../types.ts';
import { type ArrowOptions, type ArrowOptionsInput, parseArrowOptions } from './options.ts';
import type { ColumnMapping } from './type-mapping.ts';

/**
 * An Arrow IPC connector for files and streams (apache-arrow detects which from the magic bytes). It opens
 * the file as a FileHandle, so the file format is read batch by batch through its footer and the stream
 * format message by message: neither is read whole into memory. Each record batch becomes one extracted
 * batch of text rows with `columnTypes` from the schema, located as `file.arrow#<batch>:<row>` (0-based).
 *
 * @example
 * const source = arrow({ path: 'inbox/650100-hukou.arrows' });
 */
export function arrow(input: ArrowOptionsInput): Connector {
  const options = parseArrowOptions(input);
  return {
    kind: 'arrow',
    withBaseDir: (dir) => arrow({ ...input, path: fromBaseDir(dir, options.path) }),
    describe(): ConnectorDescription {
      return { kind: 'arrow', source: options.path, options: { path: options.path } };
    },
    async check(): Promise<CheckResult> {
      let file: FileHandle | undefined;
      try {
        file = await openFile(options.path);
        const reader = await openReader(options.path, file);
        const fields = reader.schema.fields.length;
        return {
          ok: true,
          message: `${options.path}: readable Arrow IPC ${reader.isFile() ? 'file' : 'stream'}, ${fields} columns`,
        };
      } catch (error) {
        if (error instanceof SourceError) return { ok: false, message: error.message };
        throw error;
      } finally {
        await file?.close();
      }
    },
    extract(ctx: ExtractContext = {}): AsyncIterable<ExtractedBatch> {
      return extractRows(options, ctx);
    },
  };
}

async function* extractRows(options: ArrowOptions, ctx: ExtractContext): AsyncGenerator<ExtractedBatch> {
  const { signal } = ctx;
  signal?.throwIfAborted();
  const { path } = options;
  const name = basename(path);
  const file = await openFile(path);
  try {
    const reader = await openReader(path, file);
    const columns = Object.freeze(reader.schema.fields.map((f) => f.name));
    // type-mapping.ts imports apache-arrow: loaded with the reader, only by a command reading Arrow IPC.
    const { mapField } = await import('./type-mapping.ts');
    const mappings: ColumnMapping[] = reader.schema.fields.map(mapField);
    const columnTypes = Object.freeze(mappings.map((m) => m.type));
    ctx.note?.(`arrow ${reader.isFile() ? 'file' : 'stream'}, ${columns.length} columns`);
    let index = 0;
    const batches = reader[Symbol.asyncIterator]();
    while (true) {
      let next: IteratorResult<import('apache-arrow').RecordBatch>;
      try {
        next = await batches.next();
      } catch (error) {
        throw damaged(path, `record batch ${index}`, error);
      }
      if (next.done) break;
      const batch = next.value;
      const vectors = mappings.map((_, i) => batch.getChildAt(i));
      const rows: (string | null)[][] = [];
      const locations: string[] = [];
      for (let r = 0; r < batch.numRows; r++) {
        const row: (string | null)[] = [];
        for (let c = 0; c < mappings.length; c++) {
          const value: unknown = vectors[c]?.get(r);
          row.push(value === null || value === undefined ? null : mappings[c]!.toText(value));
        }
        rows.push(row);
        locations.push(`${name}#${index}:${r}`);
      }
      index++;
      if (rows.length > 0) yield { columns, rows, locations, columnTypes };
      signal?.throwIfAborted();
    }
  } finally {
    await file.close();
  }
}

async function openFile(path: string): Promise<FileHandle> {
  try {
    const file = await open(path, 'r');
    if (!(await file.stat()).isFile()) {
      await file.close();
      throw Object.assign(new Error('is a directory'), { code: 'EISDIR' });
    }
    return file;
  } catch (error) {
    throw fileError('arrow', path, error);
  }
}

async function openReader(path: string, file: FileHandle) {
  try {
    const { RecordBatchReader } = await import('apache-arrow');
    const reader = await RecordBatchReader.from(file);
    await reader.open();
    if (reader.schema === undefined || reader.schema === null) throw new Error('no schema message');
    return reader;
  } catch (error) {
    throw damaged(path, 'the schema', error);
  }
}

function damaged(path: string, where: string, error: unknown): SourceError {
  const reason = error instanceof Error ? error.message : String(error);
  return new SourceError(
    `${path}: not a readable Arrow IPC file or stream at ${where} (${reason}). Fix: re-export it with ` +
      "an Arrow writer (e.g. pyarrow.ipc.new_file / new_stream, or tableToIPC(table, 'file'))",
    { path, where },
    { cause: error },
  );
}
