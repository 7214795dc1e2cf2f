/** 有效性 length: the value's length in characters is within [min, max]. */
import { z } from 'zod';
import { type CheckRule, columnArg, makeRule, parseArgs, type RuleOptions } from '../../rule.ts';
import type { CheckDefinition } from '../check.ts';
import { rowPlan, textSql } from './row-plan.ts';

const lengthArgs = z
  .strictObject({
    column: columnArg,
    min: z.number().int().nonnegative().optional(),
    max: z.number().int().positive().optional(),
  })
  .refine((a) => a.min !== undefined || a.max !== undefined, { error: 'min or max' })
  .refine((a) => a.min === undefined || a.max === undefined || a.min <= a.max, { error: 'min ≤ max' });

/** A length rule. */
export type LengthRule = CheckRule<'length', z.output<typeof lengthArgs>>;

/**
 * The value's length in characters is within [min, max].
 * @example length('household_no', { min: 9, max: 9 })
 */
export function length(
  column: string,
  bounds: { min?: number; max?: number },
  options: RuleOptions = {},
): LengthRule {
  const args = parseArgs('length', lengthArgs, { column, ...bounds });
  return makeRule({
    factory: 'length',
    check: 'length',
    dimension: 'validity',
    column: args.column,
    args,
    description: `${args.column} has ${args.min ?? 0}–${args.max ?? '∞'} characters`,
    options,
  });
}

/** The length check. */
export const LENGTH: CheckDefinition<LengthRule> = {
  check: 'length',
  dimension: 'validity',
  description: {
    zh: '值的字符数在最小值与最大值之间',
    en: 'the number of characters of the value is between min and max',
  },
  compile(rule, ctx) {
    const { min, max } = rule.args;
    const n = `length(${textSql(ctx, rule.column)})`;
    const out = [min !== undefined ? `${n} < ${min}` : null, max !== undefined ? `${n} > ${max}` : null];
    return rowPlan(ctx, rule.column, `(${out.filter(Boolean).join(' OR ')})`);
  },
};
