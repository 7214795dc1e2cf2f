/** 准确性 matches-source: agreement with the authoritative source or reference data, matched ÷ compared. */
import type { z } from 'zod';
import { type CheckRule, columnArg, makeRule, parseArgs, type RuleOptions } from '../../rule.ts';
import type { CheckDefinition } from '../check.ts';
import { type CrossArgs, crossArgs, crossFieldPlan } from '../consistency/cross-field.ts';

/** A matches-source rule. */
export type MatchesSourceRule = CheckRule<'matches-source', CrossArgs>;

/**
 * The value agrees with the authoritative source (the dataset declared as the one source of this field) or with
 * reference data, matched by key: total = rows compared (both sides have a value), failed = rows that differ;
 * the pass rate is matched ÷ compared.
 * @example matchesSource('name', { dataset: 'hukou', column: 'name' })
 */
export function matchesSource(
  column: string,
  source: z.input<typeof crossArgs>,
  options: RuleOptions = {},
): MatchesSourceRule {
  const col = parseArgs('matchesSource', columnArg, column);
  const a = parseArgs('matchesSource', crossArgs, source);
  return makeRule({
    factory: 'matchesSource',
    check: 'matches-source',
    dimension: 'accuracy',
    column: col,
    args: a,
    description: `${col} matches the authoritative source ${a.dataset}.${a.column ?? col} by key${a.compareAs !== 'text' ? ` (compared as ${a.compareAs})` : ''}`,
    options,
  });
}

/** The matches-source check. */
export const MATCHES_SOURCE: CheckDefinition<MatchesSourceRule> = {
  check: 'matches-source',
  dimension: 'accuracy',
  description: {
    zh: '值与权威来源（或参照数据）按主键比对一致；合格率为一致数 ÷ 比对数',
    en: 'the value agrees with the authoritative source (or reference data) by key; pass rate = matched ÷ compared',
  },
  compile: crossFieldPlan,
};
