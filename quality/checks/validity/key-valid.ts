/** 有效性 key-valid (built in): every key is valid; rows quarantined for an invalid key count as failed. */
import { num } from '../../column-sql.ts';
import { type CheckRule, makeRule, type RuleOptions } from '../../rule.ts';
import type { CheckDefinition } from '../check.ts';
import { keyExamined } from '../completeness/key-complete.ts';
import { quarantineSampleSql } from '../quarantine-sample.ts';

/** A key-valid rule. */
export type KeyValidRule = CheckRule<'key-valid', { readonly kind: 'citizen-id' | 'uscc' }>;

/**
 * Built-in `key-valid`: total = rows with a key in the dataset's current state (rows in the table plus current
 * quarantined rows whose key was examined, less key:missing); failed = rows quarantined for an invalid key.
 */
export function keyValid(
  keyColumn: string,
  kind: 'citizen-id' | 'uscc',
  options: Omit<RuleOptions, 'id'> = {},
): KeyValidRule {
  return makeRule({
    factory: 'keyValid',
    check: 'key-valid',
    dimension: 'validity',
    column: keyColumn,
    args: { kind },
    description: `every key in ${keyColumn} is a valid ${kind === 'uscc' ? 'USCC (GB 32100)' : 'citizen identity number (GB 11643)'} (rows in the table and current quarantined rows; invalid keys count as failed)`,
    options: { ...options, id: 'key-valid' },
  });
}

/** The key-valid check. */
export const KEY_VALID: CheckDefinition<KeyValidRule> = {
  check: 'key-valid',
  dimension: 'validity',
  description: {
    zh: '每个主键都有效；因主键无效被隔离的记录计为不合格',
    en: 'every key is valid; rows quarantined for an invalid key count as failed',
  },
  compile(rule, ctx) {
    let invalid = 0;
    for (const [reason, n] of ctx.quarantine)
      if (reason.startsWith('key:') && reason !== 'key:missing') invalid += n;
    return {
      type: 'scan',
      exprs: { n: 'count(*)' },
      finish: (v) => ({
        total: num(v.n) + keyExamined(ctx.quarantine) - (ctx.quarantine.get('key:missing') ?? 0),
        failed: invalid,
      }),
      sampleSql: quarantineSampleSql(ctx, 'key-invalid', rule.args.kind),
    };
  },
};
