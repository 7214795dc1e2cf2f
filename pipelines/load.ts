import { SourceError } from '../connectors/index.ts';
import { newId, quoteIdent as q, quoteLiteral } from '../schemas/index.ts';
import type { Warehouse } from '../warehouse/index.ts';
import { DATASETS_TABLE, FILES_TABLE, LOADS_TABLE, SCHEMA_CHANGES_TABLE } from '../warehouse/index.ts';
import { planColumns } from './columns.ts';
import { type ContractDecision, decideContract, type SchemaChange, tableSchema } from './contract.ts';
import type { Pipeline } from './define.ts';
import { incrementalRequest, readCursor, writeCursor } from './incremental.ts';
import { stageSource } from './stage.ts';
import { checkAndWrite, type WriteCounts } from './write.ts';

export { LINEAGE_COLUMNS } from './stage.ts';

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
  // A warehouse opened without a memory limit loads within LOAD_MEMORY_LIMIT (DuckDB spills above it, next to
  // the database): by default DuckDB may take 80% of RAM, and a 10M-row load took 3 GiB. The limit is DuckDB's,
  // so it holds for the whole instance while the load runs. The previous limit is SET back afterwards, not RESET:
  // in DuckDB 1.5 `RESET memory_limit` restores the setting's text but leaves the buffer manager at the lowered
  // limit (pragma_database_size() still says 476.8 MiB), and a following foundation build ran out of memory.
  const bounded = wh.memoryLimit === undefined && wh.path !== ':memory:' && !wh.readOnly;
  if (!bounded) return load(wh, pipeline, options);
  // Read once per warehouse: DuckDB prints the limit rounded (18.8 GiB), so reading it again after setting it back
  // would drift down by 0.1 GiB per load.
  let previous = defaultLimits.get(wh);
  if (previous === undefined) {
    previous = (await wh.value<string>("SELECT current_setting('memory_limit')")) ?? '';
    defaultLimits.set(wh, previous);
  }
  await wh.run(`SET memory_limit = '${LOAD_MEMORY_LIMIT}'`);
  try {
    return await load(wh, pipeline, options);
  } finally {
    if (previous) await wh.run(`SET memory_limit = ${quoteLiteral(previous)}`).catch(() => undefined);
  }
}

/** DuckDB's own memory limit of each open warehouse, as read before its first load. */
const defaultLimits = new WeakMap<Warehouse, string>();

/**
 * DuckDB's memory limit during a load into a warehouse opened without one: with Node and what DuckDB allocates
 * outside its buffer pool, a 10M-row load stays under 1 GiB of resident memory (bench/results/ingest.json).
 */
export const LOAD_MEMORY_LIMIT = '500MB';

async function load(wh: Warehouse, pipeline: Pipeline, options: LoadOptions): Promise<LoadResult> {
  const started = options.now ?? new Date();
  const t0 = performance.now();
  const { dataset } = pipeline;
  const loadId = newLoadId(dataset.name, started);
  const description = pipeline.source.describe();
  const cursor = await readCursor(wh, pipeline);
  const seenFiles = new Set(
    (
      await wh.all<{ sha256: string }>(`SELECT sha256 FROM ${FILES_TABLE} WHERE dataset = $1`, [dataset.name])
    ).map((r) => r.sha256),
  );
  const request = incrementalRequest(cursor);
  const staged = await stageSource(wh, pipeline, {
    loadId,
    seen: (sha) => seenFiles.has(sha),
    ...(request ? { incremental: request } : {}),
    ...(options.onProgress ? { onProgress: options.onProgress } : {}),
    ...(options.signal ? { signal: options.signal } : {}),
  }).catch(async (error) => {
    await wh
      .run(`DROP TABLE IF EXISTS temp.${q(`stage_${loadId.replace(/\W/g, '_')}`)}`)
      .catch(() => undefined);
    throw error;
  });
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
    const result = await wh.transaction(async () => {
      const existing = await tableSchema(wh, dataset.name);
      const decision = empty ? UNCHANGED : decideContract(pipeline, plans, existing);
      const counts = empty
        ? NOTHING_WRITTEN
        : await checkAndWrite(wh, pipeline, {
            staged,
            plans,
            decision,
            tableExists: existing !== undefined,
            cursor,
            loadId,
            started,
          });
      for (const c of decision.changes) {
        await wh.run(`INSERT INTO ${SCHEMA_CHANGES_TABLE} VALUES ($1, $2, $3, $4, $5, $6, $7, now())`, [
          loadId,
          dataset.name,
          c.change,
          c.column,
          c.oldType,
          c.newType,
          c.action,
        ]);
      }
      for (const f of staged.files) {
        await wh.run(`INSERT INTO ${FILES_TABLE} VALUES ($1, $2, $3, $4, $5, now())`, [
          dataset.name,
          f.sha256,
          f.path,
          f.rows,
          loadId,
        ]);
      }
      const newCursor =
        cursor && counts.cursorType
          ? await greatest(wh, cursor.stored, counts.maxCursor, counts.cursorType)
          : null;
      if (cursor && counts.cursorType && newCursor !== null) {
        await writeCursor(wh, dataset.name, cursor.column, newCursor, counts.cursorType, loadId);
      }
      const key = dataset.key;
      const keyTarget = key ? plans.find((p) => p.isKey)?.target : undefined;
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
      await wh.run(
        `INSERT INTO ${LOADS_TABLE} (load_id, run_id, dataset, table_name, connector, source, write_mode, status,
           started_at, finished_at, rows_read, rows_loaded, rows_quarantined, source_options, notes, rows_skipped,
           rows_replaced, merge_key)
         VALUES ($1, $2, $3, $4, $5, $6, $7, 'committed', $8, $15::TIMESTAMPTZ, $9, $10, $11, $12, $13, $14, $16, $17)`,
        [
          loadId,
          options.runId ?? null,
          dataset.name,
          dataset.name,
          description.kind,
          description.source,
          // An empty source changed nothing: recorded as an append of nothing, not as a replace.
          empty ? 'append' : dataset.writeMode,
          started.toISOString(),
          staged.rowsRead,
          counts.loaded,
          counts.quarantined,
          JSON.stringify(description.options),
          JSON.stringify(notes),
          counts.skipped,
          // the load's clock (`options.now`, else the real start) plus the time it took
          new Date(started.getTime() + (performance.now() - t0)).toISOString(),
          counts.replaced,
          dataset.writeMode === 'merge'
            ? JSON.stringify(dataset.mergeKey ?? (keyTarget ? [keyTarget] : []))
            : null,
        ],
      );
      await options.inTransaction?.(wh, loadId);
      return { counts, changes: decision.changes, newCursor };
    });
    const { counts } = result;
    return {
      loadId,
      pipeline: pipeline.name,
      dataset: dataset.name,
      source: description.source,
      rowsRead: staged.rowsRead,
      rowsLoaded: counts.loaded,
      rowsQuarantined: counts.quarantined,
      rowsSkipped: counts.skipped,
      rowsSuperseded: counts.superseded,
      rowsReplaced: counts.replaced,
      quarantinedByReason: counts.byReason,
      duplicateKeyRows: counts.duplicates,
      keysNormalized: counts.normalized,
      valuesDiscarded: counts.valuesDiscarded,
      schemaChanges: result.changes,
      cursor: result.newCursor ?? cursor?.stored ?? null,
      seconds: (performance.now() - t0) / 1000,
      notes,
    };
  } finally {
    await staged.dispose().catch(() => undefined);
  }
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
