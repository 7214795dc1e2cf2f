/** 有效性 key-valid (built in): every key is valid; rows quarantined for an invalid key count as failed. */
import { type CheckRule, makeRule } from '../../rule.ts';
import type { CheckDefinition } from '../check.ts';
import { quarantineSampleSql } from '../quarantine-sample.ts';

/** A key-valid rule. */
export type KeyValidRule = CheckRule<'key-valid', { readonly kind: 'citizen-id' | 'uscc' }>;

/** Built-in `key-valid`: total = rows with a key, failed = rows whose key is invalid (quarantined as key:*). */
export function keyValid(keyColumn: string, kind: 'citizen-id' | 'uscc'): KeyValidRule {
  return makeRule({
    factory: 'keyValid',
    check: 'key-valid',
    dimension: 'validity',
    column: keyColumn,
    args: { kind },
    description: `every key in ${keyColumn} is a valid ${kind === 'uscc' ? 'USCC (GB 32100)' : 'citizen identity number (GB 11643)'} (quarantined invalid keys count as failed)`,
    options: { id: 'key-valid' },
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
      type: 'meta',
      finish: () => ({
        total: ctx.loads.reduce((s, l) => s + l.rowsRead, 0) - (ctx.quarantine.get('key:missing') ?? 0),
        failed: invalid,
      }),
      sampleSql: quarantineSampleSql(ctx, 'key-invalid', rule.args.kind),
    };
  },
};
