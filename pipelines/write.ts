import {
  DefinitionError,
  DIVISION_CODES_TABLE,
  maskIdentifiersSql,
  quoteIdent as q,
  quoteLiteral,
} from '../schemas/index.ts';
import type { Warehouse } from '../warehouse/index.ts';
import { MERGE_REPLACED_TABLE, QUARANTINE_CURRENT_VIEW, QUARANTINE_TABLE } from '../warehouse/index.ts';
import { type ColumnPlan, KEY_MACROS } from './columns.ts';
import type { ContractDecision } from './contract.ts';
import type { Pipeline } from './define.ts';
import type { CursorState } from './incremental.ts';
import type { Staged } from './stage-table.ts';

/** A source problem's stable code: `field-count` in `field-count: expected 3 fields, got 4`. */
const PROBLEM_CODE = '^([a-z][a-z0-9-]*): ';

/** Row counts of one write. */
export interface WriteCounts {
  readonly loaded: number;
  readonly quarantined: number;
  /** Rows an incremental load did not need (at or below the cursor, or already loaded in the lag window). */
  readonly skipped: number;
  /** Rows of a merge load replaced by a later row with the same key in the same load. */
  readonly superseded: number;
  /** Rows of earlier loads a merge deleted because this load wrote their merge key again (0 otherwise). */
  readonly replaced: number;
  readonly byReason: Readonly<Record<string, number>>;
  readonly duplicates: number;
  readonly normalized: number;
  /** Loaded rows whose values in new columns were dropped under `discard-value`. */
  readonly valuesDiscarded: number;
  /** The greatest cursor value among the loaded rows (text), if incremental. */
  readonly maxCursor: string | null;
  readonly cursorType: string | null;
}

/** Everything the write step needs. */
export interface WriteContext {
  readonly staged: Staged;
  readonly plans: readonly ColumnPlan[];
  readonly decision: ContractDecision;
  readonly tableExists: boolean;
  readonly cursor: CursorState | undefined;
  readonly loadId: string;
  readonly started: Date;
}

/** The checked rows of a load: a temporary table, and how its columns map to the dataset's. */
export interface Checked {
  /** The temporary table (`<stage>_checked`). */
  readonly checked: string;
  readonly values: readonly (ColumnPlan & { i: number; ref: string })[];
  readonly keyCol: string | undefined;
  readonly cursorValue: string | undefined;
  readonly cursorType: string | null;
  readonly hashed: boolean;
  /** SQL of the whole source row as JSON (computed only for the rows kept in quarantine). */
  readonly rowJson: string;
}

/**
 * Checks the staged rows into a temporary table: every row gets the reason of its first failure (malformed row →
 * key → cursor → type/contract), and whether an incremental load skips it. Runs before the load's transaction:
 * DuckDB then reads the table as committed data, in parallel; created inside the transaction, the table write
 * that reads it took twice as long (10M rows: 10.3 s against 5.4 s for the same statement). The warehouse has a
 * single writer, so what the checks read (the table's row hashes, the quarantine) cannot change before the write.
 */
export async function checkRows(wh: Warehouse, pipeline: Pipeline, ctx: WriteContext): Promise<Checked> {
  const { dataset } = pipeline;
  const checked = `${ctx.staged.table}_checked`;
  const key = dataset.key;
  const keyCol = key ? q(key.column) : undefined;
  const macros = key ? KEY_MACROS[key.kind] : undefined;
  const cursorPlan = ctx.cursor ? ctx.plans.find((p) => p.source === ctx.cursor!.column) : undefined;

  // Inner layer: one value column per computed dataset column (`_v_i`: keys, typed values, cast to the
  // table's type where the contract keeps it); a plain text column is used as staged (`ref`). Outer layer:
  // the reason.
  const values = ctx.plans.map((p, i) => {
    const cast = ctx.decision.castTo.get(p.target);
    const expr = cast ? `TRY_CAST(${p.expr} AS ${cast})` : p.expr;
    return {
      ...p,
      i,
      expr,
      // the key column is the normalised key, computed once as `_stage_key`
      ref: expr === q(p.source) ? expr : p.isKey && !cast ? '_stage_key' : `_v_${i}`,
      canFail: p.canFail || cast !== undefined,
    };
  });
  const blank = (c: string) => `(${q(c)} IS NULL OR trim(${q(c)}) = '')`;
  // A source problem is `code: message` (`field-count: expected 3 fields, got 4`): the code is the reason, the
  // message its detail; a problem without a code is reason `source`.
  const reasons = [
    `WHEN _stage_problem IS NOT NULL THEN coalesce(nullif(regexp_extract(_stage_problem, ${quoteLiteral(PROBLEM_CODE)}, 1), ''), 'source')`,
    ...(macros ? [`WHEN _stage_key_reason IS NOT NULL THEN 'key:' || _stage_key_reason`] : []),
    ...(cursorPlan
      ? [`WHEN ${values[ctx.plans.indexOf(cursorPlan)]!.ref} IS NULL THEN 'cursor:missing'`]
      : []),
    ...values
      .filter((v) => v.canFail && !ctx.decision.excluded.has(v.target))
      .map(
        (v) =>
          `WHEN NOT ${blank(v.source)} AND ${v.ref} IS NULL THEN ${quoteLiteral(
            `${ctx.decision.castTo.has(v.target) ? 'contract:retyped' : 'type'}:${v.target}`,
          )}`,
      ),
    ...(dataset.contract === 'discard-row'
      ? values
          .filter((v) => ctx.decision.excluded.has(v.target))
          .map((v) => `WHEN NOT ${blank(v.source)} THEN ${quoteLiteral(`contract:new-column:${v.target}`)}`)
      : []),
  ];
  const rowJson = ctx.staged.columns.length
    ? `json_object(${ctx.staged.columns.map((c) => `${quoteLiteral(c)}, ${q(c)}`).join(', ')})`
    : `'{}'::JSON`;
  const cursorValue = cursorPlan ? values[ctx.plans.indexOf(cursorPlan)]!.ref : undefined;
  const cursorType = cursorPlan ? (ctx.decision.castTo.get(cursorPlan.target) ?? cursorPlan.sqlType) : null;
  const hashed = dataset.incremental !== undefined;
  // Rows at or below `after` are not wanted; rows in the lag window that the table already holds are skipped.
  // Skipped rows are neither loaded nor quarantined, whatever their key: a row behind the cursor was dealt with
  // by an earlier load, and so was a row read again in the lag window (loaded, or quarantined and still there).
  const skip = [
    ...(cursorValue && ctx.cursor?.after != null
      ? [`${cursorValue} <= CAST(${quoteLiteral(ctx.cursor.after)} AS ${cursorType})`]
      : []),
    ...(hashed && ctx.tableExists && ctx.decision.excluded.size === 0
      ? [`_stage_hash IN (SELECT _row_hash FROM ${q(dataset.name)} WHERE _row_hash IS NOT NULL)`]
      : []),
    ...(hashed
      ? [
          `_stage_hash IN (SELECT row_hash FROM ${QUARANTINE_CURRENT_VIEW} WHERE dataset = ${quoteLiteral(dataset.name)} AND row_hash IS NOT NULL)`,
        ]
      : []),
  ];
  await wh.run(
    `CREATE TEMP TABLE ${q(checked)} AS
     SELECT *, CASE ${reasons.join(' ')} ELSE NULL END AS _stage_reason,
            CASE WHEN _stage_problem IS NOT NULL THEN CASE WHEN regexp_matches(_stage_problem, ${quoteLiteral(PROBLEM_CODE)})
              THEN substr(_stage_problem, strpos(_stage_problem, ': ') + 2) ELSE _stage_problem END END AS _stage_detail,
            ${skip.length ? `coalesce(${skip.join(' OR ')}, false)` : 'false'} AS _stage_skip
     FROM (
       -- the key's reason is a column of its own: inside the CASE below DuckDB evaluates it about 2× slower
       SELECT *, ${key && keyCol ? await keyReason(wh, key.kind) : 'NULL::VARCHAR'} AS _stage_key_reason
       FROM (
         SELECT s.*,
                ${macros ? `${macros.normalize}(${keyCol})` : 'NULL::VARCHAR'} AS _stage_key,
                ${hashed ? `md5(CAST(${rowJson} AS VARCHAR))` : 'NULL::VARCHAR'} AS _stage_hash
                ${values
                  .filter((v) => v.ref !== v.expr && v.ref !== '_stage_key')
                  .map((v) => `, ${v.expr} AS ${v.ref}`)
                  .join('')}
         FROM temp.${q(ctx.staged.table)} AS s
       )
     )`,
  );
  return { checked, values, keyCol, cursorValue, cursorType, hashed, rowJson };
}

/**
 * The reason of the normalised key `_stage_key`, as SQL. A citizen ID's division is looked up in a bitstring of
 * the known divisions, not joined with gongshu.divisions: a join lets DuckDB write the checked rows out of their
 * source order, and the write must then sort them again (10M rows: 10.3 s instead of 6.7 s). The bitstring is
 * built from the table at each load (a few ms), so a fuller division table counts at once.
 */
async function keyReason(wh: Warehouse, kind: keyof typeof KEY_MACROS) {
  const macros = KEY_MACROS[kind];
  if (kind !== 'citizen-id') return `${macros.reasonOfNormalized}(_stage_key)`;
  return `gs__cid_reason_bits(_stage_key, ${quoteLiteral(await knownDivisionBits(wh))}::BIT)`;
}

/** The known divisions as the text of a bitstring of 1,000,000 bits: bit d is 1 when division d is known. */
export async function knownDivisionBits(wh: Warehouse): Promise<string> {
  const bits = await wh.value<string>(
    `SELECT CAST(bitstring_agg(CAST(code AS INTEGER), 0, 999999) AS VARCHAR) FROM ${DIVISION_CODES_TABLE}
     WHERE code GLOB '${'[0-9]'.repeat(6)}'`,
  );
  return bits ?? '0'.repeat(1_000_000);
}

/** Drops the checked rows' table (after the load committed or failed). */
export async function dropChecked(wh: Warehouse, checked: Checked): Promise<void> {
  await wh.run(`DROP TABLE IF EXISTS temp.${q(checked.checked)}`).catch(() => undefined);
}

/**
 * Writes the checked rows, inside the caller's transaction: bad rows go to `gongshu.quarantine` with their source
 * location, the rest are written by the dataset's write mode.
 */
export async function writeChecked(
  wh: Warehouse,
  pipeline: Pipeline,
  ctx: WriteContext,
  w: Checked,
): Promise<WriteCounts> {
  const { dataset } = pipeline;
  const key = dataset.key;
  const checked = `temp.${q(w.checked)}`;
  const stamp = `${quoteLiteral(ctx.started.toISOString())}::TIMESTAMPTZ`;
  await wh.run(
    `INSERT INTO ${QUARANTINE_TABLE} (load_id, dataset, source_location, reason, key_column, key_value, row_json,
       quarantined_at, replayed_load_id, row_loaded, detail, row_hash)
     SELECT $1, $2, _stage_location, _stage_reason, $3, ${w.keyCol ?? 'NULL'},
       CASE WHEN _stage_extra IS NULL THEN ${w.rowJson} ELSE json_merge_patch(${w.rowJson}, _stage_extra) END,
       ${stamp}, NULL, false, ${maskIdentifiersSql('_stage_detail')}, _stage_hash
     FROM ${checked} WHERE _stage_reason IS NOT NULL AND NOT _stage_skip ORDER BY _stage_row`,
    [ctx.loadId, dataset.name, key?.column ?? null],
  );

  // The rows to write: good, wanted, and for a merge the last row of each key.
  const mergeKey = dataset.writeMode === 'merge' ? mergeColumns(pipeline, w.values) : undefined;
  const latest = mergeKey
    ? `QUALIFY row_number() OVER (PARTITION BY ${mergeKey.map((k) => k.valueSql).join(', ')} ORDER BY _stage_row DESC) = 1`
    : '';
  const written = w.values.filter((v) => !ctx.decision.excluded.has(v.target));
  const select = [
    ...written.map((v) => `${v.ref} AS ${q(v.target)}`),
    ...[...ctx.decision.removed].map(([name, type]) => `NULL::${type} AS ${q(name)}`),
    `${quoteLiteral(ctx.loadId)} AS _load_id`,
    '_stage_location AS _source',
    `${stamp} AS _ingested_at`,
    key
      ? `CASE WHEN ${w.keyCol} IS DISTINCT FROM _stage_key THEN ${w.keyCol} END AS _key_original`
      : 'NULL::VARCHAR AS _key_original',
    ...(w.hashed ? ['_stage_hash AS _row_hash'] : []),
  ].join(', ');
  // Rows keep source order (tables read in file order; foundations break ties by the first row in source
  // order). DuckDB keeps insertion order through scans and filters (preserve_insertion_order), so when the
  // checked rows are already in staging order (one cheap scan tells) no sort is needed — sorting every row
  // by ORDER BY costs more than the rest of the write. A merge's QUALIFY (a window) reorders, so it sorts.
  const inOrder = !latest && (await inStageOrder(wh, checked));
  const rows = `SELECT ${select} FROM ${checked} WHERE _stage_reason IS NULL AND NOT _stage_skip ${latest}${inOrder ? '' : ' ORDER BY _stage_row'}`;
  const table = q(dataset.name);
  const rebuild = dataset.writeMode === 'replace' && (dataset.contract === 'evolve' || !ctx.tableExists);
  let replaced = 0;
  if (rebuild || !ctx.tableExists) {
    await wh.run(`CREATE OR REPLACE TABLE ${table} AS ${rows}`);
  } else {
    for (const c of ctx.decision.changes) {
      if (c.action === 'added-column')
        await wh.run(`ALTER TABLE ${table} ADD COLUMN ${q(c.column)} ${c.newType}`);
    }
    if (w.hashed) await wh.run(`ALTER TABLE ${table} ADD COLUMN IF NOT EXISTS _row_hash VARCHAR`);
    if (dataset.writeMode === 'replace') await wh.run(`DELETE FROM ${table}`);
    if (mergeKey) replaced = await deleteMerged(wh, pipeline, ctx.loadId, checked, mergeKey, w.values);
    await wh.run(`INSERT INTO ${table} BY NAME ${rows}`);
  }

  if (dataset.contract === 'discard-value') {
    const dropped = w.values.filter((v) => ctx.decision.excluded.has(v.target));
    if (dropped.length) {
      // The row was loaded without these values; the whole source row is kept here so nothing is lost.
      await wh.run(
        `INSERT INTO ${QUARANTINE_TABLE} (load_id, dataset, source_location, reason, key_column, key_value, row_json,
           quarantined_at, replayed_load_id, row_loaded)
         SELECT $1, $2, _stage_location, 'contract:discarded-value:' || ${dropped
           .map(
             (v) =>
               `CASE WHEN NOT (${q(v.source)} IS NULL OR trim(${q(v.source)}) = '') THEN ${quoteLiteral(v.target)} END`,
           )
           .reduce((a, b) => `coalesce(${a}, ${b})`)},
           $3, ${w.keyCol ?? 'NULL'}, ${w.rowJson}, ${stamp}, NULL, true
         FROM ${checked}
         WHERE _stage_reason IS NULL AND NOT _stage_skip AND (${dropped
           .map((v) => `NOT (${q(v.source)} IS NULL OR trim(${q(v.source)}) = '')`)
           .join(' OR ')})`,
        [ctx.loadId, dataset.name, key?.column ?? null],
      );
    }
  }
  return { ...(await countRows(wh, checked, w, latest, ctx.loadId)), replaced };
}

/**
 * A merge's delete: the rows of the table whose merge key this load writes again. Returns how many. The keys
 * of deleted rows that the load does not write again (possible only when the merge key leaves out the key
 * column) go to `gongshu.merge_replaced`, so an incremental foundation build recomputes them too.
 */
async function deleteMerged(
  wh: Warehouse,
  pipeline: Pipeline,
  loadId: string,
  checked: string,
  mergeKey: readonly { target: string; valueSql: string }[],
  values: readonly (ColumnPlan & { ref: string })[],
): Promise<number> {
  const table = q(pipeline.dataset.name);
  const good = 'c._stage_reason IS NULL AND NOT c._stage_skip';
  const match = mergeKey.map((k) => `c.${k.valueSql} = t.${q(k.target)}`).join(' AND ');
  const keyPlan = values.find((v) => v.isKey);
  const out = 'temp.__gs_merge_out';
  await wh.run(
    `CREATE OR REPLACE TEMP TABLE __gs_merge_out AS
     SELECT t.rowid AS __rid${keyPlan ? `, t.${q(keyPlan.target)} AS __k` : ''} FROM ${table} AS t
     WHERE EXISTS (SELECT 1 FROM ${checked} AS c WHERE ${good} AND ${match})`,
  );
  const n = (await wh.value<number>(`SELECT count(*) FROM ${out}`)) ?? 0;
  if (n) {
    await wh.run(`DELETE FROM ${table} WHERE rowid IN (SELECT __rid FROM ${out})`);
    if (keyPlan && !mergeKey.some((k) => k.target === keyPlan.target)) {
      await wh.run(
        `INSERT INTO ${MERGE_REPLACED_TABLE} SELECT DISTINCT $1, $2, o.__k FROM ${out} AS o
         ANTI JOIN (SELECT c.${keyPlan.ref} AS k FROM ${checked} AS c WHERE ${good}) AS w ON w.k = o.__k
         WHERE o.__k IS NOT NULL`,
        [loadId, pipeline.dataset.name],
      );
    }
  }
  await wh.run(`DROP TABLE ${out}`);
  return n;
}

/**
 * Whether the checked rows (all staged rows, numbered 1…N by `_stage_row`) are stored in staging order: then
 * `_stage_row − rowid` is the same on every row. (Rows written in the current transaction have row ids offset
 * by a large constant, so the difference, not the row id, is compared.)
 */
async function inStageOrder(wh: Warehouse, table: string): Promise<boolean> {
  const [r] = await wh.all<{ same: boolean | null }>(
    `SELECT min(_stage_row - rowid) = max(_stage_row - rowid) AS same FROM ${table}`,
  );
  return r?.same !== false;
}

async function countRows(
  wh: Warehouse,
  checked: string,
  w: { keyCol: string | undefined; cursorValue: string | undefined; cursorType: string | null },
  latest: string,
  loadId: string,
): Promise<Omit<WriteCounts, 'replaced'>> {
  const reasons = await wh.all<{ reason: string; n: number }>(
    `SELECT _stage_reason AS reason, count(*) AS n FROM ${checked} WHERE _stage_reason IS NOT NULL AND NOT _stage_skip
     GROUP BY ALL ORDER BY n DESC, reason`,
  );
  const skippedBad =
    (await wh.value<number>(
      `SELECT count(*) FROM ${checked} WHERE _stage_reason IS NOT NULL AND _stage_skip`,
    )) ?? 0;
  const byReason = Object.fromEntries(reasons.map((r) => [r.reason, r.n]));
  const [c] = await wh.all<{
    good: number;
    skipped: number;
    dup: number;
    norm: number;
    max_cursor: string | null;
  }>(
    `SELECT count_if(NOT _stage_skip) AS good, count_if(_stage_skip) AS skipped,
            count_if(NOT _stage_skip) - count(DISTINCT CASE WHEN NOT _stage_skip THEN _stage_key END) AS dup,
            count_if(NOT _stage_skip AND ${w.keyCol ? `${w.keyCol} IS DISTINCT FROM _stage_key` : 'false'}) AS norm,
            ${w.cursorValue ? `CAST(max(CASE WHEN NOT _stage_skip THEN ${w.cursorValue} END) AS VARCHAR)` : 'NULL'} AS max_cursor
     FROM ${checked} WHERE _stage_reason IS NULL`,
  );
  const loaded = latest
    ? ((await wh.value<number>(
        `SELECT count(*) FROM (SELECT 1 FROM ${checked} WHERE _stage_reason IS NULL AND NOT _stage_skip ${latest})`,
      )) ?? 0)
    : (c?.good ?? 0);
  const discarded = await wh.value<number>(
    `SELECT count(*) FROM ${QUARANTINE_TABLE} WHERE load_id = $1 AND row_loaded`,
    [loadId],
  );
  return {
    loaded,
    quarantined: reasons.reduce((a, r) => a + r.n, 0),
    skipped: (c?.skipped ?? 0) + skippedBad,
    superseded: (c?.good ?? 0) - loaded,
    byReason,
    duplicates: w.keyCol ? (c?.dup ?? 0) : 0,
    normalized: c?.norm ?? 0,
    valuesDiscarded: discarded ?? 0,
    maxCursor: c?.max_cursor ?? null,
    cursorType: w.cursorType,
  };
}

/** The columns a merge matches on: `mergeKey` (dataset columns) or the key column. */
function mergeColumns(
  pipeline: Pipeline,
  values: readonly (ColumnPlan & { i: number; ref: string })[],
): { target: string; valueSql: string }[] {
  const wanted = pipeline.dataset.mergeKey ?? values.filter((v) => v.isKey).map((v) => v.target);
  return wanted.map((target) => {
    const v = values.find((x) => x.target === target);
    if (!v) {
      throw new DefinitionError(
        `${pipeline.file ?? 'pipeline'}: pipeline ${pipeline.name}: dataset.mergeKey: expected dataset columns ` +
          `(${values.map((x) => x.target).join(', ')}); got ${JSON.stringify(target)}. Fix: name a dataset column ` +
          '(the catalog field name where a catalog renames the source header)',
        {
          field: 'dataset.mergeKey',
          allowed: values.map((x) => x.target).join(', '),
          fix: 'name a dataset column',
        },
      );
    }
    return { target, valueSql: v.ref };
  });
}
