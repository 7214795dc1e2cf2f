/**
 * In-place foundation builds: the fresh rows are compared with the current ones and only the difference is
 * written (deleted by rowid and inserted in the foundation table, closed and opened in the history), inside the
 * caller's transaction. A full build compares every key; an incremental one only the touched keys, reading the
 * sources that have new loads once (`__gs_<name>_rows<i>`) and taking the values of the other sources from the
 * current rows (they cannot have changed) unless a key might have lost its last recomputed source.
 */
import { quoteIdent as q, type Warehouse } from '../warehouse/index.ts';
import type { BuildStep } from './foundation.ts';
import type { Foundation, SourceRef } from './foundation-define.ts';
import {
  conflictsSql,
  deltaSql,
  freshSql,
  keyedRowsSql,
  type Pick,
  reuseSql,
  rowsKey,
  type Scope,
  type SourceTable,
  usedColumns,
} from './foundation-sql.ts';
import { applyDelta, type HistoryChange, historyTable } from './history.ts';

/** What an in-place build works on. */
export interface InPlaceBuild {
  readonly f: Foundation;
  readonly sources: ReadonlyMap<string, SourceTable>;
  readonly picks: readonly Pick[];
  readonly at: Date;
  /** A table of the touched keys `k` (incremental), or undefined (full: every key). */
  readonly touched?: string | undefined;
  /** Datasets with new loads (incremental). */
  readonly changed: ReadonlySet<string>;
  /** Where a full build writes the conflicts (swapped in by the caller). */
  readonly conflictsBuilding: string;
  readonly step: (s: BuildStep) => Promise<void>;
}

/** Builds a foundation in place; see the module comment. Returns the history versions opened and closed. */
export async function buildInPlace(wh: Warehouse, b: InPlaceBuild): Promise<HistoryChange> {
  const { f, sources, picks, touched } = b;
  const table = `foundation.${q(f.name)}`;
  const key = q(f.keyColumn);
  const fields = Object.keys(f.fields);
  const temp = (s: string) => `temp.${q(`__gs_${f.name}_${s}`)}`;
  const temps: string[] = [];
  const create = async (name: string, sql: string) => {
    await wh.run(`CREATE OR REPLACE TEMP TABLE ${q(`__gs_${f.name}_${name}`)} AS ${sql}`);
    temps.push(temp(name));
    return temp(name);
  };
  const flagged = touched ? Object.keys(f.others) : [];
  let scope: Scope | undefined;
  let fresh: string;
  let current: string;
  let fromHistory = false;
  if (!touched) {
    fresh = `(${freshSql(f, picks, sources)})`;
    current = `(SELECT rowid AS __rid, * FROM ${table})`;
  } else {
    // Rows of the sources with new loads, read once for the picks and the comparisons (only the columns used).
    const rows = new Map<string, string>();
    const refs = [...Object.values(f.fields), ...Object.values(f.others)].flat();
    const changed = refs.filter((r) => b.changed.has(r.source));
    const tables = [...new Set(changed.map((r) => sources.get(r.source)!.table))];
    const columns = await wh.all<{ t: string; c: string }>(
      `SELECT table_name AS t, column_name AS c FROM duckdb_columns()
       WHERE database_name = current_database() AND schema_name = current_schema()
         AND table_name IN (${tables.map(() => '?').join(', ')}) ORDER BY column_index`,
      tables,
    );
    for (const r of changed) {
      if (rows.has(rowsKey(r))) continue;
      const src = sources.get(r.source)!;
      const used = usedColumns(
        changed.filter((o) => rowsKey(o) === rowsKey(r)),
        src,
        columns.filter((c) => c.t === src.table).map((c) => c.c),
      );
      rows.set(rowsKey(r), await create(`rows${rows.size}`, keyedRowsSql(f, r, src, touched, used)));
    }
    scope = { keys: touched, rows };
    // The current rows of the touched keys are their open history versions (same values, plus `valid_from`):
    // one scan of the history serves the comparison and the closing of versions, and the table is not read.
    fromHistory = await historyHoldsRows(wh, f);
    current = await create(
      'current',
      fromHistory
        ? `SELECT h.rowid AS __rid, h.* FROM ${historyTable(f)} AS h SEMI JOIN ${touched} AS t ON h.${key} = t.k
           WHERE h.valid_to IS NULL`
        : `SELECT c.rowid AS __rid, c.* FROM ${table} AS c SEMI JOIN ${touched} AS t ON c.${key} = t.k`,
    );
    const read = picks.filter((p) => b.changed.has(p.ref.source));
    const kept = picks.filter((p) => !b.changed.has(p.ref.source));
    if (!read.length) {
      fresh = await create('fresh', `SELECT ${[key, ...fields.map(q)].join(', ')} FROM ${current}`);
    } else {
      fresh = await create('fresh', reuseSql(f, read, kept, sources, scope, current));
      // A current key that no recomputed pick holds any more may still be held by a kept one: read them all.
      const lost = kept.length
        ? await wh.value<number>(
            `SELECT count(*) FROM ${current} AS c WHERE NOT EXISTS (SELECT 1 FROM ${fresh} AS n WHERE n.${key} = c.${key})`,
          )
        : 0;
      if (lost) fresh = await create('fresh', freshSql(f, picks, sources, scope));
    }
  }
  const delta = await create('delta', deltaSql(f, fresh, current, flagged));
  const [counts] = await wh.all<Record<string, number>>(
    `SELECT count(*) FILTER (WHERE __old) AS old, count(*) FILTER (WHERE __new) AS new${flagged
      .map((c, i) => `, count(*) FILTER (WHERE ${q(`__changed_${c}`)}) AS ${q(`c${i}`)}`)
      .join('')} FROM ${delta}`,
  );
  const history = { opened: counts?.new ?? 0, closed: counts?.old ?? 0 };
  await b.step('picks');
  if (history.closed) {
    await wh.run(
      fromHistory
        ? `DELETE FROM ${table} WHERE ${key} IN (SELECT __k FROM ${delta} WHERE __old)`
        : `DELETE FROM ${table} WHERE rowid IN (SELECT __rid FROM ${delta} WHERE __old)`,
    );
  }
  if (history.opened) {
    const cols = [key, ...fields.map(q)].join(', ');
    await wh.run(`INSERT INTO ${table} (${cols}) SELECT ${cols} FROM ${delta} WHERE __new`);
  }
  await b.step('assemble');
  if (!touched || !scope) {
    await wh.run(`CREATE OR REPLACE TABLE ${b.conflictsBuilding} AS ${conflictsSql(f, sources, table)}`);
  } else {
    // Per (field, other source): recompute the keys it was read for again (touched, when it has new loads)
    // and the keys whose authoritative value changed.
    const conflicts = `foundation.${q(`${f.name}_conflicts`)}`;
    const groups = new Map<string, { field: string; source: string; index: number }>();
    for (const [field, refs] of Object.entries(f.others)) {
      for (const r of refs) {
        groups.set(JSON.stringify([field, r.source]), {
          field,
          source: r.source,
          index: flagged.indexOf(field),
        });
      }
    }
    for (const { field, source, index } of groups.values()) {
      const keys = b.changed.has(source)
        ? touched
        : (counts?.[`c${index}`] ?? 0) > 0
          ? `(SELECT __k AS k FROM ${delta} WHERE ${q(`__changed_${field}`)})`
          : undefined;
      if (!keys) continue;
      const only = (fl: string, r: SourceRef) => fl === field && r.source === source;
      await wh.run(
        `DELETE FROM ${conflicts} WHERE field = $1 AND other_source = $2 AND key IN (SELECT k FROM ${keys})`,
        [field, source],
      );
      await wh.run(
        `INSERT INTO ${conflicts} BY NAME ${conflictsSql(f, sources, fresh, { ...scope, keys }, only)}`,
      );
    }
  }
  await b.step('conflicts');
  await applyDelta(wh, f, delta, history, b.at, fromHistory ? current : undefined);
  await b.step('history');
  for (const t of temps.reverse()) await wh.run(`DROP TABLE IF EXISTS ${t}`);
  return history;
}

/**
 * Whether the open history versions can stand for the foundation rows: the history has the key and every field
 * with the table's types (a full build may have changed a type the history kept).
 */
async function historyHoldsRows(wh: Warehouse, f: Foundation): Promise<boolean> {
  const rows = await wh.all<{ t: string; c: string; ty: string }>(
    `SELECT table_name AS t, column_name AS c, data_type AS ty FROM duckdb_columns()
     WHERE schema_name = 'foundation' AND table_name IN ($1, $2)`,
    [f.name, `${f.name}_history`],
  );
  const types = (t: string) => new Map(rows.filter((r) => r.t === t).map((r) => [r.c, r.ty]));
  const table = types(f.name);
  const hist = types(`${f.name}_history`);
  return [f.keyColumn, ...Object.keys(f.fields)].every((c) => table.has(c) && hist.get(c) === table.get(c));
}
