import { quoteIdent as q } from '../../schemas/index.ts';
import type { Warehouse } from '../../warehouse/index.ts';
import type { BuildStep } from './build.ts';
import type { Foundation } from './define.ts';
import { conflictsSql, type SourceTable } from './sql.ts';
import {
  columnsOf,
  createHistoryView,
  createTable,
  type HistoryChange,
  rewriteHistory,
  stampSql,
} from './versions.ts';

/**
 * Rewrites a foundation: the fresh rows under a temporary name (a key whose values did not change keeps the
 * `valid_from` of its previous row), its conflicts into `conflictsBuilding`, its history, then drop + rename.
 */
export async function rewriteFoundation(
  wh: Warehouse,
  f: Foundation,
  b: {
    readonly fresh: string;
    readonly sources: ReadonlyMap<string, SourceTable>;
    /** Whether the foundation's table exists (its versions are kept or closed). */
    readonly existed: boolean;
    readonly conflictsBuilding: string;
    readonly at: Date;
    readonly step: (s: BuildStep) => Promise<void>;
  },
): Promise<HistoryChange> {
  const { fresh, sources, conflictsBuilding, at, step } = b;
  const table = `foundation.${q(f.name)}`;
  const building = { name: `${f.name}__building`, table: `foundation.${q(`${f.name}__building`)}` };
  // A key whose values did not change keeps the `valid_from` of its previous row.
  // (A table without `valid_from` has no versions to keep or close: it is replaced as in a first build.)
  const kept = b.existed ? await keptSql(wh, f) : undefined;
  const old = kept ? { name: f.name, table } : undefined;
  await createTable(
    wh,
    building.table,
    f.keyColumn,
    old && kept
      ? `SELECT n.*, CASE WHEN o.${q(f.keyColumn)} IS NOT NULL AND ${kept('n', 'o')} THEN o.valid_from
                 ELSE ${stampSql(at)} END AS valid_from
               FROM (${fresh}) AS n LEFT JOIN ${table} AS o ON o.${q(f.keyColumn)} = n.${q(f.keyColumn)}`
      : `SELECT *, ${stampSql(at)} AS valid_from FROM (${fresh})`,
  );
  await step('picks');
  await step('assemble');
  await wh.run(`CREATE OR REPLACE TABLE ${conflictsBuilding} AS ${conflictsSql(f, sources, building.table)}`);
  await step('conflicts');
  const history = await rewriteHistory(wh, f, building, old, kept ?? (() => 'false'), at);
  await step('history');
  await wh.run(`DROP TABLE IF EXISTS ${table}`);
  await wh.run(`ALTER TABLE ${building.table} RENAME TO ${q(f.name)}`);
  await createHistoryView(wh, f);
  return history;
}

/** Whether the fresh rows (SQL) have the columns, in order and with the types, of an existing table. */
export async function sameColumns(wh: Warehouse, fresh: string, table: string): Promise<boolean> {
  const describe = async (sql: string) =>
    (await wh.all<{ column_name: string; column_type: string }>(`DESCRIBE ${sql}`))
      .map((r) => `${r.column_name} ${r.column_type}`)
      .join(', ');
  return (await describe(fresh)) === (await describe(`SELECT * EXCLUDE (valid_from) FROM ${table}`));
}

/**
 * SQL saying whether a new row `n` holds the same values as the current row `o` of the same key, for a build
 * that rewrites the table (the definition or a column type may have changed): a field the current table lacks
 * counts as NULL there, values are compared as text, and a value in a field the definition no longer has counts
 * as a change (so the closed version keeps it). Undefined when the table has no `valid_from` (no versions).
 */
async function keptSql(
  wh: Warehouse,
  f: Foundation,
): Promise<((n: string, o: string) => string) | undefined> {
  const have = new Set((await columnsOf(wh, f.name)).map((c) => c.name));
  if (!have.has('valid_from')) return undefined;
  const fields = Object.keys(f.fields);
  const removed = [...have].filter((c) => c !== f.keyColumn && c !== 'valid_from' && !fields.includes(c));
  return (n, o) =>
    [
      ...fields.map((c) =>
        have.has(c)
          ? `CAST(${n}.${q(c)} AS VARCHAR) IS NOT DISTINCT FROM CAST(${o}.${q(c)} AS VARCHAR)`
          : `${n}.${q(c)} IS NULL`,
      ),
      ...removed.map((c) => `${o}.${q(c)} IS NULL`),
    ].join(' AND ');
}
