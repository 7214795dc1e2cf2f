import { cleanIdentifierText, DefinitionError, quoteIdent as q } from '../schemas/index.ts';
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
  /** Drops the staging table or view and removes temporary files; called once the rows are checked (may repeat). */
  dispose(): Promise<void>;
}

/** The temporary table a load stages its source rows in. */
export function stageTableName(loadId: string): string {
  return `stage_${loadId.replace(/\W/g, '_')}`;
}

/**
 * The names source columns are staged (and stored) under: DuckDB reserves `rowid` (any case) for its row
 * numbers, which gongshu's own queries use, so a source column of that name becomes `rowid_source`, with a note.
 */
export function stagedNames(columns: readonly string[]): { columns: string[]; notes: string[] } {
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
export async function dropStage(wh: Warehouse, table: string): Promise<void> {
  await wh.run(`DROP VIEW IF EXISTS temp.${q(table)}`).catch(() => undefined);
  await wh.run(`DROP TABLE IF EXISTS temp.${q(table)}`).catch(() => undefined);
  await wh.run(`DROP TABLE IF EXISTS temp.${q(rawTable(table))}`).catch(() => undefined);
}

/** The table DuckDB's reader fills before a line-oriented file is staged (see pipelines/stage-relation.ts). */
export function rawTable(stage: string): string {
  return `${stage}_raw`;
}

/** Creates the staging table: the `_stage_*` columns, then the source columns as text, once they are checked. */
export async function createStage(
  wh: Warehouse,
  table: string,
  pipeline: Pipeline,
  columns: readonly string[],
) {
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

/** A citizen identity number (18 or 15 characters) or a USCC, as a column name that is really a value. */
const IDENTITY_LIKE = /^(\d{17}[\dXx]|\d{15}|[0-9A-HJ-NPQRTUWXY]{2}\d{6}[0-9A-HJ-NPQRTUWXY]{10})$/;

/**
 * Whether a header cell is an identity number written as the key normalisation would accept it or as people
 * write it: full-width (`１１０１０５…`), in lower case, or grouped by spaces or hyphens (`110105-19491231-002X`).
 */
function identityLike(cell: string): boolean {
  return IDENTITY_LIKE.test(cleanIdentifierText(cell).replace(/[\s\u00a0\u2000-\u200b\ufeff-]/g, ''));
}

/** The error for a key or cursor column the source does not have, listing the columns it has. */
export function missingColumn(
  pipeline: Pipeline,
  columns: readonly string[],
  which: 'key' | 'incremental',
): DefinitionError {
  const given = which === 'key' ? pipeline.dataset.key!.column : pipeline.dataset.incremental!.column;
  // Column names that are identity numbers: the row read as the header holds a person's values (an identity
  // number, a name), which are never shown.
  const data = columns.some((c) => identityLike(c));
  const shown = data
    ? 'values, not column names (one is an identity number)'
    : `[${columns
        .slice(0, 12)
        .map((c) => JSON.stringify(c))
        .join(', ')}${columns.length > 12 ? ', …' : ''}]`;
  const allowed = data ? {} : { allowed: columns.join(', ') };
  const excel = /\.xlsx$/i.test(pipeline.adHoc?.path ?? '');
  const headerFix = excel
    ? 'give the header row (the Excel row that holds the column names), or leave it out to have it detected'
    : 'add a line of column names at the top of the file';
  if (pipeline.adHoc && which === 'key') {
    // `gongshu ingest`: say it in the command's terms.
    const kind = pipeline.dataset.key!.kind;
    const fix = !data
      ? `--key ${kind}:${columns[0] ?? '<column>'} (the column holding the key)`
      : excel
        ? 'give --header-row N with N the row that holds the column names, or leave --header-row out (the header is then detected)'
        : headerFix;
    return new DefinitionError(
      `${pipeline.adHoc.path}: --key: the file has no column ${JSON.stringify(given)}; ${data ? `its header holds ${shown}` : `its columns are ${shown}`}. Fix: ${fix}`,
      { field: '--key', ...allowed, fix: data ? fix : `--key ${kind}:<column>` },
    );
  }
  const fix = data
    ? `the source's header holds values: ${headerFix} (excel({ headerRow: N }))`
    : which === 'key'
      ? `key: ${pipeline.dataset.key!.kind === 'uscc' ? 'uscc' : 'citizenId'}("<the column holding the key>")`
      : 'incremental: { column: "<the column that grows, e.g. 更新时间>" }';
  return new DefinitionError(
    `${pipeline.file ?? 'pipeline'}: pipeline ${pipeline.name}: dataset.${which}.column: expected one of the source ` +
      `columns ${shown}; got ${JSON.stringify(given)}. Fix: ${fix}`,
    { field: `dataset.${which}.column`, ...allowed, fix: data ? fix : 'name an existing source column' },
  );
}
