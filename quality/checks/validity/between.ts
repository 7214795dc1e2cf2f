/** 有效性 between: the value (a number, or a date) lies in [min, max]. */
import { z } from 'zod';
import { quoteLiteral } from '../../../schemas/index.ts';
import { columnSql, isText } from '../../column-sql.ts';
import { type CheckRule, columnArg, makeRule, parseArgs, type RuleOptions } from '../../rule.ts';
import type { CheckDefinition } from '../check.ts';
import { rowPlan } from './row-plan.ts';

const bound = z.union([z.number(), z.iso.date()]);

const betweenArgs = z
  .strictObject({ column: columnArg, min: bound.nullable(), max: bound.nullable() })
  .refine((a) => a.min !== null || a.max !== null, { error: 'min or max (not both null)' })
  .refine((a) => a.min === null || a.max === null || typeof a.min === typeof a.max, {
    error: 'min and max of the same kind (both numbers or both dates)',
  });

/** A between rule. */
export type BetweenRule = CheckRule<'between', z.output<typeof betweenArgs>>;

/**
 * The value lies in [min, max] (numbers, or dates written YYYY-MM-DD); text values are cast, and a value
 * that does not cast fails.
 * @example between('contribution_base', 0, 100000)
 */
export function between(
  column: string,
  min: number | string | null,
  max: number | string | null,
  options: RuleOptions = {},
): BetweenRule {
  const args = parseArgs('between', betweenArgs, { column, min, max });
  return makeRule({
    factory: 'between',
    check: 'between',
    dimension: 'validity',
    column: args.column,
    args,
    description: `${args.column} is between ${args.min ?? '−∞'} and ${args.max ?? '∞'}`,
    options,
  });
}

/** The between check. */
export const BETWEEN: CheckDefinition<BetweenRule> = {
  check: 'between',
  dimension: 'validity',
  description: {
    zh: '值（数值或日期）在最小值与最大值之间；无法转换的值不合格',
    en: 'the value (a number or a date) is between min and max; a value that does not convert fails',
  },
  compile(rule, ctx) {
    const name = rule.column;
    const { min, max } = rule.args;
    const isDate = typeof (min ?? max) === 'string';
    const c = columnSql(ctx, name);
    const v = isDate
      ? isText(ctx, name)
        ? `gs_parse_date(${c})`
        : `TRY_CAST(${c} AS DATE)`
      : `TRY_CAST(${c} AS DOUBLE)`;
    const lit = (x: number | string) => (isDate ? `DATE ${quoteLiteral(String(x))}` : String(x));
    const out = [`${v} IS NULL`];
    if (min !== null) out.push(`${v} < ${lit(min)}`);
    if (max !== null) out.push(`${v} > ${lit(max)}`);
    return rowPlan(ctx, name, `(${out.join(' OR ')})`);
  },
};
