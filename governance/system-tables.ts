/**
 * Governance system tables live in the DuckDB schema `gongshu` (`gongshu.share_requests`, `gongshu.grants`, …).
 * Each is created idempotently on first write by its one owner module (`ensureTable`) and read through typed
 * functions of that module; readers on a read-only warehouse see an absent table as empty (`hasSystemTable`).
 */
import { quoteIdent, type Sql, sql, trustedSql } from '../schemas/index.ts';
import { type AppendValue, SYSTEM_SCHEMA, type Warehouse } from '../warehouse/index.ts';

export { SYSTEM_SCHEMA };

/** `gongshu.<name>`, quoted. */
export function systemTable(name: string): Sql {
  return sql`${quoteIdent(SYSTEM_SCHEMA)}.${quoteIdent(name)}`;
}

const ensured = new WeakMap<Warehouse, Set<string>>();

/** Creates the schema and a table (DDL statements, idempotent) once per open warehouse. */
export async function ensureTable(wh: Warehouse, name: string, ddl: readonly Sql[]): Promise<void> {
  const done = ensured.get(wh) ?? new Set<string>();
  ensured.set(wh, done);
  if (done.has(name)) return;
  await wh.run(`CREATE SCHEMA IF NOT EXISTS ${quoteIdent(SYSTEM_SCHEMA)}`);
  for (const statement of ddl) await wh.run(statement);
  done.add(name);
}

/** Whether `gongshu.<name>` exists (readers on a read-only warehouse call this before reading). */
export async function hasSystemTable(wh: Warehouse, name: string): Promise<boolean> {
  const n = await wh.value<number>(
    `SELECT count(*) FROM duckdb_tables() WHERE database_name = current_database() AND schema_name = $1 AND table_name = $2`,
    [SYSTEM_SCHEMA, name],
  );
  return (n ?? 0) > 0;
}

/** A value of a row written with `insertRow`/`updateRows`: objects and arrays are stored as JSON text. */
export type RowValue = AppendValue | undefined | readonly unknown[] | Readonly<Record<string, unknown>>;

function bindValue(v: RowValue, params: unknown[]): string {
  if (v === null || v === undefined) return 'NULL'; // the DuckDB binding cannot type a bare null parameter
  params.push(typeof v === 'object' ? JSON.stringify(v) : v);
  return `$${params.length}`;
}

/** Inserts one row (column → value); values are bound parameters. */
export async function insertRow(
  wh: Warehouse,
  table: Sql,
  row: Readonly<Record<string, RowValue>>,
): Promise<void> {
  const params: unknown[] = [];
  const cols = Object.keys(row);
  const values = cols.map((c) => bindValue(row[c], params));
  await wh.run(
    `INSERT INTO ${table} (${cols.map(quoteIdent).join(', ')}) VALUES (${values.join(', ')})`,
    params,
  );
}

/** Updates the row whose `key` column equals `id`; values are bound parameters. */
export async function updateRow(
  wh: Warehouse,
  table: Sql,
  key: string,
  id: string,
  set: Readonly<Record<string, RowValue>>,
): Promise<void> {
  const params: unknown[] = [];
  const assignments = Object.entries(set).map(([c, v]) => `${quoteIdent(c)} = ${bindValue(v, params)}`);
  params.push(id);
  await wh.run(
    `UPDATE ${table} SET ${assignments.join(', ')} WHERE ${quoteIdent(key)} = $${params.length}`,
    params,
  );
}

/** DDL text the owner modules write themselves. */
export const ddl = trustedSql;
