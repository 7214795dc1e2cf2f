/**
 * SCD2 history of a foundation, in two tables and a view:
 * - `foundation.<name>` holds the open (current) version of every key, with `valid_from`: the build time at
 *   which its values appeared;
 * - `foundation.<name>_closed` holds the versions that were replaced or disappeared, with `valid_from` and
 *   `valid_to` (the build time at which they stopped holding);
 * - `foundation.<name>_history` is the view of both: every version, `valid_to` NULL for the current one;
 * - `foundation.<name>_as_of(ts)` is a table macro returning the state at a point in time.
 *
 * Why the open versions are not also kept in the history table: a build then reads the current rows once (from
 * the foundation table, which it rewrites anyway) and only appends to the history. Keeping them in both, as
 * the first layout did, made every incremental build scan and rewrite the whole history for the touched keys
 * as well (`upgradeLayout` converts that layout).
 */

import { quoteLiteral as lit, quoteIdent as q } from '../../schemas/index.ts';
import type { Warehouse } from '../../warehouse/index.ts';
import type { Foundation } from './define.ts';

/** `foundation.<name>_history` (a view of every version), quoted. */
export const historyTable = (f: Pick<Foundation, 'name'>) => `foundation.${q(`${f.name}_history`)}`;

/** `foundation.<name>_closed` (the replaced versions), quoted. */
export const closedTable = (f: Pick<Foundation, 'name'>) => `foundation.${q(`${f.name}_closed`)}`;

/** Versions opened and closed by one build. */
export interface HistoryChange {
  readonly opened: number;
  readonly closed: number;
}

/** `TIMESTAMPTZ` literal of a build time. */
export const stampSql = (at: Date) => `${lit(at.toISOString())}::TIMESTAMPTZ`;

type Column = { readonly name: string; readonly type: string };

/** The columns of a table in schema `foundation`, in order. */
export async function columnsOf(wh: Warehouse, table: string): Promise<Column[]> {
  return wh.all<Column>(
    `SELECT column_name AS name, data_type AS type FROM duckdb_columns()
     WHERE schema_name = 'foundation' AND table_name = $1 ORDER BY column_index`,
    [table],
  );
}

/**
 * Creates (or replaces) a foundation table with the rows of `select`, its key column stored uncompressed: every
 * incremental build finds the touched keys' rows by scanning that column, and decoding FSST-compressed
 * citizen IDs took about a third of that scan (1M keys: 11 → 8 ms; the column is about 18 MB instead of ~10).
 */
export async function createTable(
  wh: Warehouse,
  table: string,
  keyColumn: string,
  select: string,
): Promise<void> {
  const columns = await wh.all<{ column_name: string; column_type: string }>(`DESCRIBE ${select}`);
  const ddl = columns.map(
    (c) =>
      `${q(c.column_name)} ${c.column_type}${c.column_name === keyColumn ? ' USING COMPRESSION uncompressed' : ''}`,
  );
  await wh.run(`CREATE OR REPLACE TABLE ${table} (${ddl.join(', ')})`);
  await wh.run(`INSERT INTO ${table} ${select}`);
}

/**
 * Rewrites the history for a foundation table built anew (`building`, with `valid_from` already set: kept from
 * the previous row of a key whose values did not change, else the build time): every previous row (`old`, the
 * table being replaced) that was not kept is closed at `at`. The closed table gets every column it lacks and
 * column types that changed; a type its values do not all convert to becomes VARCHAR. Inside the caller's
 * transaction; the caller swaps the tables and then calls `createHistoryView`.
 */
export async function rewriteHistory(
  wh: Warehouse,
  f: Foundation,
  building: { readonly name: string; readonly table: string },
  old: { readonly name: string; readonly table: string } | undefined,
  keptSql: (n: string, o: string) => string,
  at: Date,
): Promise<HistoryChange> {
  const closed = closedTable(f);
  const key = q(f.keyColumn);
  await wh.run(
    `CREATE TABLE IF NOT EXISTS ${closed} AS
     SELECT *, NULL::TIMESTAMPTZ AS valid_to FROM ${building.table} LIMIT 0`,
  );
  const have = new Map((await columnsOf(wh, `${f.name}_closed`)).map((c) => [c.name, c.type]));
  const oldColumns = old ? await columnsOf(wh, old.name) : [];
  const wanted = [...oldColumns, ...(await columnsOf(wh, building.name))];
  for (const c of wanted) {
    const type = have.get(c.name);
    if (type === undefined) {
      await wh.run(`ALTER TABLE ${closed} ADD COLUMN ${q(c.name)} ${c.type}`);
      have.set(c.name, c.type);
    } else if (type !== c.type) {
      // The values already closed and those about to be (the previous rows) must all convert.
      const values = [closed, ...(old && oldColumns.some((o) => o.name === c.name) ? [old.table] : [])];
      const lossless = !(await wh.value<number>(
        `SELECT count(*) FROM (${values.map((t) => `SELECT ${q(c.name)} AS v FROM ${t}`).join(' UNION ALL ')})
         WHERE v IS NOT NULL AND TRY_CAST(v AS ${c.type}) IS NULL`,
      ));
      const to = lossless ? c.type : 'VARCHAR';
      if (to !== type) await wh.run(`ALTER TABLE ${closed} ALTER COLUMN ${q(c.name)} SET DATA TYPE ${to}`);
      have.set(c.name, to);
    }
  }
  const closedCount = old
    ? ((await wh.value<number>(
        `INSERT INTO ${closed} BY NAME SELECT o.*, ${stampSql(at)} AS valid_to FROM ${old.table} AS o
         WHERE NOT EXISTS (SELECT 1 FROM ${building.table} AS n WHERE n.${key} = o.${key} AND ${keptSql('n', 'o')})`,
      )) ?? 0)
    : 0;
  const opened = old
    ? ((await wh.value<number>(
        `SELECT count(*) FROM ${building.table} AS n
         WHERE NOT EXISTS (SELECT 1 FROM ${old.table} AS o WHERE n.${key} = o.${key} AND ${keptSql('n', 'o')})`,
      )) ?? 0)
    : ((await wh.value<number>(`SELECT count(*) FROM ${building.table}`)) ?? 0);
  return { opened, closed: closedCount };
}

/** Creates (or replaces) the `foundation.<name>_history` view and the `foundation.<name>_as_of(ts)` macro. */
export async function createHistoryView(wh: Warehouse, f: Foundation): Promise<void> {
  await wh.run(
    `CREATE OR REPLACE VIEW ${historyTable(f)} AS
     SELECT *, NULL::TIMESTAMPTZ AS valid_to FROM foundation.${q(f.name)}
     UNION ALL BY NAME SELECT * FROM ${closedTable(f)}`,
  );
  await wh.run(
    `CREATE OR REPLACE MACRO foundation.${q(`${f.name}_as_of`)}(ts) AS TABLE
     SELECT * EXCLUDE (valid_from, valid_to) FROM ${historyTable(f)}
     WHERE valid_from <= CAST(ts AS TIMESTAMPTZ) AND (valid_to IS NULL OR valid_to > CAST(ts AS TIMESTAMPTZ))`,
  );
}

/**
 * Converts a foundation stored in the first layout (`<name>_history` a table of every version, open ones
 * included; `<name>` without `valid_from`) to the current one, inside the caller's transaction: the closed
 * versions move to `<name>_closed`, the table gets the `valid_from` of its open versions, the history becomes
 * the view. Columns an open version kept from an earlier definition (no longer in the table) are not carried
 * over. The caller has checked the layout (`<name>_history` is a table).
 */
export async function upgradeLayout(wh: Warehouse, f: Foundation, at: Date): Promise<void> {
  const hist = historyTable(f);
  const table = `foundation.${q(f.name)}`;
  const key = q(f.keyColumn);
  await wh.run(`CREATE TABLE ${closedTable(f)} AS SELECT * FROM ${hist} WHERE valid_to IS NOT NULL`);
  const upgraded = `foundation.${q(`${f.name}__upgrading`)}`;
  await createTable(
    wh,
    upgraded,
    f.keyColumn,
    `SELECT t.*, coalesce(h.valid_from, ${stampSql(at)}) AS valid_from
     FROM ${table} AS t LEFT JOIN (SELECT ${key}, max(valid_from) AS valid_from FROM ${hist}
       WHERE valid_to IS NULL GROUP BY ${key}) AS h ON h.${key} = t.${key}`,
  );
  await wh.run(`DROP TABLE ${hist}`);
  await wh.run(`DROP TABLE ${table}`);
  await wh.run(`ALTER TABLE ${upgraded} RENAME TO ${q(f.name)}`);
  await createHistoryView(wh, f);
}

/**
 * SQL of a foundation's state at a point in time (an ISO date or timestamp, Asia/Shanghai when no offset).
 * @example await wh.all(asOfSql(population, '2026-01-01'))
 */
export function asOfSql(f: Pick<Foundation, 'name'>, at: string | Date): string {
  const ts = typeof at === 'string' ? at : at.toISOString();
  return `SELECT * EXCLUDE (valid_from, valid_to) FROM ${historyTable(f)}
    WHERE valid_from <= ${lit(ts)}::TIMESTAMPTZ AND (valid_to IS NULL OR valid_to > ${lit(ts)}::TIMESTAMPTZ)`;
}
