import { randomBytes } from 'node:crypto';
import type { ExtractedBatch } from '../connectors/index.ts';
import { DefinitionError } from '../schemas/errors.ts';
import { quoteIdent as q, quoteLiteral, type Warehouse } from '../warehouse/index.ts';
import type { Pipeline } from './define.ts';

/** Columns gongshu adds to every dataset table. */
export const LINEAGE_COLUMNS = ['_load_id', '_source', '_ingested_at', '_key_original'] as const;

/** What one load did. */
export interface LoadResult {
  readonly loadId: string;
  readonly pipeline: string;
  readonly dataset: string;
  readonly source: string;
  readonly rowsRead: number;
  readonly rowsLoaded: number;
  readonly rowsQuarantined: number;
  /** Quarantined rows by reason, e.g. `{ 'key:checksum': 12, 'field-count': 1 }`. */
  readonly quarantinedByReason: Readonly<Record<string, number>>;
  /** Loaded rows whose key repeats an earlier loaded row (kept; the quality engine scores uniqueness). */
  readonly duplicateKeyRows: number;
  /** Loaded rows whose key was rewritten by normalisation (the original text is kept in `_key_original`). */
  readonly keysNormalized: number;
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
}

/** A new load id: `<dataset>-<UTC yyyymmddhhmmss>-<random>`. */
export function newLoadId(dataset: string, now = new Date()): string {
  const stamp = now.toISOString().replace(/[-:T]/g, '').slice(0, 14);
  return `${dataset}-${stamp}-${randomBytes(3).toString('hex')}`;
}

const KEY_MACROS = {
  'citizen-id': { reason: 'gs_citizen_id_reason', normalize: 'gs_citizen_id_normalize' },
  uscc: { reason: 'gs_uscc_reason', normalize: 'gs_uscc_normalize' },
} as const;

/** SQL casting a text column to the catalog type; NULL where the text is blank or does not parse. */
function castSql(column: string, type: string | undefined): string | undefined {
  const c = q(column);
  switch (type) {
    case 'date':
      return `gs_parse_date(${c})`;
    case 'integer':
      return `TRY_CAST(NULLIF(trim(${c}), '') AS BIGINT)`;
    case 'decimal':
      return `TRY_CAST(NULLIF(trim(${c}), '') AS DECIMAL(38, 6))`;
    case 'timestamp':
      return `TRY_CAST(NULLIF(trim(${c}), '') AS TIMESTAMP)`;
    case 'boolean':
      return `TRY_CAST(NULLIF(trim(${c}), '') AS BOOLEAN)`;
    default:
      return undefined;
  }
}

/**
 * Loads one pipeline's source into its dataset table. Rows are staged as text, keys are normalised and
 * validated by the SQL macros, bad rows go to `gongshu_quarantine` with reason and source location, and
 * the table write, the quarantine rows, the dataset registration and the load record commit in one
 * transaction: a failure leaves the previous table and ledger as they were.
 */
export async function loadPipeline(
  wh: Warehouse,
  pipeline: Pipeline,
  options: LoadOptions = {},
): Promise<LoadResult> {
  const started = options.now ?? new Date();
  const t0 = performance.now();
  const { dataset } = pipeline;
  const loadId = newLoadId(dataset.name, started);
  const stage = `stage_${loadId.replace(/\W/g, '_')}`;
  const notes: string[] = [];
  const description = pipeline.source.describe();

  let columns: readonly string[] | undefined;
  let sourceTypes: readonly (string | undefined)[] = [];
  let rowsRead = 0;
  try {
    for await (const batch of pipeline.source.extract({
      note: (m) => notes.push(m),
      ...(options.signal ? { signal: options.signal } : {}),
    })) {
      if (!columns) {
        columns = batch.columns;
        sourceTypes = batch.columnTypes ?? [];
        await createStage(wh, stage, pipeline, columns);
      }
      await wh.append(stage, stageRows(batch, rowsRead), { catalog: 'temp' });
      rowsRead += batch.rows.length;
      options.onProgress?.(rowsRead);
    }
    if (!columns) {
      columns = [];
      if (pipeline.dataset.key) throw missingKeyColumn(pipeline, columns);
      await createStage(wh, stage, pipeline, columns);
    }
    const cols = columns;
    const result = await wh.transaction(async () => {
      const counts = await writeDataset(wh, pipeline, { stage, columns: cols, sourceTypes, loadId, started });
      await wh.run(
        `INSERT INTO gongshu_loads VALUES ($1, $2, $3, $4, $5, $6, $7, 'committed', $8, now(), $9, $10, $11, $12, $13)`,
        [
          loadId,
          options.runId ?? null,
          dataset.name,
          dataset.name,
          description.kind,
          description.source,
          dataset.writeMode,
          started.toISOString(),
          rowsRead,
          counts.loaded,
          counts.quarantined,
          JSON.stringify(description.options),
          JSON.stringify(notes),
        ],
      );
      return counts;
    });
    return {
      loadId,
      pipeline: pipeline.name,
      dataset: dataset.name,
      source: description.source,
      rowsRead,
      rowsLoaded: result.loaded,
      rowsQuarantined: result.quarantined,
      quarantinedByReason: result.byReason,
      duplicateKeyRows: result.duplicates,
      keysNormalized: result.normalized,
      seconds: (performance.now() - t0) / 1000,
      notes,
    };
  } finally {
    await wh.run(`DROP TABLE IF EXISTS temp.${q(stage)}`).catch(() => undefined);
  }
}

function stageRows(batch: ExtractedBatch, offset: number): Iterable<(string | null)[]> {
  return batch.rows.map((row, i) => [
    String(offset + i + 1),
    batch.locations[i] ?? null,
    batch.problems?.[i] ?? null,
    ...row,
  ]);
}

async function createStage(wh: Warehouse, stage: string, pipeline: Pipeline, columns: readonly string[]) {
  const clash = columns.find(
    (c) => (LINEAGE_COLUMNS as readonly string[]).includes(c) || c.startsWith('_stage_'),
  );
  if (clash) {
    throw new DefinitionError(
      `${pipeline.file ?? 'pipeline'}: pipeline ${pipeline.name}: source column "${clash}" clashes with a lineage ` +
        `column gongshu adds (${LINEAGE_COLUMNS.join(', ')}). Fix: rename it in the source or its header`,
      { field: 'source', allowed: 'column names other than the lineage columns', fix: 'rename the column' },
    );
  }
  const key = pipeline.dataset.key;
  if (key && !columns.includes(key.column)) throw missingKeyColumn(pipeline, columns);
  const defs = columns.map((c) => `${q(c)} VARCHAR`).join(', ');
  await wh.run(
    `CREATE TEMP TABLE ${q(stage)} (_stage_row BIGINT, _stage_location VARCHAR, _stage_problem VARCHAR${defs ? `, ${defs}` : ''})`,
  );
}

function missingKeyColumn(pipeline: Pipeline, columns: readonly string[]): DefinitionError {
  const key = pipeline.dataset.key!;
  const shown = columns
    .slice(0, 12)
    .map((c) => JSON.stringify(c))
    .join(', ');
  return new DefinitionError(
    `${pipeline.file ?? 'pipeline'}: pipeline ${pipeline.name}: dataset.key.column: expected one of the source ` +
      `columns [${shown}${columns.length > 12 ? ', …' : ''}]; got ${JSON.stringify(key.column)}. ` +
      `Fix: key: ${key.kind === 'uscc' ? 'uscc' : 'citizenId'}("<the column holding the key>")`,
    { field: 'dataset.key.column', allowed: columns.join(', '), fix: 'name an existing source column' },
  );
}

/**
 * The dataset column of each source column. With a catalog entry, a source column whose header equals a
 * field's title (信息项名称, e.g. 公民身份号码) or name becomes that field's name (e.g. id_number); other
 * columns keep their source names.
 */
export function targetColumns(
  pipeline: Pipeline,
  columns: readonly string[],
  sourceTypes: readonly (string | undefined)[] = [],
): Map<string, { name: string; type?: string }> {
  const fields = pipeline.dataset.catalog?.fields ?? [];
  const map = new Map<string, { name: string; type?: string }>();
  columns.forEach((c, i) => {
    const f = fields.find((x) => x.name === c) ?? fields.find((x) => x.title === c);
    // The catalog's type wins over the type the source declares.
    const type = f?.type ?? sourceTypes[i];
    map.set(c, { name: f?.name ?? c, ...(type ? { type } : {}) });
  });
  return map;
}

async function writeDataset(
  wh: Warehouse,
  pipeline: Pipeline,
  ctx: {
    stage: string;
    columns: readonly string[];
    sourceTypes: readonly (string | undefined)[];
    loadId: string;
    started: Date;
  },
): Promise<{
  loaded: number;
  quarantined: number;
  byReason: Record<string, number>;
  duplicates: number;
  normalized: number;
}> {
  const { dataset } = pipeline;
  const key = dataset.key;
  const targets = targetColumns(pipeline, ctx.columns, ctx.sourceTypes);
  const checked = `${ctx.stage}_checked`;
  const keyCol = key ? q(key.column) : undefined;
  const keyTarget = key ? targets.get(key.column)!.name : undefined;
  const macros = key ? KEY_MACROS[key.kind] : undefined;

  // One pass computes the key, its reason and every typed value; the reason of the first failure wins.
  const typed = ctx.columns
    .filter((c) => c !== key?.column)
    .map((c) => ({ column: c, sql: castSql(c, targets.get(c)!.type) }))
    .filter((t): t is { column: string; sql: string } => t.sql !== undefined);
  const typeReasons = typed.map(
    (t) =>
      `WHEN ${q(t.column)} IS NOT NULL AND trim(${q(t.column)}) <> '' AND ${t.sql} IS NULL THEN ${quoteLiteral(`type:${targets.get(t.column)!.name}`)}`,
  );
  const reason = [
    'WHEN _stage_problem IS NOT NULL THEN _stage_problem',
    ...(macros
      ? [`WHEN ${macros.reason}(${keyCol}) IS NOT NULL THEN 'key:' || ${macros.reason}(${keyCol})`]
      : []),
    ...typeReasons,
  ];
  await wh.run(
    `CREATE TEMP TABLE ${q(checked)} AS SELECT *,
       CASE ${reason.join(' ')} ELSE NULL END AS _stage_reason
       ${macros ? `, ${macros.normalize}(${keyCol}) AS _stage_key` : ''}
     FROM temp.${q(ctx.stage)}`,
  );
  try {
    const rowJson = ctx.columns.length
      ? `json_object(${ctx.columns.map((c) => `${quoteLiteral(c)}, ${q(c)}`).join(', ')})`
      : `'{}'::JSON`;
    await wh.run(
      `INSERT INTO gongshu_quarantine
       SELECT $1, $2, _stage_location, _stage_reason, $3, ${keyCol ?? 'NULL'}, ${rowJson}, $4::TIMESTAMPTZ, NULL
       FROM temp.${q(checked)} WHERE _stage_reason IS NOT NULL ORDER BY _stage_row`,
      [ctx.loadId, dataset.name, key?.column ?? null, ctx.started.toISOString()],
    );
    const castOf = new Map(typed.map((t) => [t.column, t.sql]));
    const select = [
      ...ctx.columns.map((c) => {
        const target = q(targets.get(c)!.name);
        return c === key?.column ? `_stage_key AS ${target}` : `${castOf.get(c) ?? q(c)} AS ${target}`;
      }),
      `${quoteLiteral(ctx.loadId)} AS _load_id`,
      '_stage_location AS _source',
      `${quoteLiteral(ctx.started.toISOString())}::TIMESTAMPTZ AS _ingested_at`,
      key
        ? `CASE WHEN ${keyCol} IS DISTINCT FROM _stage_key THEN ${keyCol} END AS _key_original`
        : 'NULL::VARCHAR AS _key_original',
    ].join(', ');
    const source = `SELECT ${select} FROM temp.${q(checked)} WHERE _stage_reason IS NULL ORDER BY _stage_row`;
    const table = q(dataset.name);
    if (dataset.writeMode === 'replace' || !(await wh.hasTable(dataset.name))) {
      await wh.run(`CREATE OR REPLACE TABLE ${table} AS ${source}`);
    } else {
      await addMissingColumns(wh, dataset.name, `SELECT ${select} FROM temp.${q(checked)} LIMIT 0`);
      await wh.run(`INSERT INTO ${table} BY NAME ${source}`);
    }
    await wh.run(
      `INSERT INTO gongshu_datasets VALUES ($1, $2, $3, $4, $5, $6, now())
       ON CONFLICT (dataset) DO UPDATE SET table_name = excluded.table_name, key_kind = excluded.key_kind,
         key_column = excluded.key_column, source_key_column = excluded.source_key_column,
         catalog = excluded.catalog, updated_at = excluded.updated_at`,
      [
        dataset.name,
        dataset.name,
        key?.kind ?? null,
        keyTarget ?? null,
        key?.column ?? null,
        dataset.catalog ? JSON.stringify(dataset.catalog) : null,
      ],
    );
    const reasons = await wh.all<{ reason: string | null; n: number }>(
      `SELECT _stage_reason AS reason, count(*) AS n FROM temp.${q(checked)} GROUP BY ALL ORDER BY n DESC, reason`,
    );
    const byReason: Record<string, number> = {};
    let loaded = 0;
    let quarantined = 0;
    for (const r of reasons) {
      if (r.reason === null) loaded = r.n;
      else {
        byReason[r.reason] = r.n;
        quarantined += r.n;
      }
    }
    const stats = key
      ? await wh.all<{ dup: number; norm: number }>(
          `SELECT count(*) - count(DISTINCT _stage_key) AS dup,
                  count_if(${keyCol} IS DISTINCT FROM _stage_key) AS norm
           FROM temp.${q(checked)} WHERE _stage_reason IS NULL`,
        )
      : [{ dup: 0, norm: 0 }];
    return { loaded, quarantined, byReason, duplicates: stats[0]!.dup, normalized: stats[0]!.norm };
  } finally {
    await wh.run(`DROP TABLE IF EXISTS temp.${q(checked)}`);
  }
}

/** Schema evolution for append loads: columns new in the source are added to the table with their type. */
async function addMissingColumns(wh: Warehouse, table: string, emptySelect: string) {
  const existing = new Set(
    (
      await wh.all<{ name: string }>(
        `SELECT column_name AS name FROM duckdb_columns() WHERE schema_name = 'main' AND table_name = $1`,
        [table],
      )
    ).map((r) => r.name),
  );
  const incoming = await wh.all<{ column_name: string; column_type: string }>(`DESCRIBE ${emptySelect}`);
  for (const c of incoming) {
    if (!existing.has(c.column_name))
      await wh.run(`ALTER TABLE ${q(table)} ADD COLUMN ${q(c.column_name)} ${c.column_type}`);
  }
}
