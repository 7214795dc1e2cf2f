/**
 * In-place foundation builds: the fresh rows are compared with the current ones and only the difference is
 * written, inside the caller's transaction: a replaced row is appended to the closed versions (`history.ts`)
 * and deleted by rowid, a new row is inserted with `valid_from` = the build time. A full build compares every
 * key; an incremental one only the touched keys, reading the sources that have new loads once
 * (`__gs_<name>_rows<i>`) and taking the values of the other sources from the current rows (they cannot have
 * changed) unless a key might have lost its last recomputed source. A source whose new loads are all merges on
 * its key column is read from those loads' rows only (they hold every row of the keys they wrote, once each;
 * for its other touched keys it is unchanged), so the work follows the size of the change, not of the source
 * table.
 */

import { quoteLiteral as lit, quoteIdent as q } from '../../schemas/index.ts';
import type { Warehouse } from '../../warehouse/index.ts';
import type { BuildStep } from './build.ts';
import type { Foundation, SourceRef } from './define.ts';
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
} from './sql.ts';
import { closedTable, type HistoryChange, stampSql } from './versions.ts';

/** What an in-place build works on. */
export interface InPlaceBuild {
  readonly f: Foundation;
  readonly sources: ReadonlyMap<string, SourceTable>;
  readonly picks: readonly Pick[];
  readonly at: Date;
  /**
   * Incremental: the SQL of the touched keys `k`, given the rows tables already read from new loads (by
   * `rowsKey`), whose keys it takes instead of reading the loads again. Undefined for a full build (every key).
   */
  readonly touched?: ((rows: ReadonlyMap<string, string>) => string) | undefined;
  /** Datasets with new loads (incremental). */
  readonly changed: ReadonlySet<string>;
  /** The new loads of each dataset (incremental). */
  readonly loads?: ReadonlyMap<string, readonly string[]>;
  /** Datasets whose new loads hold every row of the keys they wrote (merges on the key column). */
  readonly exact?: ReadonlySet<string>;
  /** Where a full build writes the conflicts (swapped in by the caller). */
  readonly conflictsBuilding: string;
  /** Called after each step (a test hook; a throw rolls back). Without it, statements go in fewer round trips. */
  readonly step?: ((s: BuildStep) => Promise<void>) | undefined;
}

/**
 * Builds a foundation in place; see the module comment. Returns the history versions opened and closed, and the
 * keys recomputed (the touched keys; 0 for a full build, which recomputes every key).
 */
export async function buildInPlace(
  wh: Warehouse,
  b: InPlaceBuild,
): Promise<HistoryChange & { readonly keys: number }> {
  const { f, sources, picks } = b;
  const table = `foundation.${q(f.name)}`;
  const key = q(f.keyColumn);
  const fields = Object.keys(f.fields);
  const temp = (s: string) => `temp.${q(`__gs_${f.name}_${s}`)}`;
  const temps: string[] = [];
  // Statements that need no answer are sent together, in one round trip, before the next query.
  const queued: string[] = [];
  const flush = async () => {
    if (queued.length) await wh.run(queued.splice(0).join(';\n'));
  };
  const ask = async (sql: string) => {
    await flush();
    return (await wh.all<Record<string, number>>(sql))[0] ?? {};
  };
  const create = (name: string, sql: string) => {
    queued.push(`CREATE OR REPLACE TEMP TABLE ${q(`__gs_${f.name}_${name}`)} AS ${sql}`);
    if (!temps.includes(temp(name))) temps.push(temp(name));
    return temp(name);
  };
  // A test hook after each step: the statements so far are sent first.
  const step = async (s: BuildStep) => {
    if (!b.step) return;
    await flush();
    await b.step(s);
  };
  const flagged = b.touched ? Object.keys(f.others) : [];
  let scope: Scope | undefined;
  let fresh: string;
  let current: string;
  // The difference to apply (`deltaSql` columns) and its counts.
  let delta: string | undefined;
  let counts: Record<string, number> = {};
  let touched: string | undefined;
  let groups: ConflictGroup[] = [];
  if (!b.touched) {
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
    const sourceOf = (r: SourceRef) => sources.get(r.source)!;
    const usedBy = (r: SourceRef) =>
      usedColumnsSql(
        changed.filter((o) => rowsKey(o) === rowsKey(r)),
        sourceOf(r),
      );
    for (const r of changed) {
      const rk = rowsKey(r);
      const src = sourceOf(r);
      const loads = b.loads?.get(r.source);
      const exact = loads && b.exact?.has(r.source) && (r.keys ?? [src.keyColumn]).join() === src.keyColumn;
      if (rows.has(rk) || !exact) continue;
      const t = create(`rows${rows.size}`, loadRowsSql(src, loads, usedBy(r)));
      rows.set(rk, t);
      partial.set(rk, `(SELECT __k AS k FROM ${t})`);
    }
    // The touched keys (those of the partial rows tables taken from them), then the other rows for every one.
    touched = create('touched', b.touched(rows));
    await step('touched');
    for (const r of changed) {
      const rk = rowsKey(r);
      if (!rows.has(rk))
        rows.set(rk, create(`rows${rows.size}`, keyedRowsSql(f, r, sourceOf(r), touched, usedBy(r))));
    }
    scope = { keys: touched, rows, partial };
    // The current rows of the touched keys, with their rowid (to delete them) and `valid_from` (to close them).
    current = create(
      'current',
      `SELECT c.rowid AS __rid, c.* FROM ${table} AS c SEMI JOIN ${touched} AS t ON c.${key} = t.k`,
    );
    const read = picks.filter((p) => b.changed.has(p.ref.source));
    const kept = picks.filter((p) => !b.changed.has(p.ref.source));
    const sizes = `(SELECT count(*) FROM ${touched}) AS keys, (SELECT count(*) FROM ${current}) AS current`;
    if (read.length && (kept.length || partial.size)) {
      // Every current key should still be held by a pick (a kept one at least): the fresh rows are compared with
      // the current ones in the same statement, and a current key missing from them (lost) is checked by count.
      fresh = create('fresh', compareSql(f, reuseSql(f, read, kept, sources, scope, current, true), flagged));
      delta = `(SELECT * FROM ${fresh} WHERE __new)`;
      groups = conflictGroups(f, scope, delta);
      counts = await ask(
        `SELECT ${sizes}, count(__rid) AS matched, ${countsSql(flagged)}${restCounts(groups)} FROM ${fresh}`,
      );
      // A current key that no recomputed pick holds any more may still be held by a kept one (or by a source
      // read from partial rows, unchanged for the key): then every pick is read again for every touched key.
      if ((counts.matched ?? 0) < (counts.current ?? 0)) {
        fresh = create('fresh', freshSql(f, picks, sources, complete(scope)));
        delta = undefined;
      }
    } else {
      fresh = create(
        'fresh',
        read.length
          ? reuseSql(f, read, kept, sources, scope, current)
          : `SELECT ${[key, ...fields.map(q)].join(', ')} FROM ${current}`,
      );
      counts = await ask(`SELECT ${sizes}`);
    }
  }
  if (!delta) {
    delta = create('delta', deltaSql(f, fresh, current, flagged));
    groups = scope ? conflictGroups(f, scope, delta) : [];
    counts = { ...counts, ...(await ask(`SELECT ${countsSql(flagged)}${restCounts(groups)} FROM ${delta}`)) };
  }
  const history = { opened: Number(counts.new ?? 0), closed: Number(counts.old ?? 0) };
  await step('picks');
  // The replaced rows become closed versions, then leave the table; the new rows open versions at `at`.
  if (history.closed) {
    queued.push(
      `INSERT INTO ${closedTable(f)} BY NAME SELECT c.* EXCLUDE (__rid), ${stampSql(b.at)} AS valid_to
       FROM ${current} AS c SEMI JOIN (SELECT __rid FROM ${delta} WHERE __old) AS d ON c.__rid = d.__rid`,
      `DELETE FROM ${table} WHERE rowid IN (SELECT __rid FROM ${delta} WHERE __old)`,
    );
  }
  if (history.opened) {
    const cols = [key, ...fields.map(q)].join(', ');
    queued.push(
      `INSERT INTO ${table} (${cols}, valid_from) SELECT ${cols}, ${stampSql(b.at)} FROM ${delta} WHERE __new`,
    );
  }
  await step('assemble');
  if (!touched || !scope) {
    queued.push(`CREATE OR REPLACE TABLE ${b.conflictsBuilding} AS ${conflictsSql(f, sources, table)}`);
  } else {
    queued.push(...conflictUpdates(f, sources, groups, { scope, fresh, counts, changed: b.changed, create }));
  }
  await step('conflicts');
  await step('history');
  queued.push(...temps.reverse().map((t) => `DROP TABLE IF EXISTS ${t}`));
  await flush();
  return { ...history, keys: Number(counts.keys ?? 0) };
}

/** A (field, other source) pair whose conflicts an incremental build brings up to date. */
interface ConflictGroup {
  readonly field: string;
  readonly source: string;
  /** The keys whose authoritative value changed (SQL of keys `k`). */
  readonly changedKeys: string;
  /** The keys whose rows of the other source were all read again from its new loads (`Scope.partial`). */
  readonly covered?: string | undefined;
}

/** The conflict groups of a foundation, for the difference `delta`; see `conflictUpdates`. */
function conflictGroups(f: Foundation, scope: Scope, delta: string): ConflictGroup[] {
  const groups = new Map<string, ConflictGroup>();
  for (const [field, refs] of Object.entries(f.others)) {
    for (const r of refs) {
      const parts = new Set(refs.filter((o) => o.source === r.source).map(rowsKey));
      groups.set(JSON.stringify([field, r.source]), {
        field,
        source: r.source,
        changedKeys: `(SELECT __k AS k FROM ${delta} WHERE ${q(`__changed_${field}`)})`,
        covered: [...parts].every((k) => scope.partial?.has(k))
          ? scope.partial?.get([...parts][0]!)
          : undefined,
      });
    }
  }
  return [...groups.values()];
}

/** The keys of a covered group whose authoritative value changed outside its covered keys. */
const restSql = (g: ConflictGroup) => `(SELECT k FROM ${g.changedKeys} EXCEPT SELECT k FROM ${g.covered})`;

/** Counts (`r<i>`) of each covered group's `restSql`, for the counts query. */
function restCounts(groups: readonly ConflictGroup[]): string {
  return groups.map((g, i) => (g.covered ? `, (SELECT count(*) FROM ${restSql(g)}) AS r${i}` : '')).join('');
}

/**
 * The statements that bring the conflicts of an incremental build up to date. Per (field, other source), the
 * comparisons are recomputed for the keys it was read for again (touched, when it has new loads) and the keys
 * whose authoritative value changed (`counts`: `c<flagged index>` and `r<group index>`, see `restCounts`).
 */
function conflictUpdates(
  f: Foundation,
  sources: ReadonlyMap<string, SourceTable>,
  groups: readonly ConflictGroup[],
  c: {
    readonly scope: Scope;
    readonly fresh: string;
    readonly counts: Readonly<Record<string, number>>;
    readonly changed: ReadonlySet<string>;
    readonly create: (name: string, sql: string) => string;
  },
): string[] {
  const { scope } = c;
  const conflicts = `foundation.${q(`${f.name}_conflicts`)}`;
  const flagged = Object.keys(f.others);
  const out: string[] = [];
  for (const [i, g] of groups.entries()) {
    const { field, source } = g;
    const only = (fl: string, r: SourceRef) => fl === field && r.source === source;
    const valueChanged = (c.counts[`c${flagged.indexOf(field)}`] ?? 0) > 0;
    // Per scope: the keys whose comparisons are recomputed.
    const scopes: Scope[] = [];
    if (g.covered) {
      // The other source's new loads hold all its rows of the keys they wrote; the keys whose authoritative
      // value changed outside those are read from the table (none when both changed together).
      scopes.push({ ...scope, keys: g.covered });
      if ((c.counts[`r${i}`] ?? 0) > 0) {
        scopes.push({
          ...complete(scope),
          keys: c.create(`conflict_keys${i}`, `SELECT * FROM ${restSql(g)}`),
        });
      }
    } else if (c.changed.has(source)) {
      scopes.push({ ...complete(scope), keys: scope.keys });
    } else if (valueChanged) {
      scopes.push({ ...scope, keys: g.changedKeys });
    }
    for (const sc of scopes) {
      out.push(
        `DELETE FROM ${conflicts} WHERE field = ${lit(field)} AND other_source = ${lit(source)}
           AND key IN (SELECT k FROM ${sc.keys})`,
        `INSERT INTO ${conflicts} BY NAME ${conflictsSql(f, sources, c.fresh, sc, only)}`,
      );
    }
  }
  return out;
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
