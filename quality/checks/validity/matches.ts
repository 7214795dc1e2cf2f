/** 有效性 matches: the value matches a regular expression (RE2, whole value). */
import { z } from 'zod';
import { quoteLiteral } from '../../../schemas/index.ts';
import { type CheckRule, columnArg, makeRule, parseArgs, type RuleOptions } from '../../rule.ts';
import type { CheckDefinition } from '../check.ts';
import { rowPlan, textSql } from './row-plan.ts';

const matchesArgs = z.strictObject({
  column: columnArg,
  pattern: z
    .string()
    .min(1)
    .refine((p) => !/\(\?[=!<]|\\[1-9]/.test(p), {
      error: 'a pattern without look-around or back-references (DuckDB uses RE2)',
    })
    .refine(
      (p) => {
        try {
          new RegExp(p);
          return true;
        } catch {
          return false;
        }
      },
      { error: 'a valid regular expression' },
    ),
});

/** A matches rule. */
export type MatchesRule = CheckRule<'matches', z.output<typeof matchesArgs>>;

/**
 * The value matches a regular expression (whole value; RE2 syntax in DuckDB — no look-around or back-references).
 * Empty values are left to completeness.
 * @example matches('mobile', /^1[3-9]\d{9}$/)
 */
export function matches(column: string, pattern: RegExp | string, options: RuleOptions = {}): MatchesRule {
  const source = pattern instanceof RegExp ? pattern.source : pattern;
  const args = parseArgs('matches', matchesArgs, {
    column,
    pattern: source.replace(/^\^/, '').replace(/\$$/, ''),
  });
  return makeRule({
    factory: 'matches',
    check: 'matches',
    dimension: 'validity',
    column: args.column,
    args,
    description: `${args.column} matches /${args.pattern}/`,
    options,
  });
}

/** The matches check. */
export const MATCHES: CheckDefinition<MatchesRule> = {
  check: 'matches',
  dimension: 'validity',
  description: {
    zh: '值整体符合正则表达式（RE2 语法）',
    en: 'the whole value matches a regular expression (RE2 syntax)',
  },
  compile: (rule, ctx) =>
    rowPlan(
      ctx,
      rule.column,
      `NOT regexp_full_match(${textSql(ctx, rule.column)}, ${quoteLiteral(rule.args.pattern)})`,
    ),
};
