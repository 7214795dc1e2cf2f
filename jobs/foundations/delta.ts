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

import { quoteIdent as q } from '../../schemas/index.ts';
import type { Warehouse } from '../../warehouse/index.ts';
import type { BuildStep } from './build.ts';
import type { Foundation, SourceRef } from './define.ts';
import {
  type ConflictGroup,
  complete,
  conflictGroups,
  conflictUpdates,
  restCounts,
} from './delta-conflicts.ts';
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
import { type StatementBatch, statementBatch } from './statement-batch.ts';
import { closedTable, type HistoryChange, stampSql } from './versions.ts';

/** What an in-place build works on. */
export interface InPlaceBuild {
  readonly f: Foundation;
  readonly sources: ReadonlyMap<string, SourceTable>;
  readonly picks: readonly Pick[];
  /** A full build's fresh rows of every key, written to a temporary table before the transaction (`fresh-rows.ts`). */
  readonly freshTable?: string | undefined;
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

/** The fresh and current rows compared, and what is known of their difference so far. */
interface Difference {
  readonly scope: Scope | undefined;
  /** The touched keys (incremental). */
  readonly touched: string | undefined;
  readonly fresh: string;
  readonly current: string;
  /** The difference to apply (`deltaSql` columns), when already computed. */
  readonly delta: string | undefined;
  /** Its counts. */
  readonly counts: Record<string, number>;
  readonly groups: ConflictGroup[];
}

/**
 * Builds a foundation in place; see the module comment. Returns the history versions opened and closed, and the
 * keys recomputed (the touched keys; 0 for a full build, which recomputes every key).
 */
export async function buildInPlace(
  wh: Warehouse,
  b: InPlaceBuild,
): Promise<HistoryChange & { readonly keys: number }> {
  const { f, sources } = b;
  const table = `foundation.${q(f.name)}`;
  const key = q(f.keyColumn);
  const fields = Object.keys(f.fields);
  const batch = statementBatch(wh, f.name, b.step);
  const { queued, temps, flush, ask, create, step } = batch;
  const flagged = b.touched ? Object.keys(f.others) : [];
  if (!b.touched && !b.freshTable) throw new Error('buildInPlace: a full build needs its fresh rows table');
  const d: Difference = !b.touched
    ? {
        scope: undefined,
        touched: undefined,
        // Written to a table first: compared in the same statement, the joins of the picks and the join with the
        // current rows held their hash tables at once, beyond FOUNDATION_MEMORY_LIMIT at 1M people.
        fresh: b.freshTable!,
        current: `(SELECT rowid AS __rid, * FROM ${table})`,
        delta: undefined,
        counts: {},
        groups: [],
      }
    : await incrementalDifference(b, batch, b.touched, flagged);
  const { scope, touched, fresh, current } = d;
  let { delta, counts, groups } = d;
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

/**
 * Reads the rows of the sources with new loads (once, only the columns used): a source whose new loads hold
 * every row of the keys they wrote from those loads only (their rows are at the end of the table), with the keys
 * they cover (`partial`); then the touched keys, then the other sources' rows for every touched key.
 */
async function touchedScope(
  b: InPlaceBuild,
  batch: StatementBatch,
  touchedSql: (rows: ReadonlyMap<string, string>) => string,
): Promise<{ scope: Scope; touched: string }> {
  const { f, sources } = b;
  const { create, step } = batch;
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
  const touched = create('touched', touchedSql(rows));
  await step('touched');
  for (const r of changed) {
    const rk = rowsKey(r);
    if (!rows.has(rk))
      rows.set(rk, create(`rows${rows.size}`, keyedRowsSql(f, r, sourceOf(r), touched, usedBy(r))));
  }
  return { scope: { keys: touched, rows, partial }, touched };
}

/**
 * The difference of an incremental build: the current rows of the touched keys, and the fresh ones (recomputed
 * picks for the sources with new loads, the current values for the others), compared in one statement when they
 * can be.
 */
async function incrementalDifference(
  b: InPlaceBuild,
  batch: StatementBatch,
  touchedSql: (rows: ReadonlyMap<string, string>) => string,
  flagged: readonly string[],
): Promise<Difference> {
  const { f, sources, picks } = b;
  const { ask, create } = batch;
  const table = `foundation.${q(f.name)}`;
  const key = q(f.keyColumn);
  const fields = Object.keys(f.fields);
  const { scope, touched } = await touchedScope(b, batch, touchedSql);
  const { partial } = scope;
  // The current rows of the touched keys, with their rowid (to delete them) and `valid_from` (to close them).
  const current = create(
    'current',
    `SELECT c.rowid AS __rid, c.* FROM ${table} AS c SEMI JOIN ${touched} AS t ON c.${key} = t.k`,
  );
  const read = picks.filter((p) => b.changed.has(p.ref.source));
  const kept = picks.filter((p) => !b.changed.has(p.ref.source));
  const sizes = `(SELECT count(*) FROM ${touched}) AS keys, (SELECT count(*) FROM ${current}) AS current`;
  let fresh: string;
  let delta: string | undefined;
  let counts: Record<string, number>;
  let groups: ConflictGroup[] = [];
  if (read.length && (kept.length || partial?.size)) {
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
  return { scope, touched, fresh, current, delta, counts, groups };
}

/** Counts of a difference (`deltaSql` columns): old and new rows, and each flagged field's changes. */
function countsSql(flagged: readonly string[]): string {
  return `count(*) FILTER (WHERE __old) AS old, count(*) FILTER (WHERE __new) AS new${flagged
    .map((c, i) => `, count(*) FILTER (WHERE ${q(`__changed_${c}`)}) AS ${q(`c${i}`)}`)
    .join('')}`;
}
