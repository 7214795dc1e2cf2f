/** 准确性 accuracy: agreement with the authoritative source or reference data, matched ÷ compared. */
import type { z } from 'zod';
import { crossArgs } from './consistency.ts';
import { columnArg, makeRule, parseArgs, type Rule, type RuleOptions } from './rule.ts';

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
): Rule {
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
