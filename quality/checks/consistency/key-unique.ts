/** 一致性 key-unique (built in): no two loaded rows share a key. */
import { type CheckRule, makeRule } from '../../rule.ts';
import type { CheckDefinition } from '../check.ts';
import { uniquePlan } from './unique-sql.ts';

/** A key-unique rule. */
export type KeyUniqueRule = CheckRule<'key-unique', { readonly columns: readonly string[] }>;

/** Built-in `key-unique`: total = rows loaded, failed = rows whose key repeats an earlier row's. */
export function keyUnique(keyColumn: string): KeyUniqueRule {
  return makeRule({
    factory: 'keyUnique',
    check: 'key-unique',
    dimension: 'consistency',
    column: keyColumn,
    args: { columns: [keyColumn] },
    description: `no two loaded rows share a key in ${keyColumn} (later copies count as failed)`,
    options: { id: 'key-unique' },
  });
}

/** The key-unique check. */
export const KEY_UNIQUE: CheckDefinition<KeyUniqueRule> = {
  check: 'key-unique',
  dimension: 'consistency',
  description: {
    zh: '没有两条已加载的记录主键相同；后出现的重复记录计为不合格',
    en: 'no two loaded rows share a key; later copies fail',
  },
  compile: (rule, ctx, scope, masked) => uniquePlan(rule.args.columns, ctx, scope, masked),
};
