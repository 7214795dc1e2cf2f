import { existsSync, statSync } from 'node:fs';
import { basename, resolve } from 'node:path';
import { definitionErrorFromZod, quoteLiteral } from '../../schemas/index.ts';
import { SourceError } from '../errors.ts';
import { fromBaseDir } from '../file-source.ts';
import type { CheckResult, Connector, ConnectorDescription, ExtractedBatch, SqlRelation } from '../types.ts';
import { type ParquetOptions, type ParquetOptionsInput, parquetOptionsSchema } from './options.ts';

/**
 * Parquet files through DuckDB's own reader: the loader stages them with one `INSERT … SELECT`, so the rows
 * never pass through JavaScript. Column types come from the Parquet schema; locations are `file.parquet#N`
 * (1-based row within the file).
 * @example parquet({ path: 'drop/enterprises-2026-11.parquet' })
 */
export function parquet(input: ParquetOptionsInput): Connector {
  const parsed = parquetOptionsSchema.safeParse(input, { reportInput: true });
  if (!parsed.success)
    throw definitionErrorFromZod(
      parsed.error,
      { object: 'parquet()' },
      { path: 'parquet({ path: "data/x.parquet" })' },
    );
  const options: ParquetOptions = Object.freeze({ ...parsed.data, path: resolve(parsed.data.path) });
  const glob = /[*?[]/.test(options.path);
  const missing = () =>
    new SourceError(
      `${options.path}: no such file. Fix: check the path (relative paths resolve from the project folder, or ${process.cwd()} outside a project)`,
      {
        path: options.path,
      },
    );
  return {
    kind: 'parquet',
    withBaseDir: (dir) => parquet({ ...input, path: fromBaseDir(dir, parsed.data.path) }),
    describe(): ConnectorDescription {
      return { kind: 'parquet', source: options.path, options: { path: options.path } };
    },
    async check(): Promise<CheckResult> {
      if (!glob && !existsSync(options.path)) return { ok: false, message: missing().message };
      return { ok: true, message: `${options.path}: read by DuckDB's Parquet reader` };
    },
    relation(): SqlRelation {
      if (!glob && (!existsSync(options.path) || !statSync(options.path).isFile())) throw missing();
      return {
        sql: `read_parquet(${quoteLiteral(options.path)}, file_row_number = true, filename = true)`,
        location: glob
          ? `parse_filename(filename) || '#' || (file_row_number + 1)`
          : `${quoteLiteral(basename(options.path))} || '#' || (file_row_number + 1)`,
        hidden: ['file_row_number', 'filename'],
      };
    },
    // biome-ignore lint/correctness/useYield: Parquet is staged through relation(); extract() explains why.
    async *extract(): AsyncIterable<ExtractedBatch> {
      throw new SourceError(
        `${options.path}: Parquet is read inside DuckDB; load it through a pipeline or gongshu ingest (relation())`,
        { path: options.path },
      );
    },
  };
}
