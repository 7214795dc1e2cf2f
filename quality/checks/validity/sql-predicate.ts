/** sql: a custom SQL predicate over a row (validity unless the rule names another dimension). */
import { z } from 'zod';
import { columnSql, maskOf } from '../../column-sql.ts';
import { type CheckRule, columnArg, makeRule, parseArgs, type RuleOptions } from '../../rule.ts';
import type { CheckDefinition } from '../check.ts';
import { textSql } from './row-plan.ts';

const DIMENSIONS = ['completeness', 'validity', 'timeliness', 'consistency', 'accuracy'] as const;

const sqlPredicateArgs = z.strictObject({
  id: z.string().regex(/^[^\s]{1,100}$/),
  sql: z
    .string()
    .trim()
    .min(1)
    .refine((s) => !/;\s*\S/.test(s), { error: 'one SQL expression (no ";")' }),
  column: columnArg.optional(),
  dimension: z.enum(DIMENSIONS).default('validity'),
});

/** A custom SQL rule. */
export type SqlPredicateRule = CheckRule<'sql', { readonly sql: string }, string | null>;

/**
 * A custom SQL predicate over a row: TRUE passes; FALSE or NULL fails. `column` (optional) names the value shown
 * in samples. The dimension defaults to validity.
 * @example sqlPredicate('adult-insured', 'date_diff(\'year\', enrolled_on, current_date) < 60', { column: 'enrolled_on' })
 */
export function sqlPredicate(
  id: string,
  sql: string,
  options: RuleOptions & { column?: string; dimension?: (typeof DIMENSIONS)[number] } = {},
): SqlPredicateRule {
  const { column, dimension, ...rest } = options;
  const args = parseArgs('sqlPredicate', sqlPredicateArgs, { id, sql, column, dimension });
  return makeRule({
    factory: 'sqlPredicate',
    check: 'sql',
    dimension: args.dimension,
    column: args.column ?? null,
    args: { sql: args.sql },
    description: `SQL: ${args.sql}`,
    options: { id: `sql:${args.id}`, ...rest },
  });
}

/** The custom SQL check. */
export const SQL_PREDICATE: CheckDefinition<SqlPredicateRule> = {
  check: 'sql',
  dimension: null,
  description: {
    zh: '自定义 SQL 条件：结果为真的记录合格，为假或空的记录不合格',
    en: 'a custom SQL condition: rows where it is TRUE pass, FALSE or NULL fail',
  },
  compile(rule, ctx) {
    if (rule.column) columnSql(ctx, rule.column);
    return {
      type: 'row',
      applies: 'TRUE',
      fail: `((${rule.args.sql}) IS NOT TRUE)`,
      observed: rule.column ? textSql(ctx, rule.column) : 'NULL',
      mask: maskOf(ctx, rule.column),
    };
  },
};
