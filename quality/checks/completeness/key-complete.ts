/** 完整性 key-complete (built in): every row has a key; rows quarantined as key:missing count as failed. */
import { quoteLiteral } from '../../../schemas/index.ts';
import { QUARANTINE_CURRENT_VIEW } from '../../../warehouse/index.ts';
import { num } from '../../column-sql.ts';
import { type CheckRule, makeRule, type RuleOptions } from '../../rule.ts';
import type { CheckDefinition } from '../check.ts';

/** A key-complete rule. */
export type KeyCompleteRule = CheckRule<'key-complete', Readonly<Record<never, never>>>;

/**
 * Built-in `key-complete`: total = the dataset's current state, rows in the table plus current quarantined rows
 * whose key was examined (a key, type, contract or cursor reason: a malformed source row's key never was);
 * failed = rows quarantined as key:missing.
 */
export function keyComplete(keyColumn: string, options: Omit<RuleOptions, 'id'> = {}): KeyCompleteRule {
  return makeRule({
    factory: 'keyComplete',
    check: 'key-complete',
    dimension: 'completeness',
    column: keyColumn,
    args: {},
    description: `every row has a key in ${keyColumn} (rows in the table and current quarantined rows; key:missing counts as failed)`,
    options: { ...options, id: 'key-complete' },
  });
}

/** The key-complete check. */
export const KEY_COMPLETE: CheckDefinition<KeyCompleteRule> = {
  check: 'key-complete',
  dimension: 'completeness',
  description: {
    zh: '每条读入的记录都有主键；因缺少主键被隔离的记录计为不合格',
    en: 'every row read has a key; rows quarantined for a missing key count as failed',
  },
  compile: (_rule, ctx) => ({
    type: 'scan',
    exprs: { n: 'count(*)' },
    finish: (v) => ({
      total: num(v.n) + keyExamined(ctx.quarantine),
      failed: ctx.quarantine.get('key:missing') ?? 0,
    }),
    sampleSql: `SELECT NULL AS key, source_location AS _source, reason AS value FROM ${QUARANTINE_CURRENT_VIEW} WHERE dataset = ${quoteLiteral(ctx.dataset.dataset)} AND reason = 'key:missing' ORDER BY quarantined_at, source_location LIMIT 100`,
  }),
};

/** Current quarantined rows whose key was examined: key reasons, and the type/contract/cursor ones checked after it. */
export function keyExamined(quarantine: ReadonlyMap<string, number>): number {
  let n = 0;
  for (const [reason, count] of quarantine) {
    if (/^(key|type|contract|cursor):/.test(reason)) n += count;
  }
  return n;
}
