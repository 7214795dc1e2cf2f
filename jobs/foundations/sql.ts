/**
 * The SQL of a foundation build. One "pick" per distinct (source, key columns, filter, order) reads a dataset
 * once and keeps one row per key (`arg_max` by the order: the latest load first, then the first row in
 * source order, or the declared `latest` column); the foundation rows are the picks full-outer-joined on the key,
 * and a build applies only their difference with the current rows (`deltaSql`). Other sources are compared value by value (every distinct
 * value they hold, not only one row per key) and disagreements become conflict rows.
 */
import { inList, quoteLiteral as lit, quoteIdent as q } from '../../schemas/index.ts';
import type { Foundation, SourceRef } from './define.ts';

/** Where a source dataset lives, as the warehouse remembers it. */
export interface SourceTable {
  readonly table: string;
  /** The dataset column holding the normalised key. */
  readonly keyColumn: string;
}

/** One scan of one dataset producing several field values per key. */
export interface Pick {
  readonly id: string;
  readonly ref: SourceRef;
  readonly values: { readonly field: string; readonly sql: string }[];
}

const NORMALIZE = { 'citizen-id': 'gs_citizen_id_normalize', uscc: 'gs_uscc_normalize' } as const;

function valueSql(r: SourceRef): string {
  return r.column !== undefined ? q(r.column) : `(${r.expr})`;
}

/** Groups the authoritative refs of a foundation into picks (one scan per source/filter/key/order). */
export function planPicks(f: Foundation): Pick[] {
  const picks = new Map<string, Pick>();
  for (const [field, refs] of Object.entries(f.fields)) {
    for (const r of refs) {
      const sig = JSON.stringify([r.source, r.keys, r.where, r.latest, r.keyPrefix]);
      let p = picks.get(sig);
      if (!p) {
        p = { id: `p${picks.size}`, ref: r, values: [] };
        picks.set(sig, p);
      }
      p.values.push({ field, sql: valueSql(r) });
    }
  }
  return [...picks.values()];
}

/**
 * Restricts SQL to some keys: `keys` names a table of keys `k`; `rows` maps `rowsKey(ref)` to a table of that
 * source's rows already read for (at least) those keys, as `keyedRowsSql` returns them.
 */
export interface Scope {
  readonly keys: string;
  readonly rows?: ReadonlyMap<string, string>;
  /**
   * `rowsKey(ref)` → a table of keys `k`: that source's rows table holds every row of these keys only (the rows
   * of its new loads), one row per key (a merge on the key column keeps the last row of each key it writes and
   * deletes the earlier ones, so loads of such merges hold each key at most once); for the other keys in scope
   * the source is unchanged, and its values are the current ones. Such a rows table is only combined with
   * scopes whose keys include all of its keys.
   */
  readonly partial?: ReadonlyMap<string, string>;
}

/**
 * One of `count` parts of the keys, by the hash of the key: a full build reads its picks one part at a time
 * (`fresh-rows.ts`); `unique`: the pick's source holds each key once (`unique-sources.ts`), read as it is.
 */
export interface Partition {
  readonly index: number;
  readonly count: number;
  readonly unique?: boolean;
  /**
   * A table of hashes `h` of the keys the pick's rows hold more than once (`repeatedSql`): only their rows go
   * through the choice of a row per key, the others are read as they are.
   */
  readonly repeated?: string;
  /**
   * A table of the winning row of each key (`__k`, `__rowid`: `winnersSql`), for a pick whose keys mostly repeat:
   * the part's rows are read back by rowid.
   */
  readonly winners?: string;
}

/** The order a pick chooses its row of a key by (`arg_max`): see the module comment. */
function orderSql(p: Pick): string {
  return [
    ...(p.ref.latest ? [`${q(p.ref.latest)} IS NOT NULL`, q(p.ref.latest)] : []),
    '_ingested_at',
    '-__rowid',
  ].join(', ');
}

/**
 * The winning row of each key of a pick over a whole source: `__k` and its `__rowid`. A fixed-size aggregate
 * state, which DuckDB spills (the values' own `arg_max` cannot): for a source holding most keys several times
 * (monthly records), choosing the rowids and reading their rows back is cheaper than choosing the values.
 */
export function winnersSql(f: Foundation, p: Pick, src: SourceTable): string {
  return `SELECT __k, arg_max(__rowid, (${orderSql(p)})) AS __rowid FROM ${sourceRows(f, p.ref, src)} GROUP BY __k`;
}

/**
 * The hashes `h` of the keys that a source's rows, read through the ref's key columns, hold more than once, with
 * their rows `n` (a superset of those of any filtered pick of them; a key sharing a hash with one only goes
 * through the choice).
 * Grouping fixed-size hashes spills and is fast: about 30 ms per million rows on 2 cores.
 */
export function repeatedSql(f: Foundation, r: SourceRef, src: SourceTable): string {
  return `SELECT hash(__k) AS h, count(*) AS n FROM (${keyedRowsSql(f, r, src, undefined, '1 AS __one')})
    WHERE __k IS NOT NULL GROUP BY h HAVING count(*) > 1`;
}

/** Refs reading the same source through the same key columns share their rows. */
export const rowsKey = (r: SourceRef): string => JSON.stringify([r.source, r.keys ?? null]);

/**
 * The rows of a source as `(*, __rowid, __k)`: the key normalised again when read from a non-key column, one
 * row per key column; optionally only rows whose key is in the table `keys`, and only some columns (`columns`:
 * a select list, `usedColumnsSql`; all by default).
 */
export function keyedRowsSql(
  f: Foundation,
  r: SourceRef,
  src: SourceTable,
  keys?: string,
  columns?: string,
): string {
  const star = (alias: string) => columns ?? `${alias}*`;
  const cols = r.keys ?? [src.keyColumn];
  const keyExpr =
    cols.length === 1 && cols[0] === src.keyColumn
      ? q(src.keyColumn)
      : cols.length === 1
        ? `${NORMALIZE[f.key]}(${q(cols[0]!)})`
        : `unnest([${cols.map((k) => (k === src.keyColumn ? q(k) : `${NORMALIZE[f.key]}(${q(k)})`)).join(', ')}])`;
  const all = `SELECT ${star('')}, rowid AS __rowid, ${keyExpr} AS __k FROM ${q(src.table)}`;
  if (!keys) return all;
  // A semi join on the key column itself reads the other columns only for the matching rows.
  return keyExpr === q(src.keyColumn)
    ? `SELECT ${star('s.')}, s.rowid AS __rowid, s.${keyExpr} AS __k FROM ${q(src.table)} AS s SEMI JOIN ${keys} AS t ON s.${keyExpr} = t.k`
    : `SELECT * FROM (${all}) WHERE __k IN (SELECT k FROM ${keys})`;
}

/**
 * The rows of a source written by some loads, as `keyedRowsSql` returns them (read through the key column):
 * the zone maps on `_load_id` skip the rest of the table, whose rows come before.
 */
export function loadRowsSql(src: SourceTable, loads: readonly string[], columns?: string): string {
  const key = q(src.keyColumn);
  return `SELECT ${columns ?? '*'}, rowid AS __rowid, ${key} AS __k FROM ${q(src.table)}
    WHERE _load_id IN ${inList(loads)} AND ${key} IS NOT NULL`;
}

/**
 * A select list of the columns of a source table that the refs reading it through the same key columns use:
 * their columns, `latest`, key columns, `_ingested_at` and every column whose name appears in an `expr` or
 * `where` (a superset: a missed column would fail loudly). DuckDB picks them by name (`COLUMNS(lambda)`), so
 * the table's columns need not be read from the catalog first. Undefined (all columns) when a text may name
 * columns indirectly (`*`, `COLUMNS(…)`).
 */
export function usedColumnsSql(refs: readonly SourceRef[], src: SourceTable): string | undefined {
  const texts = refs.flatMap((r) => [r.expr, r.where]).filter((t): t is string => t !== undefined);
  if (texts.some((t) => /\*|columns/i.test(t))) return undefined;
  // DuckDB matches identifiers case-insensitively.
  const named = [
    ...new Set(
      [...refs.flatMap((r) => [r.column, r.latest, ...(r.keys ?? [])]), src.keyColumn, '_ingested_at']
        .filter((c): c is string => c !== undefined)
        .map((c) => c.toLowerCase()),
    ),
  ];
  const inText = texts.length ? ` OR contains(${lit(texts.join('\n').toLowerCase())}, lower(c))` : '';
  return `COLUMNS(c -> lower(c) IN ${inList(named)}${inText})`;
}

/**
 * The rows of a source as `(*, __rowid, __k)` (see `keyedRowsSql`), restricted by the ref's filter and key
 * prefixes, and optionally to a scope (read from its pre-read rows when it has them).
 */
export function sourceRows(
  f: Foundation,
  r: SourceRef,
  src: SourceTable,
  scope?: Scope,
  partition?: Partition,
): string {
  // A partial rows table holds only keys of any scope it comes with (the touched keys, or its own keys).
  const inScope = scope && !scope.partial?.has(rowsKey(r));
  const where = [
    '__k IS NOT NULL',
    ...(r.where ? [`(${r.where})`] : []),
    ...(r.keyPrefix ? [`(${prefixSql(r.keyPrefix, '__k')})`] : []),
    ...(inScope ? [`__k IN (SELECT k FROM ${scope.keys})`] : []),
    ...(partition && partition.count > 1 ? [`hash(__k) % ${partition.count} = ${partition.index}`] : []),
  ];
  const from = scope?.rows?.get(rowsKey(r)) ?? `(${keyedRowsSql(f, r, src)})`;
  return `(SELECT * FROM ${from} WHERE ${where.join(' AND ')})`;
}

/** `starts_with(key, '9') OR …`. */
export function prefixSql(prefixes: readonly string[], keySql: string): string {
  return prefixes.map((p) => `starts_with(${keySql}, ${lit(p)})`).join(' OR ');
}

/**
 * One row per key of a pick: `k` and one column per field, the values of the row `arg_max` chooses by the order
 * (see the module comment), or of its only row when the source holds one row per key (`Scope.partial`,
 * `Partition.unique`). Restricted to a scope (an incremental build's touched keys) or to one part of the keys (a
 * full build: `arg_max` holds every key's values in aggregate states DuckDB cannot spill, about 460 MB for the
 * 1M-person register, so a full build reads its picks a part at a time).
 */
export function pickSql(
  f: Foundation,
  p: Pick,
  src: SourceTable,
  scope?: Scope,
  partition?: Partition,
): string {
  // Rows with one row per key (`Scope.partial`, `Partition.unique`) need no choice.
  if (scope?.partial?.has(rowsKey(p.ref)) || partition?.unique) {
    return `SELECT __k AS k, ${p.values.map((v) => `${v.sql} AS ${q(v.field)}`).join(', ')}
      FROM ${sourceRows(f, p.ref, src, scope, partition)}`;
  }
  if (partition?.winners) {
    const { index, count } = partition;
    const part = count > 1 ? ` WHERE hash(__k) % ${count} = ${index}` : '';
    return `SELECT w.__k AS k, ${p.values.map((v) => `${v.sql} AS ${q(v.field)}`).join(', ')}
      FROM ${q(src.table)} AS s JOIN (SELECT * FROM ${partition.winners}${part}) AS w ON s.rowid = w.__rowid`;
  }
  const order = orderSql(p);
  const struct = p.values.map((v) => `${q(v.field)} := ${v.sql}`).join(', ');
  const rows = sourceRows(f, p.ref, src, scope, partition);
  const chosen = (
    from: string,
  ) => `SELECT k, ${p.values.map((v) => `s.${q(v.field)} AS ${q(v.field)}`).join(', ')}
    FROM (SELECT __k AS k, arg_max(struct_pack(${struct}), (${order})) AS s FROM ${from} GROUP BY __k)`;
  if (!partition?.repeated) return chosen(rows);
  // Rows of keys held once are taken as they are; only the others go through the aggregate.
  const of = (join: 'SEMI' | 'ANTI') =>
    `(SELECT r.* FROM ${rows} AS r ${join} JOIN ${partition.repeated} AS d ON hash(r.__k) = d.h)`;
  return `SELECT __k AS k, ${p.values.map((v) => `${v.sql} AS ${q(v.field)}`).join(', ')} FROM ${of('ANTI')}
    UNION ALL ${chosen(of('SEMI'))}`;
}

const pickName = (p: Pick) => q(`__gs_${p.id}`);

/**
 * The foundation rows: each pick an inline aggregate (`__gs_p0`, …) or, when `tables` names one (pick id → a
 * table or a parenthesised query), those rows, joined by a chain of full outer joins on the key (each pick has one
 * row per key, so the chain is the union of keys with every pick's values). With a scope, only its keys.
 */
export function freshSql(
  f: Foundation,
  picks: readonly Pick[],
  sources: ReadonlyMap<string, SourceTable>,
  scope?: Scope,
  tables?: ReadonlyMap<string, string>,
): string {
  return reuseSql(f, picks, [], sources, scope, undefined, false, tables);
}

/**
 * Like `freshSql`, but the values of `kept` picks (of sources without new loads) are taken from the current
 * rows (`current`: a table with the key column and the fields) instead of being read again. Only exact when
 * every key of `current` in scope is also a key of one of the recomputed `picks`: the caller checks.
 */
export function reuseSql(
  f: Foundation,
  picks: readonly Pick[],
  kept: readonly Pick[],
  sources: ReadonlyMap<string, SourceTable>,
  scope?: Scope,
  current?: string,
  withCurrent = false,
  tables?: ReadonlyMap<string, string>,
): string {
  const ctes = picks
    .filter((p) => !tables?.has(p.id))
    .map((p) => `${pickName(p)} AS (${pickSql(f, p, sources.get(p.ref.source)!, scope)})`);
  const pickFrom = (p: Pick) => {
    const t = tables?.get(p.id);
    return t ? `${t} AS ${pickName(p)}` : pickName(p);
  };
  const currentValue = (p: Pick, field: string) =>
    p.ref.keyPrefix
      ? `CASE WHEN ${prefixSql(p.ref.keyPrefix, 'k')} THEN __cur.${q(field)} END`
      : `__cur.${q(field)}`;
  // A pick read from a partial rows table: its value for the keys the table is complete for, else the current.
  // Without a filter the pick has a row for exactly those keys; with one, they are looked up (`__t<i>`).
  const partial = picks.map((p) => scope?.partial?.get(rowsKey(p.ref)));
  const lookup = picks.map((p, i) =>
    partial[i] && (p.ref.where || p.ref.keyPrefix) ? partial[i] : undefined,
  );
  const columns = Object.keys(f.fields).map((field) => {
    const exprs = [
      ...picks.flatMap((p, i) => {
        if (!p.values.some((v) => v.field === field)) return [];
        const value = `${pickName(p)}.${q(field)}`;
        const held = lookup[i] ? `__t${i}.__tk IS NOT NULL` : `${pickName(p)}.k IS NOT NULL`;
        return [partial[i] ? `CASE WHEN ${held} THEN ${value} ELSE ${currentValue(p, field)} END` : value];
      }),
      ...kept.filter((p) => p.values.some((v) => v.field === field)).map((p) => currentValue(p, field)),
    ];
    return `${exprs.length === 1 ? exprs[0] : `coalesce(${exprs.join(', ')})`} AS ${q(field)}`;
  });
  if (partial.some(Boolean) && !current) throw new Error('reuseSql: partial rows need the current rows');
  const from = [
    ...picks.map((p, i) => (i === 0 ? pickFrom(p) : `FULL JOIN ${pickFrom(p)} USING (k)`)),
    ...((kept.length || partial.some(Boolean) || withCurrent) && current
      ? [`LEFT JOIN ${current} AS __cur ON __cur.${q(f.keyColumn)} = k`]
      : []),
    ...lookup.flatMap((t, i) =>
      t ? [`LEFT JOIN (SELECT DISTINCT k AS __tk FROM ${t}) AS __t${i} ON __t${i}.__tk = k`] : [],
    ),
  ].join('\n    ');
  const old = withCurrent
    ? `, __cur.__rid AS __rid${Object.keys(f.fields)
        .map((c) => `, __cur.${q(c)} AS ${q(`__o_${c}`)}`)
        .join('')}`
    : '';
  return `${ctes.length ? `WITH ${ctes.join(',\n  ')}\n    ` : ''}SELECT k AS ${q(f.keyColumn)}, ${columns.join(', ')}${old}
    FROM ${from}`;
}

/**
 * The difference between the fresh rows (`fresh`) and the current foundation rows (`current`, with its rowid as
 * `__rid`), both tables over the same keys: one row per key that appeared, disappeared or changed in any field,
 * with the fresh values, `__k` (the key), `__old` (a current row exists: delete it by `__rid`, close its history
 * version), `__new` (a fresh row exists: insert it, open a version) and, for each of `flagged`, whether that
 * field changed (`__changed_<field>`).
 */
export function deltaSql(
  f: Foundation,
  fresh: string,
  current: string,
  flagged: readonly string[] = [],
): string {
  const key = q(f.keyColumn);
  const differs = (c: string) => `n.${q(c)} IS DISTINCT FROM c.${q(c)}`;
  const flags = flagged.map((c) => `, ${differs(c)} AS ${q(`__changed_${c}`)}`).join('');
  return `SELECT n.*, coalesce(n.${key}, c.${key}) AS __k, c.${key} IS NOT NULL AS __old,
      n.${key} IS NOT NULL AS __new, c.__rid AS __rid${flags}
    FROM ${fresh} AS n FULL JOIN ${current} AS c ON n.${key} = c.${key}
    WHERE n.${key} IS NULL OR c.${key} IS NULL OR ${Object.keys(f.fields).map(differs).join(' OR ')}`;
}

/**
 * The fresh rows with the `deltaSql` columns, from `reuseSql(…, withCurrent)` rows (which carry the current
 * row's `__rid` and values as `__o_<field>`): `__new` marks the rows to write (new or changed). Only for when
 * every current key is also a fresh key (the caller checks that `count(__rid)` equals the current rows), so no
 * row disappears.
 */
export function compareSql(f: Foundation, fresh: string, flagged: readonly string[]): string {
  const fields = Object.keys(f.fields);
  const differs = (c: string) => `n.${q(c)} IS DISTINCT FROM n.${q(`__o_${c}`)}`;
  const changed = `(n.__rid IS NULL OR ${fields.map(differs).join(' OR ')})`;
  const flags = flagged.map((c) => `, ${differs(c)} AS ${q(`__changed_${c}`)}`).join('');
  return `SELECT n.* EXCLUDE (${fields.map((c) => q(`__o_${c}`)).join(', ')}), n.${q(f.keyColumn)} AS __k,
      n.__rid IS NOT NULL AND ${changed} AS __old, ${changed} AS __new${flags}
    FROM (${fresh}) AS n`;
}

/** SQL naming the authoritative source of a field for the key in `keySql` (a CASE when split by prefix). */
export function authoritySql(refs: readonly SourceRef[], keySql: string): string {
  if (refs.length === 1) return lit(refs[0]!.source);
  return `CASE ${refs
    .map((r) => `WHEN ${prefixSql(r.keyPrefix!, keySql)} THEN ${lit(r.source)}`)
    .join(' ')} END`;
}

/**
 * Every comparison of another source's values with the built foundation (`built`): key, field, both values
 * (only those that differ, compared as text, with `differing`).
 */
export function comparisonSql(
  f: Foundation,
  field: string,
  o: SourceRef,
  src: SourceTable,
  built: string,
  scope?: Scope,
  differing = false,
): string {
  const key = `b.${q(f.keyColumn)}`;
  // Only differing values: filtered before the DISTINCT, which then sees the few conflicts, not every value.
  const differ = differing ? ` AND CAST(b.${q(field)} AS VARCHAR) <> CAST(o.__v AS VARCHAR)` : '';
  return `SELECT DISTINCT ${key} AS key, ${lit(field)} AS field,
      ${authoritySql(f.fields[field]!, key)} AS source, CAST(b.${q(field)} AS VARCHAR) AS value,
      ${lit(o.source)} AS other_source, CAST(o.__v AS VARCHAR) AS other_value
    FROM (SELECT __k, ${valueSql(o)} AS __v FROM ${sourceRows(f, o, src, scope)}) AS o
    JOIN ${built} AS b ON ${key} = o.__k
    WHERE o.__v IS NOT NULL AND b.${q(field)} IS NOT NULL${differ}`;
}

/** The conflicts: comparisons whose values differ (compared as text); optionally only some (field, ref)s. */
export function conflictsSql(
  f: Foundation,
  sources: ReadonlyMap<string, SourceTable>,
  built: string,
  scope?: Scope,
  only?: (field: string, ref: SourceRef) => boolean,
): string {
  const parts = Object.entries(f.others).flatMap(([field, refs]) =>
    refs
      .filter((o) => only?.(field, o) ?? true)
      .map((o) => comparisonSql(f, field, o, sources.get(o.source)!, built, scope, true)),
  );
  return parts.length
    ? parts.join('\nUNION ALL\n')
    : `SELECT NULL::VARCHAR AS key, NULL::VARCHAR AS field, NULL::VARCHAR AS source, NULL::VARCHAR AS value,
         NULL::VARCHAR AS other_source, NULL::VARCHAR AS other_value WHERE false`;
}
