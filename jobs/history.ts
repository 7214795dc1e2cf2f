/**
 * SCD2 history of a foundation: `foundation.<name>_history` holds every version of every key with
 * `valid_from` / `valid_to` (the build times at which the version appeared and was replaced; NULL = current).
 * `foundation.<name>_as_of(ts)` is a table macro returning the state at a point in time.
 */
import { quoteLiteral as lit, quoteIdent as q, type Warehouse } from '../warehouse/index.ts';
import type { Foundation } from './foundation-define.ts';

/** `foundation.<name>_history`, quoted. */
export const historyTable = (f: Pick<Foundation, 'name'>) => `foundation.${q(`${f.name}_history`)}`;

/** Versions opened and closed by one build. */
export interface HistoryChange {
  readonly opened: number;
  readonly closed: number;
}

/**
 * Applies a build to the history, inside the caller's transaction. `fresh` holds the new rows of the keys
 * in `scope` (a table of keys `k`, or undefined for every key): open versions that changed or disappeared
 * are closed at `at`; new or changed rows open a version at `at`.
 */
export async function applyHistory(
  wh: Warehouse,
  f: Foundation,
  fresh: string,
  at: Date,
  scope?: string,
): Promise<HistoryChange> {
  const hist = historyTable(f);
  const key = q(f.keyColumn);
  const fields = Object.keys(f.fields);
  await wh.run(
    `CREATE TABLE IF NOT EXISTS ${hist} AS
     SELECT *, NULL::TIMESTAMPTZ AS valid_from, NULL::TIMESTAMPTZ AS valid_to FROM ${fresh} LIMIT 0`,
  );
  // A field added to the definition: add the column (older versions hold NULL).
  const have = new Set(
    (
      await wh.all<{ c: string }>(
        `SELECT column_name AS c FROM duckdb_columns() WHERE schema_name = 'foundation' AND table_name = $1`,
        [`${f.name}_history`],
      )
    ).map((r) => r.c),
  );
  const types = await wh.all<{ column_name: string; column_type: string }>(`DESCRIBE SELECT * FROM ${fresh}`);
  for (const { column_name: c, column_type: t } of types) {
    if (!have.has(c)) await wh.run(`ALTER TABLE ${hist} ADD COLUMN ${q(c)} ${t}`);
  }
  const stamp = `${lit(at.toISOString())}::TIMESTAMPTZ`;
  const differs = fields.map((c) => `h.${q(c)} IS DISTINCT FROM n.${q(c)}`).join(' OR ') || 'false';
  const inScope = scope ? `AND h.${key} IN (SELECT k FROM ${scope})` : '';
  await wh.run(
    `CREATE OR REPLACE TEMP TABLE __gs_history_closed AS
     SELECT h.${key} AS k FROM ${hist} AS h LEFT JOIN ${fresh} AS n ON n.${key} = h.${key}
     WHERE h.valid_to IS NULL ${inScope} AND (n.${key} IS NULL OR ${differs})`,
  );
  const closed = (await wh.value<number>('SELECT count(*) FROM temp.__gs_history_closed')) ?? 0;
  if (closed > 0) {
    await wh.run(
      `UPDATE ${hist} SET valid_to = ${stamp}
       WHERE valid_to IS NULL AND ${key} IN (SELECT k FROM temp.__gs_history_closed)`,
    );
  }
  await wh.run('DROP TABLE temp.__gs_history_closed');
  const opened = await wh.value<number>(
    `SELECT count(*) FROM ${fresh} AS n
     WHERE NOT EXISTS (SELECT 1 FROM ${hist} AS h WHERE h.${key} = n.${key} AND h.valid_to IS NULL)`,
  );
  await wh.run(
    `INSERT INTO ${hist} BY NAME
     SELECT n.*, ${stamp} AS valid_from, NULL::TIMESTAMPTZ AS valid_to FROM ${fresh} AS n
     WHERE NOT EXISTS (SELECT 1 FROM ${hist} AS h WHERE h.${key} = n.${key} AND h.valid_to IS NULL)`,
  );
  return { opened: opened ?? 0, closed };
}

/**
 * Applies a build's difference with the current rows (a `deltaSql` table: `__k`, `__old`, `__new` and the fresh
 * values) to the history, inside the caller's transaction: the open version of every `__old` key is closed at
 * `at`, every `__new` row opens a version at `at`. Only changed keys are written. A version is closed by
 * deleting it and inserting it again with `valid_to` set: DuckDB commits scattered deletes and appends cheaply,
 * while an UPDATE touching rows all over a large table makes the commit checkpoint it.
 *
 * `open`: when the current rows were read from the history (a table of open versions `h.*` with their rowid as
 * `__rid`, which the delta's `__rid` then names), the versions to close are taken from it, not read again.
 */
export async function applyDelta(
  wh: Warehouse,
  f: Foundation,
  delta: string,
  counts: HistoryChange,
  at: Date,
  open?: string,
): Promise<void> {
  const hist = historyTable(f);
  const stamp = `${lit(at.toISOString())}::TIMESTAMPTZ`;
  if (counts.closed && open) {
    await wh.run(`DELETE FROM ${hist} WHERE rowid IN (SELECT __rid FROM ${delta} WHERE __old)`);
    await wh.run(
      `INSERT INTO ${hist} BY NAME SELECT o.* EXCLUDE (__rid) REPLACE (${stamp} AS valid_to) FROM ${open} AS o
       SEMI JOIN (SELECT __rid FROM ${delta} WHERE __old) AS d ON o.__rid = d.__rid`,
    );
  } else if (counts.closed) {
    const closing = q(`__gs_${f.name}_closing`);
    await wh.run(
      `CREATE OR REPLACE TEMP TABLE ${closing} AS SELECT h.rowid AS __hr, h.* FROM ${hist} AS h
       SEMI JOIN (SELECT __k FROM ${delta} WHERE __old) AS d ON h.${q(f.keyColumn)} = d.__k
       WHERE h.valid_to IS NULL`,
    );
    await wh.run(`DELETE FROM ${hist} WHERE rowid IN (SELECT __hr FROM temp.${closing})`);
    await wh.run(
      `INSERT INTO ${hist} BY NAME SELECT * EXCLUDE (__hr) REPLACE (${stamp} AS valid_to) FROM temp.${closing}`,
    );
    await wh.run(`DROP TABLE temp.${closing}`);
  }
  if (counts.opened) {
    const cols = [f.keyColumn, ...Object.keys(f.fields)].map(q).join(', ');
    await wh.run(
      `INSERT INTO ${hist} (${cols}, valid_from, valid_to)
       SELECT ${cols}, ${stamp}, NULL FROM ${delta} WHERE __new`,
    );
  }
}

/** Creates (or replaces) the `foundation.<name>_as_of(ts)` table macro over the history. */
export async function createAsOfMacro(wh: Warehouse, f: Foundation): Promise<void> {
  await wh.run(
    `CREATE OR REPLACE MACRO foundation.${q(`${f.name}_as_of`)}(ts) AS TABLE
     SELECT * EXCLUDE (valid_from, valid_to) FROM ${historyTable(f)}
     WHERE valid_from <= CAST(ts AS TIMESTAMPTZ) AND (valid_to IS NULL OR valid_to > CAST(ts AS TIMESTAMPTZ))`,
  );
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
