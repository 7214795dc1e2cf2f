/** 一致性 references: referential integrity — every value occurs in a column of another dataset. */
import { z } from 'zod';
import { maskSqlExpression, quoteIdent } from '../../../schemas/index.ts';
import { columnSql, maskOf, num, presentSql } from '../../column-sql.ts';
import { type CheckRule, columnArg, makeRule, parseArgs, type RuleOptions } from '../../rule.ts';
import { sampleKeySql, sourceSql } from '../../sample-sql.ts';
import type { CheckDefinition } from '../check.ts';
import { otherDataset } from './other-dataset.ts';

const refArgs = z.strictObject({ dataset: z.string().min(1), column: columnArg });

/** A references rule. */
export type ReferencesRule = CheckRule<'references', { readonly target: z.output<typeof refArgs> }>;

/**
 * Referential integrity: every non-empty value occurs in `column` of another dataset.
 * @example references('employer_uscc', { dataset: 'enterprises', column: 'uscc' })
 */
export function references(
  column: string,
  target: z.input<typeof refArgs>,
  options: RuleOptions = {},
): ReferencesRule {
  const col = parseArgs('references', columnArg, column);
  const t = parseArgs('references', refArgs, target);
  return makeRule({
    factory: 'references',
    check: 'references',
    dimension: 'consistency',
    column: col,
    args: { target: t },
    description: `every ${col} occurs in ${t.dataset}.${t.column}`,
    options,
  });
}

/** The references check. */
export const REFERENCES: CheckDefinition<ReferencesRule> = {
  check: 'references',
  dimension: 'consistency',
  description: {
    zh: '参照完整性：每个非空值都能在另一个数据集的指定字段中找到',
    en: 'referential integrity: every non-empty value occurs in a column of another dataset',
  },
  compile(rule, ctx, scope, masked) {
    const t = rule.args.target;
    const other = otherDataset(ctx, t.dataset);
    const name = rule.column;
    const c = columnSql(ctx, name);
    const oc = `CAST(${quoteIdent(t.column)} AS VARCHAR)`;
    const present = presentSql(ctx, name);
    const values = `SELECT DISTINCT trim(${oc}) AS v FROM ${quoteIdent(other.table)} WHERE ${oc} IS NOT NULL`;
    const kind = maskOf(ctx, name);
    const value = masked && kind ? maskSqlExpression(kind, c) : `CAST(${c} AS VARCHAR)`;
    return {
      type: 'query',
      kind: 'join',
      sql: `SELECT count(*) AS total, count_if(r.v IS NULL) AS failed
FROM (SELECT trim(CAST(${c} AS VARCHAR)) AS v FROM ${ctx.tableSql} WHERE ${scope} AND ${present}) AS l LEFT JOIN (${values}) AS r ON l.v = r.v`,
      finish: (r) => ({ total: num(r.total), failed: num(r.failed) }),
      sampleSql:
        `SELECT ${sampleKeySql(ctx, masked)} AS key, ${sourceSql(ctx)} AS _source, ${value} AS value FROM ${ctx.tableSql} ` +
        `WHERE ${scope} AND ${present} AND trim(CAST(${c} AS VARCHAR)) NOT IN (${values}) ORDER BY rowid LIMIT 100`,
    };
  },
};
