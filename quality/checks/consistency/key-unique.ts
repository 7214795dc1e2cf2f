/** 一致性 key-unique (built in): no two loaded rows share a key. */
import { type CheckRule, makeRule, type RuleOptions } from '../../rule.ts';
import type { CheckDefinition } from '../check.ts';
import { uniquePlan } from './unique-sql.ts';

/** A key-unique rule. */
export type KeyUniqueRule = CheckRule<'key-unique', { readonly columns: readonly string[] }>;

/** Built-in `key-unique`: total = rows loaded, failed = rows whose key repeats an earlier row's. */
export function keyUnique(keyColumn: string, options: Omit<RuleOptions, 'id'> = {}): KeyUniqueRule {
  return makeRule({
    factory: 'keyUnique',
    check: 'key-unique',
    dimension: 'consistency',
    column: keyColumn,
    args: { columns: [keyColumn] },
    options: { ...options, id: 'key-unique' },
  });
}

/** The key-unique check. */
export const KEY_UNIQUE: CheckDefinition<KeyUniqueRule> = {
  check: 'key-unique',
  dimension: 'consistency',
  compile: (rule, ctx, scope, masked) => uniquePlan(rule.args.columns, ctx, scope, masked),
};
