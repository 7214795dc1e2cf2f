/** 有效性 in-set: the value is one of a fixed list. */
import { z } from 'zod';
import { notInListSql } from '../../column-sql.ts';
import { type CheckRule, columnArg, makeRule, parseArgs, type RuleOptions } from '../../rule.ts';
import type { CheckDefinition } from '../check.ts';
import { rowPlan, textSql } from './row-plan.ts';

const inSetArgs = z.strictObject({
  column: columnArg,
  values: z.array(z.union([z.string(), z.number()])).min(1),
});

/** An in-set rule. */
export type InSetRule = CheckRule<'in-set', z.output<typeof inSetArgs>>;

/**
 * The value is one of a fixed list.
 * @example inSet('status', ['参保缴费', '暂停缴费', '终止参保'])
 */
export function inSet(
  column: string,
  values: readonly (string | number)[],
  options: RuleOptions = {},
): InSetRule {
  const args = parseArgs('inSet', inSetArgs, { column, values: [...values] });
  const shown = args.values.slice(0, 8).join('、') + (args.values.length > 8 ? '…' : '');
  return makeRule({
    factory: 'inSet',
    check: 'in-set',
    dimension: 'validity',
    column: args.column,
    args,
    description: `${args.column} is one of ${shown}`,
    options,
  });
}

/** The in-set check. */
export const IN_SET: CheckDefinition<InSetRule> = {
  check: 'in-set',
  dimension: 'validity',
  description: { zh: '值属于给定的取值列表', en: 'the value is one of a given list' },
  compile: (rule, ctx) =>
    rowPlan(
      ctx,
      rule.column,
      notInListSql(
        rule.args.values.map((v) => String(v)),
        textSql(ctx, rule.column),
      ),
    ),
};
