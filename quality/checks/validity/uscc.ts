/** 有效性 uscc: the value is a valid unified social credit code (GB 32100), for columns other than the key. */
import { z } from 'zod';
import { type CheckRule, columnArg, makeRule, parseArgs, type RuleOptions } from '../../rule.ts';
import type { CheckDefinition } from '../check.ts';
import { rowPlan, textSql } from './row-plan.ts';

const usccArgs = z.strictObject({ column: columnArg });

/** A uscc rule. */
export type UsccRule = CheckRule<'uscc', z.output<typeof usccArgs>>;

/** The value is a valid unified social credit code (GB 32100); for non-key columns. */
export function validUscc(column: string, options: RuleOptions = {}): UsccRule {
  const args = parseArgs('validUscc', usccArgs, { column });
  return makeRule({
    factory: 'validUscc',
    check: 'uscc',
    dimension: 'validity',
    column: args.column,
    args,
    description: `${args.column} is a valid unified social credit code (GB 32100: format, check character)`,
    options,
  });
}

/** The uscc check. */
export const USCC: CheckDefinition<UsccRule> = {
  check: 'uscc',
  dimension: 'validity',
  description: {
    zh: '值是有效的统一社会信用代码（GB 32100：格式、校验码）',
    en: 'the value is a valid unified social credit code (GB 32100: format, check character)',
  },
  compile: (rule, ctx) =>
    rowPlan(ctx, rule.column, `gs_uscc_reason(${textSql(ctx, rule.column)}) IS NOT NULL`),
};
