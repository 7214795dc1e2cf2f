/**
 * Row writes of the governance stores: one row inserted or updated from a record of column → value, values bound
 * as parameters. The tables themselves (schema `gongshu`) are created on open by their owner modules in
 * warehouse/system/ (sharing.ts, usage.ts, catalog-lifecycle.ts).
 */
import { quoteIdent, type Sql } from '../schemas/index.ts';
import type { AppendValue, Warehouse } from '../warehouse/index.ts';

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
