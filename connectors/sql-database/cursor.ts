/**
 * Cursor push-down shared by the SQL-database connectors: the SELECT of the table or query, filtered after the
 * stored cursor and ordered by the cursor column, and the row locations (`table@cursorColumn=value`, else
 * `table#ordinal`).
 */
import { SourceError } from '../errors.ts';
import type { ExtractContext } from '../types.ts';
import type { SqlTarget } from './target.ts';

/** How an engine spells what the extraction SQL needs. */
export interface SqlDialect {
  /** Quotes one identifier (one part of a dotted table name). */
  readonly quoteIdent: (name: string) => string;
  /** The bind placeholder of the cursor value: `?` or `$1`. */
  readonly placeholder: string;
  /** The bound cursor value for the stored cursor text. */
  readonly cursorValue: (after: string) => string;
}

/** What the options say to read: a table (read whole) or a query. */
export interface SqlRelationOptions {
  readonly table?: string | undefined;
  readonly query?: string | undefined;
}

/** `SELECT * FROM "schema"."table"`, or the query as written. */
export function relationSql(options: SqlRelationOptions, dialect: SqlDialect): string {
  if (options.table !== undefined)
    return `SELECT * FROM ${options.table.split('.').map(dialect.quoteIdent).join('.')}`;
  return options.query!;
}

/** The extraction SQL: the table or query, filtered after the stored cursor and ordered by the cursor column. */
export function extractionSql(
  options: SqlRelationOptions,
  dialect: SqlDialect,
  cursorColumn: string | undefined,
  after: string | null | undefined,
): { sql: string; values: string[] } {
  const base = relationSql(options, dialect);
  if (cursorColumn === undefined) return { sql: base, values: [] };
  const column = `s.${dialect.quoteIdent(cursorColumn)}`;
  // A newline before `) s`, so a query ending in a `--` comment still wraps.
  if (after === undefined || after === null)
    return { sql: `SELECT * FROM (${base}\n) s ORDER BY ${column}`, values: [] };
  return {
    sql: `SELECT * FROM (${base}\n) s WHERE ${column} > ${dialect.placeholder} ORDER BY ${column}`,
    values: [dialect.cursorValue(after)],
  };
}

/**
 * What an extraction reads (after checking it was not cancelled yet): the SQL with its bound cursor value, and
 * the cursor column, the incremental request's or else the declared one.
 */
export function extractionPlan(
  options: SqlRelationOptions & { readonly cursorColumn?: string | undefined },
  dialect: SqlDialect,
  ctx: ExtractContext,
): { cursorColumn: string | undefined; sql: string; values: string[] } {
  ctx.signal?.throwIfAborted();
  const cursorColumn = ctx.incremental?.column ?? options.cursorColumn;
  return { cursorColumn, ...extractionSql(options, dialect, cursorColumn, ctx.incremental?.after) };
}

/** The SQL that reads no row but names the columns (for `check()`). */
export function probeSql(options: SqlRelationOptions, dialect: SqlDialect): string {
  return `SELECT * FROM (${relationSql(options, dialect)}\n) s LIMIT 0`;
}

/** The error when the declared cursor column is not among the columns read. */
export function missingCursor(target: SqlTarget, column: string, columns: readonly string[]): SourceError {
  return new SourceError(
    `${target.where}: the cursor column ${JSON.stringify(column)} is not among the columns (${columns.join(', ')}). Fix: declare a cursor column the ${target.relation === 'query' ? 'query selects' : 'table has'}`,
    { source: target.address, relation: target.relation, cursorColumn: column },
  );
}

/**
 * Locates rows: `table@cursorColumn=value` when a cursor column is declared, else `table#ordinal` (counting
 * across batches). Throws `missingCursor` when the cursor column is not among `columns`.
 */
export function rowLocator(
  target: SqlTarget,
  cursorColumn: string | undefined,
  columns: readonly string[],
): (row: readonly (string | null)[]) => string {
  const cursorIndex = cursorColumn === undefined ? -1 : columns.indexOf(cursorColumn);
  if (cursorColumn !== undefined && cursorIndex < 0) throw missingCursor(target, cursorColumn, columns);
  if (cursorIndex >= 0) {
    const prefix = `${target.relation}@${cursorColumn}=`;
    return (row) => `${prefix}${row[cursorIndex] ?? 'null'}`;
  }
  const prefix = `${target.relation}#`;
  let ordinal = 0;
  return () => `${prefix}${++ordinal}`;
}

/** The canonicalisers of the columns that need one, by column index. */
export function canonicalisers<F, V>(
  fields: readonly F[],
  pick: (field: F) => ((value: V) => string) | undefined,
): { readonly index: number; readonly canonical: (value: V) => string }[] {
  return fields.flatMap((f, index) => {
    const canonical = pick(f);
    return canonical === undefined ? [] : [{ index, canonical }];
  });
}
