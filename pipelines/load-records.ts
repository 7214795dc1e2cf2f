/**
 * The records a load commits with its rows (in the load's transaction): the schema changes, the files it
 * consumed, the dataset registration and the load itself in the ledger.
 */
import type { ConnectorDescription } from '../connectors/index.ts';
import type { Warehouse } from '../warehouse/index.ts';
import { DATASETS_TABLE, FILES_TABLE, LOADS_TABLE, SCHEMA_CHANGES_TABLE } from '../warehouse/index.ts';
import type { SchemaChange } from './contract.ts';
import type { Pipeline } from './define.ts';
import type { ConsumedFile } from './stage-table.ts';
import type { WriteCounts } from './write.ts';

/** The content hashes of the files loaded into a dataset before. */
export async function consumedFiles(wh: Warehouse, dataset: string): Promise<Set<string>> {
  const rows = await wh.all<{ sha256: string }>(`SELECT sha256 FROM ${FILES_TABLE} WHERE dataset = $1`, [
    dataset,
  ]);
  return new Set(rows.map((r) => r.sha256));
}

/** Records how the source's columns differ from the table's, and what the contract did. */
export async function recordSchemaChanges(
  wh: Warehouse,
  loadId: string,
  dataset: string,
  changes: readonly SchemaChange[],
): Promise<void> {
  for (const c of changes) {
    await wh.run(`INSERT INTO ${SCHEMA_CHANGES_TABLE} VALUES ($1, $2, $3, $4, $5, $6, $7, now())`, [
      loadId,
      dataset,
      c.change,
      c.column,
      c.oldType,
      c.newType,
      c.action,
    ]);
  }
}

/** Records the files the load consumed, so a later load of the same content skips them. */
export async function recordFiles(
  wh: Warehouse,
  dataset: string,
  files: readonly ConsumedFile[],
  loadId: string,
): Promise<void> {
  for (const f of files) {
    await wh.run(`INSERT INTO ${FILES_TABLE} VALUES ($1, $2, $3, $4, $5, now())`, [
      dataset,
      f.sha256,
      f.path,
      f.rows,
      loadId,
    ]);
  }
}

/** Registers the dataset (or updates its registration): its table, key and catalog entry. */
export async function registerDataset(
  wh: Warehouse,
  dataset: Pipeline['dataset'],
  keyTarget: string | undefined,
): Promise<void> {
  const key = dataset.key;
  await wh.run(
    `INSERT INTO ${DATASETS_TABLE} VALUES ($1, $2, $3, $4, $5, $6, now())
     ON CONFLICT (dataset) DO UPDATE SET table_name = excluded.table_name, key_kind = excluded.key_kind,
       key_column = excluded.key_column, source_key_column = excluded.source_key_column,
       catalog = excluded.catalog, updated_at = excluded.updated_at`,
    [
      dataset.name,
      dataset.name,
      key?.kind ?? null,
      keyTarget ?? key?.column ?? null,
      key?.column ?? null,
      dataset.catalog ? JSON.stringify(dataset.catalog) : null,
    ],
  );
}

/** One committed load, as the ledger records it. */
export interface LoadRecord {
  readonly loadId: string;
  readonly runId: string | null;
  readonly dataset: Pipeline['dataset'];
  readonly source: ConnectorDescription;
  /** The source gave no rows and no columns (recorded as an append of nothing). */
  readonly empty: boolean;
  readonly started: Date;
  readonly finished: Date;
  readonly rowsRead: number;
  readonly counts: WriteCounts;
  readonly notes: readonly string[];
  /** The stored key column, if the dataset has a key. */
  readonly keyTarget: string | undefined;
}

/** Records the load in the ledger as committed. */
export async function recordLoad(wh: Warehouse, load: LoadRecord): Promise<void> {
  const { dataset, counts } = load;
  await wh.run(
    `INSERT INTO ${LOADS_TABLE} (load_id, run_id, dataset, table_name, connector, source, write_mode, status,
       started_at, finished_at, rows_read, rows_loaded, rows_quarantined, source_options, notes, rows_skipped,
       rows_replaced, merge_key, duplicate_key_rows)
     VALUES ($1, $2, $3, $4, $5, $6, $7, 'committed', $8, $15::TIMESTAMPTZ, $9, $10, $11, $12, $13, $14, $16, $17, $18)`,
    [
      load.loadId,
      load.runId,
      dataset.name,
      dataset.name,
      load.source.kind,
      load.source.source,
      // An empty source changed nothing: recorded as an append of nothing, not as a replace.
      load.empty ? 'append' : dataset.writeMode,
      load.started.toISOString(),
      load.rowsRead,
      counts.loaded,
      counts.quarantined,
      JSON.stringify(load.source.options),
      JSON.stringify(load.notes),
      counts.skipped,
      load.finished.toISOString(),
      counts.replaced,
      dataset.writeMode === 'merge'
        ? JSON.stringify(dataset.mergeKey ?? (load.keyTarget ? [load.keyTarget] : []))
        : null,
      load.keyTarget ? counts.duplicates : null,
    ],
  );
}
