/** The one query of a uniqueness check: counts, repeats and the rowids of repeats as samples. */
import { maskSqlExpression } from '../../../schemas/index.ts';
import { columnSql, maskOf, num, presentSql } from '../../column-sql.ts';
import type { CompileContext, Plan } from '../../plan.ts';
import { sampleKeySql, sourceSql } from '../../sample-sql.ts';

/** The plan of "no two rows share the values of `cols`" (rows with an empty value are not evaluated). */
export function uniquePlan(
  cols: readonly string[],
  ctx: CompileContext,
  scope: string,
  masked: boolean,
): Plan {
  const quoted = cols.map((c) => columnSql(ctx, c));
  const present = cols.map((c) => presentSql(ctx, c)).join(' AND ');
  const tuple = quoted.length === 1 ? quoted[0]! : `(${quoted.join(', ')})`;
  const valueCol = cols.length === 1 ? cols[0]! : null;
  const mask = valueCol ? maskOf(ctx, valueCol) : null;
  const observed = valueCol
    ? `CAST(${quoted[0]} AS VARCHAR)`
    : `concat_ws(' + ', ${quoted.map((q) => `CAST(${q} AS VARCHAR)`).join(', ')})`;
  const value = masked && mask ? maskSqlExpression(mask, quoted[0]!) : observed;
  // Its own query rather than an aggregate of the shared scan (DuckDB evaluates a DISTINCT aggregate next to
  // other aggregates far more slowly than alone): one GROUP BY gives the count, the repeats, and as samples the
  // last row of each of the first repeated values — so no second query has to look for the duplicates.
  return {
    type: 'query',
    kind: 'aggregate',
    sql: `SELECT coalesce(sum(n), 0) AS total, coalesce(sum(n) - count(*), 0) AS failed,
  arg_min(last, first, 100) FILTER (WHERE n > 1) AS s
FROM (SELECT count(*) AS n, min(rowid) AS first, max(rowid) AS last FROM ${ctx.tableSql}
  WHERE ${scope} AND ${present} GROUP BY ${quoted.join(', ')})`,
    finish: (v) => ({
      total: num(v.total),
      failed: num(v.failed),
      rowids: ((v.s as unknown[] | null) ?? []).map(String),
    }),
    observed,
    mask,
    sampleSql:
      `SELECT ${sampleKeySql(ctx, masked)} AS key, ${sourceSql(ctx)} AS _source, ${value} AS value FROM ${ctx.tableSql} ` +
      `WHERE ${scope} AND ${present} AND ${tuple} IN (SELECT ${tuple} FROM ${ctx.tableSql} WHERE ${scope} AND ${present} GROUP BY ALL HAVING count(*) > 1) ` +
      `QUALIFY row_number() OVER (PARTITION BY ${quoted.join(', ')} ORDER BY rowid) > 1 ` +
      'ORDER BY rowid LIMIT 100',
  };
}
