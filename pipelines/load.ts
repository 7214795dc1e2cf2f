import { type ConnectorDescription, SourceError } from '../connectors/index.ts';
import { newId, quoteIdent as q } from '../schemas/index.ts';
import { type Warehouse, withinMemoryLimit } from '../warehouse/index.ts';
import { type ColumnPlan, planColumns } from './columns.ts';
import { type ContractDecision, decideContract, type SchemaChange, tableSchema } from './contract.ts';
import type { Pipeline } from './define.ts';
import { type CursorState, incrementalRequest, readCursor, writeCursor } from './incremental.ts';
import {
  consumedFiles,
  recordFiles,
  recordLoad,
  recordSchemaChanges,
  registerDataset,
} from './load-records.ts';
import { stageSource } from './stage.ts';
import { type Staged, stageTableName } from './stage-table.ts';
import {
  type Checked,
  checkRows,
  dropChecked,
  type WriteContext,
  type WriteCounts,
  writeChecked,
} from './write.ts';

export { LINEAGE_COLUMNS } from './stage-table.ts';

/** What one load did. */
export interface LoadResult {
  readonly loadId: string;
  readonly pipeline: string;
  readonly dataset: string;
  readonly source: string;
  readonly rowsRead: number;
  readonly rowsLoaded: number;
  readonly rowsQuarantined: number;
  /** Rows an incremental load did not need (at or below the cursor, or already loaded in the lag window). */
  readonly rowsSkipped: number;
  /** Rows of a merge load replaced by a later row with the same key in the same load. */
  readonly rowsSuperseded: number;
  /** Rows of earlier loads a merge load deleted because it wrote their merge key again. */
  readonly rowsReplaced: number;
  /** Quarantined rows by reason, e.g. `{ 'key:checksum': 12, 'field-count: …': 1 }`. */
  readonly quarantinedByReason: Readonly<Record<string, number>>;
  /** Loaded rows whose key repeats an earlier loaded row (kept; the quality engine scores uniqueness). */
  readonly duplicateKeyRows: number;
  /** Loaded rows whose key was rewritten by normalisation (the original text is kept in `_key_original`). */
  readonly keysNormalized: number;
  /** Loaded rows whose values in new columns were dropped under the `discard-value` contract. */
  readonly valuesDiscarded: number;
  /** How the source's columns differ from the table's, and what the contract did. */
  readonly schemaChanges: readonly SchemaChange[];
  /** The cursor committed with this load, for incremental datasets. */
  readonly cursor: string | null;
  readonly seconds: number;
  readonly notes: readonly string[];
}

/** Options of `loadPipeline`. */
export interface LoadOptions {
  readonly runId?: string;
  /** Called after each extracted batch with the running count of rows read. */
  readonly onProgress?: (rowsRead: number) => void;
  readonly signal?: AbortSignal;
  /** The load time recorded in `_ingested_at` and the ledger. Defaults to now. */
  readonly now?: Date;
  /** Extra work committed in the load's transaction (e.g. marking replayed quarantine rows). */
  readonly inTransaction?: (wh: Warehouse, loadId: string) => Promise<void>;
}

/** A new load id: `<dataset>-<UTC yyyymmddhhmmss>-<random>`. */
export function newLoadId(dataset: string, now = new Date()): string {
  return newId(dataset, now);
}

/**
 * Loads one pipeline's source into its dataset table. Rows are staged as text; keys are normalised and
 * validated by the SQL macros; bad rows go to `gongshu.quarantine` with reason and source location; the
 * table write (by write mode and contract), the quarantine rows, the schema changes, the consumed files,
 * the cursor, the dataset registration and the load record commit in one transaction: a failure or a crash
 * leaves the previous table, cursor and ledger as they were.
 */
export async function loadPipeline(
  wh: Warehouse,
  pipeline: Pipeline,
  options: LoadOptions = {},
): Promise<LoadResult> {
  // A warehouse opened without a memory limit loads within LOAD_MEMORY_LIMIT: by default DuckDB may take 80% of
  // RAM, and a 10M-row load took 3 GiB.
  return withinMemoryLimit(wh, LOAD_MEMORY_LIMIT, () => load(wh, pipeline, options));
}

/**
 * DuckDB's memory limit during a load into a warehouse opened without one: with Node and what DuckDB allocates
 * outside its buffer pool, a 10M-row load stays under 1 GiB of resident memory (bench/results/ingest.json).
 */
export const LOAD_MEMORY_LIMIT = '500MB';

async function load(wh: Warehouse, pipeline: Pipeline, options: LoadOptions): Promise<LoadResult> {
  const started = options.now ?? new Date();
  const t0 = performance.now();
  const loadId = newLoadId(pipeline.dataset.name, started);
  const cursor = await readCursor(wh, pipeline);
  const staged = await stage(wh, pipeline, loadId, cursor, options);
  return loadStaged(wh, pipeline, options, { loadId, started, t0, cursor, staged });
}

/** Writes a staged source (see `loadPipeline`); the stage is disposed when done. */
async function loadStaged(
  wh: Warehouse,
  pipeline: Pipeline,
  options: LoadOptions,
  s: {
    loadId: string;
    started: Date;
    t0: number;
    cursor: CursorState | undefined;
    staged: Staged;
  },
): Promise<LoadResult> {
  const { loadId, started, t0, cursor, staged } = s;
  const { dataset } = pipeline;
  const description = pipeline.source.describe();
  // A source that gave no rows and no columns (an empty file, `[]`, every file of a folder loaded before):
  // nothing to write. The table stays as it is (even for `replace`: an empty export must not wipe a dataset),
  // and a dataset that does not exist yet cannot be created from it.
  const empty = staged.columns.length === 0 && staged.rowsRead === 0;
  const notes = empty
    ? [...staged.notes, 'the source has no rows and no columns: nothing was written, the table is unchanged']
    : staged.notes;
  try {
    if (empty && (await tableSchema(wh, dataset.name)) === undefined) {
      throw new SourceError(
        `${description.source}: no rows and no columns (an empty file, or an empty JSON array): there is nothing ` +
          `to create dataset ${dataset.name} from, so nothing was loaded. Fix: check the department's export, and ` +
          'load it once it has a header and rows',
        { source: description.source },
      );
    }
    const plans = planColumns(pipeline, staged.columns, staged.sourceTypes);
    const load: Load = {
      wh,
      pipeline,
      description,
      options,
      loadId,
      started,
      t0,
      cursor,
      staged,
      plans,
      empty,
      notes,
    };
    // The contract and the checks read the warehouse before the transaction (see `checkRows`): one writer.
    const existing = await tableSchema(wh, dataset.name);
    const decision = empty ? UNCHANGED : decideContract(pipeline, plans, existing);
    const ctx: WriteContext = {
      staged,
      plans,
      decision,
      tableExists: existing !== undefined,
      cursor,
      loadId,
      started,
    };
    const checked = empty ? undefined : await checkRows(wh, pipeline, ctx);
    // The checked table holds every staged row: the stage goes now rather than after the write (at 10M rows
    // it is about 1 GB that DuckDB would otherwise keep, spilled next to the database, while the write runs).
    if (checked) await staged.dispose();
    const result = await wh
      .transaction(() => writeLoad(load, ctx, checked))
      .finally(() => (checked ? dropChecked(wh, checked) : undefined));
    return {
      loadId,
      pipeline: pipeline.name,
      dataset: dataset.name,
      source: description.source,
      rowsRead: staged.rowsRead,
      rowsLoaded: result.counts.loaded,
      rowsQuarantined: result.counts.quarantined,
      rowsSkipped: result.counts.skipped,
      rowsSuperseded: result.counts.superseded,
      rowsReplaced: result.counts.replaced,
      quarantinedByReason: result.counts.byReason,
      duplicateKeyRows: result.counts.duplicates,
      keysNormalized: result.counts.normalized,
      valuesDiscarded: result.counts.valuesDiscarded,
      schemaChanges: result.changes,
      cursor: result.newCursor ?? cursor?.stored ?? null,
      seconds: (performance.now() - t0) / 1000,
      notes,
    };
  } finally {
    await staged.dispose().catch(() => undefined);
  }
}

/** Stages the pipeline's source (files loaded before are skipped); a failure drops what was staged. */
async function stage(
  wh: Warehouse,
  pipeline: Pipeline,
  loadId: string,
  cursor: CursorState | undefined,
  options: LoadOptions,
): Promise<Staged> {
  const seenFiles = await consumedFiles(wh, pipeline.dataset.name);
  const request = incrementalRequest(cursor);
  return stageSource(wh, pipeline, {
    loadId,
    seen: (sha) => seenFiles.has(sha),
    ...(request ? { incremental: request } : {}),
    ...(options.onProgress ? { onProgress: options.onProgress } : {}),
    ...(options.signal ? { signal: options.signal } : {}),
  }).catch(async (error) => {
    await wh.run(`DROP TABLE IF EXISTS temp.${q(stageTableName(loadId))}`).catch(() => undefined);
    throw error;
  });
}

/** One load on its way into the warehouse, once its source is staged. */
interface Load {
  readonly wh: Warehouse;
  readonly pipeline: Pipeline;
  readonly description: ConnectorDescription;
  readonly options: LoadOptions;
  readonly loadId: string;
  readonly started: Date;
  /** `performance.now()` when the load started. */
  readonly t0: number;
  readonly cursor: CursorState | undefined;
  readonly staged: Staged;
  readonly plans: readonly ColumnPlan[];
  /** The source gave no rows and no columns: nothing is written. */
  readonly empty: boolean;
  readonly notes: readonly string[];
}

/** The load's transaction: the table write, then its records (schema changes, files, cursor, dataset, load). */
async function writeLoad(load: Load, ctx: WriteContext, checked: Checked | undefined) {
  const { wh, pipeline, staged, plans, cursor, loadId, started, empty } = load;
  const { dataset } = pipeline;
  const { decision } = ctx;
  const counts = checked ? await writeChecked(wh, pipeline, ctx, checked) : NOTHING_WRITTEN;
  await recordSchemaChanges(wh, loadId, dataset.name, decision.changes);
  await recordFiles(wh, dataset.name, staged.files, loadId);
  const newCursor =
    cursor && counts.cursorType
      ? await greatest(wh, cursor.stored, counts.maxCursor, counts.cursorType)
      : null;
  if (cursor && counts.cursorType && newCursor !== null) {
    await writeCursor(wh, dataset.name, cursor.column, newCursor, counts.cursorType, loadId);
  }
  const keyTarget = dataset.key ? plans.find((p) => p.isKey)?.target : undefined;
  await registerDataset(wh, dataset, keyTarget);
  await recordLoad(wh, {
    loadId,
    runId: load.options.runId ?? null,
    dataset,
    source: load.description,
    empty,
    started,
    // the load's clock (`options.now`, else the real start) plus the time it took
    finished: new Date(started.getTime() + (performance.now() - load.t0)),
    rowsRead: staged.rowsRead,
    counts,
    notes: load.notes,
    keyTarget,
  });
  await load.options.inTransaction?.(wh, loadId);
  return { counts, changes: decision.changes, newCursor };
}

const UNCHANGED: ContractDecision = {
  changes: [],
  excluded: new Set(),
  castTo: new Map(),
  removed: new Map(),
};

const NOTHING_WRITTEN: WriteCounts = {
  loaded: 0,
  quarantined: 0,
  skipped: 0,
  superseded: 0,
  replaced: 0,
  byReason: {},
  duplicates: 0,
  normalized: 0,
  valuesDiscarded: 0,
  maxCursor: null,
  cursorType: null,
};

/** The greater of the stored cursor and the load's maximum, compared as the cursor's type. */
async function greatest(wh: Warehouse, stored: string | null, max: string | null, type: string) {
  if (stored === null) return max;
  if (max === null) return stored;
  return (
    (await wh.value<string>(`SELECT CAST(greatest(CAST($1 AS ${type}), CAST($2 AS ${type})) AS VARCHAR)`, [
      stored,
      max,
    ])) ?? stored
  );
}
