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
    options,
  });
}

/** The matches-source check. */
export const MATCHES_SOURCE: CheckDefinition<MatchesSourceRule> = {
  check: 'matches-source',
  dimension: 'accuracy',
  compile: crossFieldPlan,
};
