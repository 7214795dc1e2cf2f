import {
  type ExtractedBatch,
  type IncrementalRequest,
  SourceError,
  type SqlRelation,
} from '../connectors/index.ts';
import { DefinitionError, quoteIdent as q, quoteLiteral } from '../schemas/index.ts';
import type { Warehouse } from '../warehouse/index.ts';
import type { Pipeline } from './define.ts';

/** Columns gongshu adds to every dataset table (`_row_hash` only on incremental datasets). */
export const LINEAGE_COLUMNS = ['_load_id', '_source', '_ingested_at', '_key_original', '_row_hash'] as const;

/** A file a connector consumed, reported so its content hash can be recorded with the rows. */
export interface ConsumedFile {
  readonly path: string;
  readonly sha256: string;
  readonly rows: number;
}

/** The source rows of one load, staged as text in a temporary table. */
export interface Staged {
  /**
   * The temporary table: `_stage_row`, `_stage_location`, `_stage_problem`, `_stage_extra` (a JSON object of the
   * values beyond the header, kept for the quarantine), then the source columns.
   */
  readonly table: string;
  readonly columns: readonly string[];
  /** The types the source declares per column (undefined where it has only text). */
  readonly sourceTypes: readonly (string | undefined)[];
  readonly rowsRead: number;
  readonly notes: readonly string[];
  readonly files: readonly ConsumedFile[];
  /** Drops the staging table or view and removes temporary files; called when the load is done. */
  dispose(): Promise<void>;
}

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
  const table = `stage_${options.loadId.replace(/\W/g, '_')}`;
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
      // A staged view still reads the relation's files: they go when the load disposes the stage.
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

/**
 * The names source columns are staged (and stored) under: DuckDB reserves `rowid` (any case) for its row
 * numbers, which gongshu's own queries use, so a source column of that name becomes `rowid_source`, with a note.
 */
function stagedNames(columns: readonly string[]): { columns: string[]; notes: string[] } {
  const notes: string[] = [];
  const taken = new Set(columns.map((c) => c.toLowerCase()));
  const out = columns.map((c) => {
    if (c.toLowerCase() !== 'rowid') return c;
    let name = `${c}_source`;
    for (let n = 2; taken.has(name.toLowerCase()); n++) name = `${c}_source_${n}`;
    taken.add(name.toLowerCase());
    notes.push(`column "${c}" renamed "${name}": DuckDB reserves rowid for its own row numbers`);
    return name;
  });
  return { columns: out, notes };
}

/** Drops a staging table or view (whichever it is). */
async function dropStage(wh: Warehouse, table: string): Promise<void> {
  await wh.run(`DROP VIEW IF EXISTS temp.${q(table)}`).catch(() => undefined);
  await wh.run(`DROP TABLE IF EXISTS temp.${q(table)}`).catch(() => undefined);
}

/** DuckDB column types → the types a source can declare. */
function sourceType(duckType: string): string | undefined {
  if (/^(TINYINT|SMALLINT|INTEGER|BIGINT|HUGEINT|UTINYINT|USMALLINT|UINTEGER|UBIGINT)$/.test(duckType))
    return 'integer';
  if (/^(DECIMAL|DOUBLE|FLOAT|REAL)/.test(duckType)) return 'decimal';
  if (duckType === 'DATE') return 'date';
  if (duckType.startsWith('TIMESTAMP')) return 'timestamp';
  if (duckType === 'BOOLEAN') return 'boolean';
  return undefined;
}

/**
 * Stages a source DuckDB reads itself with one INSERT … SELECT. For line-oriented files (`relation.lines`)
 * each row's `file:line` is derived from the line breaks inside the rows before it, and the result is
 * verified against the file's physical line count; a mismatch or a read error declines (the caller falls
 * back to `extract()`). For other relations (Parquet) a read error is a SourceError.
 */
async function stageRelation(
  wh: Warehouse,
  pipeline: Pipeline,
  table: string,
  relation: SqlRelation,
): Promise<{ ok: true; value: Staged } | { ok: false; why: string }> {
  const source = pipeline.source.describe().source;
  const declined = (error: unknown) => {
    const message = String((error as Error)?.message ?? error)
      .replace(/^query failed: /, '')
      .split('\n')[0]!;
    if (relation.lines) return { ok: false as const, why: message };
    throw new SourceError(
      `${source}: cannot read: ${message}. Fix: check that the file is complete and in the declared format`,
      { source },
      { cause: error },
    );
  };
  let described: { column_name: string; column_type: string }[];
  try {
    described = await wh.all(`DESCRIBE SELECT * FROM ${relation.sql}`);
  } catch (error) {
    return declined(error);
  }
  const hidden = new Set(relation.hidden);
  const read = described.filter((c) => !hidden.has(c.column_name));
  const values = read.map((c) => `CAST(${q(c.column_name)} AS VARCHAR)`);
  // From here on, columns have the names they are staged under (`rowid` renamed).
  const renamed = stagedNames(read.map((c) => c.column_name));
  const cols = read.map((c, i) => ({ ...c, column_name: renamed.columns[i]! }));
  const columns = renamed.columns;
  await createStage(wh, table, pipeline, columns);
  let verifyLines = false;
  try {
    if (relation.lines) {
      // Common case first: no line breaks inside fields, so row r starts on line firstDataLine + r - 1, and
      // the stage is a view over DuckDB's reader (the file is parsed once more, by the checking query, with
      // no copy in between). The physical line count confirms it; otherwise the rows are materialised with
      // the breaks accounted for, and verified.
      const { file, firstDataLine, physicalLines } = relation.lines;
      const numbered = (extra = '') =>
        `(SELECT row_number() OVER () AS _r${extra}${values.map((v, i) => `, ${v} AS ${q(cols[i]!.column_name)}`).join('')} FROM ${relation.sql})`;
      const rows = (await wh.value<number>(`SELECT count(*) FROM ${relation.sql}`)) ?? 0;
      const flagged =
        relation.lines.problemLines !== undefined || relation.lines.replacementProblem !== undefined;
      if (firstDataLine - 1 + rows === physicalLines && !flagged) {
        await dropStage(wh, table);
        await wh.run(
          `CREATE TEMP VIEW ${q(table)} AS SELECT _r AS _stage_row, ${quoteLiteral(`${file}:`)} || (${firstDataLine} + _r - 1) AS _stage_location,
             NULL::VARCHAR AS _stage_problem, NULL::VARCHAR AS _stage_extra${cols.map((c) => `, ${q(c.column_name)}`).join('')} FROM ${numbered()}`,
        );
        return {
          ok: true,
          value: {
            table,
            columns,
            sourceTypes: cols.map(() => undefined),
            rowsRead: rows,
            notes: [...(relation.notes ?? []), ...renamed.notes, `staged by DuckDB's reader (${rows} rows)`],
            files: [],
            dispose: async () => {
              await dropStage(wh, table);
              await relation.dispose?.();
            },
          },
        };
      }
      const breaks = cols.length
        ? cols
            .map(
              (c) =>
                `coalesce(length(${q(c.column_name)}) - length(replace(${q(c.column_name)}, chr(10), '')), 0)`,
            )
            .join(' + ')
        : '0';
      await wh.run(
        `INSERT INTO temp.${q(table)} SELECT _r, ${quoteLiteral(`${file}:`)} || (${firstDataLine} + _r - 1 + coalesce(sum(_nl) OVER (ORDER BY _r ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING), 0)),
           NULL, NULL${cols.map((c) => `, ${q(c.column_name)}`).join('')} FROM ${numbered(`, ${breaks} AS _nl`)}`,
      );
      verifyLines = true;
      await flagRows(
        wh,
        table,
        cols.map((c) => c.column_name),
        relation.lines,
        breaks,
      );
    } else {
      await wh.run(
        `INSERT INTO temp.${q(table)} SELECT row_number() OVER (), ${relation.location}, NULL, NULL${values
          .map((v) => `, ${v}`)
          .join('')} FROM ${relation.sql}`,
      );
    }
  } catch (error) {
    return declined(error);
  }
  const rowsRead = (await wh.value<number>(`SELECT count(*) FROM temp.${q(table)}`)) ?? 0;
  if (relation.lines && verifyLines) {
    const breaks = cols.length
      ? cols
          .map(
            (c) =>
              `coalesce(sum(length(${q(c.column_name)}) - length(replace(${q(c.column_name)}, chr(10), ''))), 0)`,
          )
          .join(' + ')
      : '0';
    const embedded = (await wh.value<number>(`SELECT ${breaks} FROM temp.${q(table)}`)) ?? 0;
    const accounted = relation.lines.firstDataLine - 1 + rowsRead + Number(embedded);
    if (accounted !== relation.lines.physicalLines) {
      return {
        ok: false,
        why: `rows and line breaks account for ${accounted} of ${relation.lines.physicalLines} lines (blank or malformed lines)`,
      };
    }
  }
  return {
    ok: true,
    value: {
      table,
      columns,
      sourceTypes: cols.map((c) => (relation.lines ? undefined : sourceType(c.column_type))),
      rowsRead,
      notes: [...(relation.notes ?? []), ...renamed.notes, `staged by DuckDB's reader (${rowsRead} rows)`],
      files: [],
      dispose: async () => {
        await dropStage(wh, table);
        await relation.dispose?.();
      },
    },
  };
}

/**
 * Sets `_stage_problem` of the staged rows the connector flagged: rows whose text holds U+FFFD (bytes invalid in
 * the file's encoding), then rows spanning a problem line (e.g. a line of another encoding), in the order the JS
 * parser joins the same problems (`a; b`).
 */
async function flagRows(
  wh: Warehouse,
  table: string,
  columns: readonly string[],
  lines: NonNullable<SqlRelation['lines']>,
  breaks: string,
): Promise<void> {
  const append = (problem: string) =>
    `_stage_problem = CASE WHEN _stage_problem IS NULL THEN ${quoteLiteral(problem)} ELSE _stage_problem || '; ' || ${quoteLiteral(problem)} END`;
  if (lines.replacementProblem && columns.length) {
    await wh.run(
      `UPDATE temp.${q(table)} SET ${append(lines.replacementProblem)}
       WHERE ${columns.map((c) => `coalesce(contains(${q(c)}, '\uFFFD'), false)`).join(' OR ')}`,
    );
  }
  if (lines.problemLines?.lines.length) {
    const start = `CAST(split_part(_stage_location, ':', -1) AS BIGINT)`;
    await wh.run(
      `UPDATE temp.${q(table)} SET ${append(lines.problemLines.problem)}
       WHERE _stage_row IN (
         SELECT s._stage_row FROM (SELECT _stage_row, ${start} AS _first, ${start} + ${breaks} AS _last FROM temp.${q(table)}) AS s
         JOIN (SELECT unnest([${lines.problemLines.lines.join(', ')}]) AS line) AS p ON p.line BETWEEN s._first AND s._last)`,
    );
  }
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

async function createStage(wh: Warehouse, table: string, pipeline: Pipeline, columns: readonly string[]) {
  const clash = columns.find(
    (c) =>
      (LINEAGE_COLUMNS as readonly string[]).includes(c) || c.startsWith('_stage_') || c.startsWith('_v_'),
  );
  if (clash) {
    throw new DefinitionError(
      `${pipeline.adHoc?.path ?? pipeline.file ?? 'pipeline'}: ${pipeline.adHoc ? '' : `pipeline ${pipeline.name}: `}source column "${clash}" clashes with a column ` +
        `gongshu adds (${LINEAGE_COLUMNS.join(', ')}, _stage_*, _v_*). Fix: rename it in the source or its header`,
      { field: 'source', allowed: 'column names other than the lineage columns', fix: 'rename the column' },
    );
  }
  const key = pipeline.dataset.key;
  if (key && !columns.includes(key.column)) throw missingColumn(pipeline, columns, 'key');
  const cursor = pipeline.dataset.incremental?.column;
  if (cursor && columns.length && !columns.includes(cursor))
    throw missingColumn(pipeline, columns, 'incremental');
  const defs = columns.map((c) => `${q(c)} VARCHAR`).join(', ');
  await wh.run(
    `CREATE TEMP TABLE ${q(table)} (_stage_row BIGINT, _stage_location VARCHAR, _stage_problem VARCHAR, _stage_extra VARCHAR${defs ? `, ${defs}` : ''})`,
  );
}

/** The error for a key or cursor column the source does not have, listing the columns it has. */
export function missingColumn(
  pipeline: Pipeline,
  columns: readonly string[],
  which: 'key' | 'incremental',
): DefinitionError {
  const shown = columns
    .slice(0, 12)
    .map((c) => JSON.stringify(c))
    .join(', ');
  const given = which === 'key' ? pipeline.dataset.key!.column : pipeline.dataset.incremental!.column;
  if (pipeline.adHoc && which === 'key') {
    // `gongshu ingest`: say it in the command's terms.
    const kind = pipeline.dataset.key!.kind;
    return new DefinitionError(
      `${pipeline.adHoc.path}: --key: the file has no column ${JSON.stringify(given)}; its columns are ` +
        `[${shown}${columns.length > 12 ? ', …' : ''}]. Fix: --key ${kind}:${columns[0] ?? '<column>'} (the column holding the key)`,
      { field: '--key', allowed: columns.join(', '), fix: `--key ${kind}:<column>` },
    );
  }
  const fix =
    which === 'key'
      ? `key: ${pipeline.dataset.key!.kind === 'uscc' ? 'uscc' : 'citizenId'}("<the column holding the key>")`
      : 'incremental: { column: "<the column that grows, e.g. 更新时间>" }';
  return new DefinitionError(
    `${pipeline.file ?? 'pipeline'}: pipeline ${pipeline.name}: dataset.${which}.column: expected one of the source ` +
      `columns [${shown}${columns.length > 12 ? ', …' : ''}]; got ${JSON.stringify(given)}. Fix: ${fix}`,
    { field: `dataset.${which}.column`, allowed: columns.join(', '), fix: 'name an existing source column' },
  );
}
