/**
 * The SQL of a foundation build. One "pick" per distinct (source, key columns, filter, order) reads a dataset
 * once and keeps one row per key (`arg_max` by the order: the latest load first, then the first row in
 * source order, or the declared `latest` column); the foundation row is the union of keys of the
 * authoritative picks left-joined to each pick. Other sources are compared value by value (every distinct
 * value they hold, not only one row per key) and disagreements become conflict rows.
 */
import { quoteLiteral as lit, quoteIdent as q } from '../warehouse/index.ts';
import type { Foundation, SourceRef } from './foundation-define.ts';

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
 * The rows of a source as `(__k, __rowid, *)`: the key (normalised again when read from a non-key column,
 * one row per key column), restricted by the ref's filter and key prefixes, and optionally to touched keys.
 */
export function sourceRows(f: Foundation, r: SourceRef, src: SourceTable, touched?: string): string {
  const keys = r.keys ?? [src.keyColumn];
  const keyExpr =
    keys.length === 1 && keys[0] === src.keyColumn
      ? q(src.keyColumn)
      : keys.length === 1
        ? `${NORMALIZE[f.key]}(${q(keys[0]!)})`
        : `unnest([${keys.map((k) => (k === src.keyColumn ? q(k) : `${NORMALIZE[f.key]}(${q(k)})`)).join(', ')}])`;
  const where = [
    '__k IS NOT NULL',
    ...(r.where ? [`(${r.where})`] : []),
    ...(r.keyPrefix ? [`(${r.keyPrefix.map((p) => `starts_with(__k, ${lit(p)})`).join(' OR ')})`] : []),
    ...(touched ? [`__k IN (SELECT k FROM ${touched})`] : []),
  ];
  return `(SELECT * FROM (SELECT *, rowid AS __rowid, ${keyExpr} AS __k FROM ${q(src.table)}) WHERE ${where.join(' AND ')})`;
}

/** One row per key of a pick: `k` and one column per field. */
export function pickSql(f: Foundation, p: Pick, src: SourceTable, touched?: string): string {
  const order = [
    ...(p.ref.latest ? [`${q(p.ref.latest)} IS NOT NULL`, q(p.ref.latest)] : []),
    '_ingested_at',
    '-__rowid',
  ].join(', ');
  const struct = p.values.map((v) => `${q(v.field)} := ${v.sql}`).join(', ');
  return `SELECT k, ${p.values.map((v) => `s.${q(v.field)} AS ${q(v.field)}`).join(', ')}
    FROM (SELECT __k AS k, arg_max(struct_pack(${struct}), (${order})) AS s
          FROM ${sourceRows(f, p.ref, src, touched)} GROUP BY __k)`;
}

/** The foundation rows from materialised picks (temp tables named by pick id, with a prefix). */
export function assembleSql(f: Foundation, picks: readonly Pick[], table: (p: Pick) => string): string {
  const keys = picks.map((p) => `SELECT k FROM ${table(p)}`).join(' UNION ');
  const columns = Object.keys(f.fields).map((field) => {
    const from = picks.filter((p) => p.values.some((v) => v.field === field));
    const exprs = from.map((p) => `${p.id}.${q(field)}`);
    return `${exprs.length === 1 ? exprs[0] : `coalesce(${exprs.join(', ')})`} AS ${q(field)}`;
  });
  const joins = picks.map((p) => `LEFT JOIN ${table(p)} AS ${p.id} ON ${p.id}.k = keys.k`).join('\n    ');
  return `SELECT keys.k AS ${q(f.keyColumn)}, ${columns.join(', ')}
    FROM (${keys}) AS keys
    ${joins}`;
}

/** SQL naming the authoritative source of a field for the key in `keySql` (a CASE when split by prefix). */
export function authoritySql(refs: readonly SourceRef[], keySql: string): string {
  if (refs.length === 1) return lit(refs[0]!.source);
  return `CASE ${refs
    .map(
      (r) =>
        `WHEN ${r.keyPrefix!.map((p) => `starts_with(${keySql}, ${lit(p)})`).join(' OR ')} THEN ${lit(r.source)}`,
    )
    .join(' ')} END`;
}

/** Every comparison of another source's values with the built foundation (`built`): key, field, both values. */
export function comparisonSql(
  f: Foundation,
  field: string,
  o: SourceRef,
  src: SourceTable,
  built: string,
  touched?: string,
): string {
  const key = `b.${q(f.keyColumn)}`;
  return `SELECT DISTINCT ${key} AS key, ${lit(field)} AS field,
      ${authoritySql(f.fields[field]!, key)} AS source, CAST(b.${q(field)} AS VARCHAR) AS value,
      ${lit(o.source)} AS other_source, CAST(o.__v AS VARCHAR) AS other_value
    FROM (SELECT __k, ${valueSql(o)} AS __v FROM ${sourceRows(f, o, src, touched)}) AS o
    JOIN ${built} AS b ON ${key} = o.__k
    WHERE o.__v IS NOT NULL AND b.${q(field)} IS NOT NULL`;
}

/** The conflicts: comparisons whose values differ (compared as text). */
export function conflictsSql(
  f: Foundation,
  sources: ReadonlyMap<string, SourceTable>,
  built: string,
  touched?: string,
): string {
  const parts = Object.entries(f.others).flatMap(([field, refs]) =>
    refs.map(
      (o) =>
        `SELECT * FROM (${comparisonSql(f, field, o, sources.get(o.source)!, built, touched)}) WHERE value <> other_value`,
    ),
  );
  return parts.length
    ? parts.join('\nUNION ALL\n')
    : `SELECT NULL::VARCHAR AS key, NULL::VARCHAR AS field, NULL::VARCHAR AS source, NULL::VARCHAR AS value,
         NULL::VARCHAR AS other_source, NULL::VARCHAR AS other_value WHERE false`;
}
