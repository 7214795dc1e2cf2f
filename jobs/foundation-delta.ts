/**
 * In-place foundation builds: the fresh rows are compared with the current ones and only the difference is
 * written, inside the caller's transaction: a replaced row is appended to the closed versions (`history.ts`) and
 * deleted by rowid, a new row is inserted with `valid_from` = the build time. A full build compares every key; an incremental one only the touched keys, reading the
 * sources that have new loads once (`__gs_<name>_rows<i>`) and taking the values of the other sources from the
 * current rows (they cannot have changed) unless a key might have lost its last recomputed source. A source
 * whose new loads are all merges on its key column is read from those loads' rows only (they hold every row of
 * the keys they wrote; for its other touched keys it is unchanged), so the work follows the size of the change,
 * not of the source table.
 */
import { quoteIdent as q, type Warehouse } from '../warehouse/index.ts';
import type { BuildStep } from './foundation.ts';
import type { Foundation, SourceRef } from './foundation-define.ts';
import {
  compareSql,
  conflictsSql,
  deltaSql,
  freshSql,
  keyedRowsSql,
  loadRowsSql,
  type Pick,
  reuseSql,
  rowsKey,
  type Scope,
  type SourceTable,
  usedColumnsSql,
} from './foundation-sql.ts';
import { closedTable, type HistoryChange, stampSql } from './history.ts';

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
  /** The new loads of each dataset (incremental). */
  readonly loads?: ReadonlyMap<string, readonly string[]>;
  /** Datasets whose new loads hold every row of the keys they wrote (merges on the key column). */
  readonly exact?: ReadonlySet<string>;
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
  // Temporary tables, and how many rows each got (DuckDB answers a CREATE TABLE AS with the count).
  const sizes = new Map<string, number>();
  const create = async (name: string, sql: string) => {
    const n = await wh.value<number>(`CREATE OR REPLACE TEMP TABLE ${q(`__gs_${f.name}_${name}`)} AS ${sql}`);
    if (!sizes.has(temp(name))) temps.push(temp(name));
    sizes.set(temp(name), Number(n ?? 0));
    return temp(name);
  };
  const flagged = touched ? Object.keys(f.others) : [];
  let scope: Scope | undefined;
  let fresh: string;
  let current: string;
  // The difference to apply (`deltaSql` columns) and its counts, when computed with the fresh rows.
  let delta: string | undefined;
  let counts: Record<string, number> | undefined;
  if (!touched) {
    fresh = `(${freshSql(f, picks, sources)})`;
    current = `(SELECT rowid AS __rid, * FROM ${table})`;
  } else {
    // Rows of the sources with new loads, read once for the picks and the comparisons (only the columns used).
    const rows = new Map<string, string>();
    const refs = [...Object.values(f.fields), ...Object.values(f.others)].flat();
    const changed = refs.filter((r) => b.changed.has(r.source));
    // A source whose new loads hold every row of the keys they wrote is read from those loads only (their rows
    // are at the end of the table), with the keys they cover (`partial`); the others for every touched key.
    const partial = new Map<string, string>();
    for (const r of changed) {
      const rk = rowsKey(r);
      if (rows.has(rk)) continue;
      const src = sources.get(r.source)!;
      const used = usedColumnsSql(
        changed.filter((o) => rowsKey(o) === rk),
        src,
      );
      const name = `rows${rows.size}`;
      const loads = b.loads?.get(r.source);
      if (loads && b.exact?.has(r.source) && (r.keys ?? [src.keyColumn]).join() === src.keyColumn) {
        rows.set(rk, await create(name, loadRowsSql(src, loads, used)));
        partial.set(rk, `(SELECT DISTINCT __k AS k FROM ${temp(name)})`);
      } else {
        rows.set(rk, await create(name, keyedRowsSql(f, r, src, touched, used)));
      }
    }
    scope = { keys: touched, rows, partial };
    // The current rows of the touched keys, with their rowid (to delete them) and `valid_from` (to close them).
    current = await create(
      'current',
      `SELECT c.rowid AS __rid, c.* FROM ${table} AS c SEMI JOIN ${touched} AS t ON c.${key} = t.k`,
    );
    const read = picks.filter((p) => b.changed.has(p.ref.source));
    const kept = picks.filter((p) => !b.changed.has(p.ref.source));
    if (!read.length) {
      fresh = await create('fresh', `SELECT ${[key, ...fields.map(q)].join(', ')} FROM ${current}`);
    } else if (kept.length || partial.size) {
      // Every current key should still be held by a pick (a kept one at least): the fresh rows are compared with
      // the current ones in the same statement, and a current key missing from them (lost) is checked by count.
      fresh = await create(
        'fresh',
        compareSql(f, reuseSql(f, read, kept, sources, scope, current, true), flagged),
      );
      const [c] = await wh.all<Record<string, number>>(
        `SELECT count(__rid) AS matched, ${countsSql(flagged)} FROM ${fresh}`,
      );
      // A current key that no recomputed pick holds any more may still be held by a kept one (or by a source
      // read from partial rows, unchanged for the key): then every pick is read again for every touched key.
      if ((c?.matched ?? 0) < sizes.get(current)!) {
        fresh = await create('fresh', freshSql(f, picks, sources, complete(scope)));
      } else {
        delta = `(SELECT * FROM ${fresh} WHERE __new)`;
        counts = c;
      }
    } else {
      fresh = await create('fresh', reuseSql(f, read, kept, sources, scope, current));
    }
  }
  if (!delta) {
    delta = await create('delta', deltaSql(f, fresh, current, flagged));
    [counts] = await wh.all<Record<string, number>>(`SELECT ${countsSql(flagged)} FROM ${delta}`);
  }
  const history = { opened: counts?.new ?? 0, closed: counts?.old ?? 0 };
  await b.step('picks');
  // The replaced rows become closed versions, then leave the table; the new rows open versions at `at`.
  if (history.closed) {
    await wh.run(
      `INSERT INTO ${closedTable(f)} BY NAME SELECT c.* EXCLUDE (__rid), ${stampSql(b.at)} AS valid_to
       FROM ${current} AS c SEMI JOIN (SELECT __rid FROM ${delta} WHERE __old) AS d ON c.__rid = d.__rid`,
    );
    await wh.run(`DELETE FROM ${table} WHERE rowid IN (SELECT __rid FROM ${delta} WHERE __old)`);
  }
  if (history.opened) {
    const cols = [key, ...fields.map(q)].join(', ');
    await wh.run(
      `INSERT INTO ${table} (${cols}, valid_from) SELECT ${cols}, ${stampSql(b.at)} FROM ${delta} WHERE __new`,
    );
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
      const only = (fl: string, r: SourceRef) => fl === field && r.source === source;
      const valueChanged = (counts?.[`c${index}`] ?? 0) > 0;
      const changedSelect = `SELECT __k AS k FROM ${delta} WHERE ${q(`__changed_${field}`)}`;
      const parts = new Set((f.others[field] ?? []).filter((r) => r.source === source).map(rowsKey));
      const covered = [...parts].every((k) => scope.partial?.has(k))
        ? scope.partial?.get([...parts][0]!)
        : undefined;
      // Per scope: the keys whose comparisons are recomputed.
      const scopes: Scope[] = [];
      if (covered) {
        // The other source's new loads hold all its rows of the keys they wrote; the keys whose authoritative
        // value changed outside those are read from the table (none when both changed together).
        scopes.push({ ...scope, keys: covered });
        if (valueChanged) {
          const rest = `(${changedSelect} EXCEPT SELECT k FROM ${covered})`;
          if (await wh.value<number>(`SELECT count(*) FROM ${rest}`)) {
            scopes.push({
              ...complete(scope),
              keys: await create(`conflict_keys${index}`, `SELECT * FROM ${rest}`),
            });
          }
        }
      } else if (b.changed.has(source)) {
        scopes.push({ ...complete(scope), keys: touched });
      } else if (valueChanged) {
        scopes.push({ ...scope, keys: `(${changedSelect})` });
      }
      for (const sc of scopes) {
        await wh.run(
          `DELETE FROM ${conflicts} WHERE field = $1 AND other_source = $2 AND key IN (SELECT k FROM ${sc.keys})`,
          [field, source],
        );
        await wh.run(`INSERT INTO ${conflicts} BY NAME ${conflictsSql(f, sources, fresh, sc, only)}`);
      }
    }
  }
  await b.step('conflicts');
  await b.step('history');
  await wh.run(
    temps
      .reverse()
      .map((t) => `DROP TABLE IF EXISTS ${t};`)
      .join('\n'),
  );
  return history;
}

/** Counts of a difference (`deltaSql` columns): old and new rows, and each flagged field's changes. */
function countsSql(flagged: readonly string[]): string {
  return `count(*) FILTER (WHERE __old) AS old, count(*) FILTER (WHERE __new) AS new${flagged
    .map((c, i) => `, count(*) FILTER (WHERE ${q(`__changed_${c}`)}) AS ${q(`c${i}`)}`)
    .join('')}`;
}

/** A scope without the rows tables that cover only some of its keys (`Scope.partial`). */
function complete(s: Scope): Scope {
  return { keys: s.keys, rows: new Map([...(s.rows ?? [])].filter(([k]) => !s.partial?.has(k))) };
}
