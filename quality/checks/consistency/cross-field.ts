/**
 * Comparing one field with the same entity's field in another dataset, joined on the key: the arguments and the
 * join query shared by `sameAs` (consistency) and `matchesSource` (accuracy).
 */
import { z } from 'zod';
import { maskSqlExpression, quoteIdent } from '../../../schemas/index.ts';
import { columnSql, maskOf, num } from '../../column-sql.ts';
import { RuleError } from '../../errors.ts';
import type { CompileContext, Plan } from '../../plan.ts';
import { columnArg } from '../../rule.ts';
import { sampleKeySql, sourceSql } from '../../sample-sql.ts';
import { otherDataset } from './other-dataset.ts';
import { sexCodeSql } from './sex-code.ts';

/** Value normalisations before comparing across datasets. */
export const COMPARE_AS = ['text', 'sex', 'date', 'number'] as const;

/** SQL normalising a value for comparison. */
export function normalizeSql(v: string, as: (typeof COMPARE_AS)[number]): string {
  switch (as) {
    case 'sex':
      return sexCodeSql(v);
    case 'date':
      return `gs_parse_date(CAST(${v} AS VARCHAR))`;
    case 'number':
      return `TRY_CAST(trim(CAST(${v} AS VARCHAR)) AS DOUBLE)`;
    default:
      return `nullif(trim(CAST(${v} AS VARCHAR)), '')`;
  }
}

/** The other dataset, its column and key, and how values are normalised. */
export const crossArgs = z.strictObject({
  dataset: z.string().min(1).meta({ description: 'the other dataset' }),
  column: columnArg.optional().meta({ description: 'its column; defaults to the same name' }),
  key: columnArg.optional().meta({ description: 'its key column; defaults to its registered key' }),
  compareAs: z.enum(COMPARE_AS).default('text').meta({ description: 'normalisation before comparing' }),
});
/** The parsed arguments of a cross-dataset comparison. */
export type CrossArgs = z.output<typeof crossArgs>;

/** A join of this dataset with another on the key, comparing one field; total = compared, failed = differing. */
export function crossFieldPlan(
  rule: { readonly column: string; readonly args: Readonly<CrossArgs> },
  ctx: CompileContext,
  scope: string,
  masked: boolean,
): Plan {
  const a = rule.args;
  const other = otherDataset(ctx, a.dataset);
  const { keyColumn } = ctx.dataset;
  const otherKey = a.key ?? other.keyColumn;
  if (!keyColumn || !otherKey) {
    throw new RuleError(
      `comparing ${ctx.dataset.dataset} with ${a.dataset} needs a key on both (${ctx.dataset.dataset}: ${keyColumn ?? 'none'}, ${a.dataset}: ${otherKey ?? 'none'}). Fix: pass key: "<column of ${a.dataset}>"`,
    );
  }
  const name = rule.column;
  const c = columnSql(ctx, name);
  const k = columnSql(ctx, keyColumn);
  const oc = quoteIdent(a.column ?? name);
  const ok = quoteIdent(otherKey);
  const mine = normalizeSql(`t.${c}`, a.compareAs);
  const theirs = normalizeSql('o.v', a.compareAs);
  const from = `FROM ${ctx.tableSql} AS t JOIN (SELECT ${ok} AS k, first(CAST(${oc} AS VARCHAR) ORDER BY rowid) AS v
  FROM ${quoteIdent(other.table)} WHERE ${ok} IS NOT NULL GROUP BY ${ok}) AS o ON t.${k} = o.k
WHERE ${scope} AND ${mine} IS NOT NULL AND ${theirs} IS NOT NULL`;
  const kind = maskOf(ctx, name);
  const value = masked && kind ? maskSqlExpression(kind, `t.${c}`) : `CAST(t.${c} AS VARCHAR)`;
  return {
    type: 'query',
    kind: 'join',
    sql: `SELECT count(*) AS total, count_if(${mine} IS DISTINCT FROM ${theirs}) AS failed,
  arg_min(t.rowid, t.rowid, 100) FILTER (WHERE ${mine} IS DISTINCT FROM ${theirs}) AS s ${from}`,
    finish: (r) => ({
      total: num(r.total),
      failed: num(r.failed),
      rowids: ((r.s as unknown[] | null) ?? []).map(String),
    }),
    observed: `CAST(${c} AS VARCHAR)`,
    mask: kind,
    sampleSql: `SELECT ${sampleKeySql(ctx, masked, 't.')} AS key, ${sourceSql(ctx, 't.')} AS _source, ${value} AS value ${from} AND ${mine} IS DISTINCT FROM ${theirs} ORDER BY t.rowid LIMIT 100`,
  };
}
