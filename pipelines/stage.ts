import type { ExtractedBatch, IncrementalRequest } from '../connectors/index.ts';
import type { Warehouse } from '../warehouse/index.ts';
import type { Pipeline } from './define.ts';
import { stageRelation } from './stage-relation.ts';
import {
  type ConsumedFile,
  createStage,
  dropStage,
  type Staged,
  stagedNames,
  stageTableName,
} from './stage-table.ts';

/** Options of `stageSource`. */
export interface StageOptions {
  readonly loadId: string;
  readonly onProgress?: (rowsRead: number) => void;
  readonly signal?: AbortSignal;
  readonly incremental?: IncrementalRequest;
  /** Whether a file with this content hash was loaded into the dataset before. */
  readonly seen?: (sha256: string) => boolean;
}

/**
 * Extracts the pipeline's source into a temporary staging table (all text) with DuckDB's appender.
 * Nothing durable is written: a failure here leaves the warehouse untouched.
 */
export async function stageSource(wh: Warehouse, pipeline: Pipeline, options: StageOptions): Promise<Staged> {
  const table = stageTableName(options.loadId);
  const notes: string[] = [];
  const files: ConsumedFile[] = [];
  let columns: readonly string[] | undefined;
  let sourceTypes: readonly (string | undefined)[] = [];
  let rowsRead = 0;
  const source = pipeline.source;
  const relation = source.relation ? await source.relation() : undefined;
  if (relation) {
    let kept = false;
    try {
      const staged = await stageRelation(wh, pipeline, table, relation);
      if (staged.ok) {
        options.onProgress?.(staged.value.rowsRead);
        kept = true;
        return staged.value;
      }
      notes.push(`DuckDB fast path declined (${staged.why}); parsed in JS instead`);
      await dropStage(wh, table);
    } finally {
      // A staged relation that still reads the relation's files keeps them until the load disposes the stage.
      if (!kept) await relation.dispose?.();
    }
  }
  for await (const batch of source.extract({
    note: (m) => notes.push(m),
    ...(options.signal ? { signal: options.signal } : {}),
    ...(options.incremental ? { incremental: options.incremental } : {}),
    ...(options.seen ? { seen: options.seen } : {}),
  })) {
    if (!columns) {
      const renamed = stagedNames(batch.columns);
      columns = renamed.columns;
      notes.push(...renamed.notes);
      sourceTypes = batch.columnTypes ?? [];
      await createStage(wh, table, pipeline, columns);
    }
    await wh.append(table, stageRows(batch, rowsRead), { catalog: 'temp' });
    rowsRead += batch.rows.length;
    for (const f of batch.files ?? []) files.push(f);
    options.onProgress?.(rowsRead);
  }
  if (!columns) {
    // An empty source (or every file already loaded): stage nothing, but the key column must still exist
    // for a table that has rows already; the write step handles an empty stage.
    columns = [];
    await createStage(
      wh,
      table,
      { ...pipeline, dataset: { ...pipeline.dataset, key: undefined } } as Pipeline,
      columns,
    );
  }
  return { table, columns, sourceTypes, rowsRead, notes, files, dispose: () => dropStage(wh, table) };
}

function stageRows(batch: ExtractedBatch, offset: number): Iterable<(string | null)[]> {
  return batch.rows.map((row, i) => [
    String(offset + i + 1),
    batch.locations[i] ?? null,
    batch.problems?.[i] ?? null,
    extraJson(batch, i),
    ...row,
  ]);
}

/** The values of row `i` beyond the header as a JSON object (`{"_extra_4": "…"}`), or null. */
function extraJson(batch: ExtractedBatch, i: number): string | null {
  const extra = batch.extras?.[i];
  if (!extra || Object.keys(extra).length === 0) return null;
  return JSON.stringify(extra);
}
