/** 一致性 unique: no two rows share a value (or a combination of values). */
import { z } from 'zod';
import { type CheckRule, columnArg, makeRule, parseArgs, type RuleOptions } from '../../rule.ts';
import type { CheckDefinition } from '../check.ts';
import { uniquePlan } from './unique-sql.ts';

/** A unique rule: its column when it has one, else null. */
export type UniqueRule = CheckRule<'unique', { readonly columns: readonly string[] }, string | null>;

/**
 * No two rows share the same value (or combination of values); rows with an empty value are not evaluated.
 * failed = rows that repeat an earlier row's value.
 * @example unique(['certificate_no'])
 */
export function unique(columns: string | readonly string[], options: RuleOptions = {}): UniqueRule {
  const cols = parseArgs(
    'unique',
    z.array(columnArg).min(1),
    typeof columns === 'string' ? [columns] : [...columns],
  );
  return makeRule({
    factory: 'unique',
    check: 'unique',
    dimension: 'consistency',
    column: cols.length === 1 ? (cols[0] ?? null) : null,
    args: { columns: cols },
    description: `${cols.join(' + ')} ${cols.length > 1 ? 'are unique together' : 'is unique'}`,
    options: { id: `unique:${cols.join('+')}`, ...options },
  });
}

/** The unique check. */
export const UNIQUE: CheckDefinition<UniqueRule> = {
  check: 'unique',
  dimension: 'consistency',
  description: {
    zh: '没有两条记录的值（或值的组合）相同；重复出现的记录计为不合格',
    en: 'no two rows share a value (or combination of values); rows repeating an earlier one fail',
  },
  compile: (rule, ctx, scope, masked) => uniquePlan(rule.args.columns, ctx, scope, masked),
};
