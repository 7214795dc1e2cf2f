/** 一致性 same-as: the same entity's same field agrees across departments. */
import type { z } from 'zod';
import { type CheckRule, columnArg, makeRule, parseArgs, type RuleOptions } from '../../rule.ts';
import type { CheckDefinition } from '../check.ts';
import { type CrossArgs, crossArgs, crossFieldPlan } from './cross-field.ts';

/** A same-as rule. */
export type SameAsRule = CheckRule<'same-as', CrossArgs>;

/**
 * The same entity's same field agrees across departments: joined on the key, the values of `column` here and in
 * the other dataset are equal (after `compareAs` normalisation). total = pairs compared, failed = differing.
 * @example sameAs('name', { dataset: 'hukou' })
 */
export function sameAs(
  column: string,
  other: z.input<typeof crossArgs>,
  options: RuleOptions = {},
): SameAsRule {
  const col = parseArgs('sameAs', columnArg, column);
  const a = parseArgs('sameAs', crossArgs, other);
  return makeRule({
    factory: 'sameAs',
    check: 'same-as',
    dimension: 'consistency',
    column: col,
    args: a,
    description: `${col} equals ${a.dataset}.${a.column ?? col} for the same key${a.compareAs !== 'text' ? ` (compared as ${a.compareAs})` : ''}`,
    options,
  });
}

/** The same-as check. */
export const SAME_AS: CheckDefinition<SameAsRule> = {
  check: 'same-as',
  dimension: 'consistency',
  description: {
    zh: '同一主体的同一字段在不同部门的数据集中一致（按主键关联比较）',
    en: 'the same entity’s field agrees with another department’s dataset (joined on the key)',
  },
  compile: crossFieldPlan,
};
