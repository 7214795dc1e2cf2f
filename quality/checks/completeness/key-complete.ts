/** 完整性 key-complete (built in): every row read has a key; rows quarantined as key:missing count as failed. */
import { quoteLiteral } from '../../../schemas/index.ts';
import { QUARANTINE_TABLE } from '../../../warehouse/index.ts';
import { type CheckRule, makeRule } from '../../rule.ts';
import type { CheckDefinition } from '../check.ts';

/** A key-complete rule. */
export type KeyCompleteRule = CheckRule<'key-complete', Readonly<Record<never, never>>>;

/** Built-in `key-complete`: total = rows read by the loads in the table, failed = rows with no key (quarantined). */
export function keyComplete(keyColumn: string): KeyCompleteRule {
  return makeRule({
    factory: 'keyComplete',
    check: 'key-complete',
    dimension: 'completeness',
    column: keyColumn,
    args: {},
    description: `every row read has a key in ${keyColumn} (rows quarantined as key:missing count as failed)`,
    options: { id: 'key-complete' },
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
    type: 'meta',
    finish: () => ({
      total: ctx.loads.reduce((s, l) => s + l.rowsRead, 0),
      failed: ctx.quarantine.get('key:missing') ?? 0,
    }),
    sampleSql: `SELECT NULL AS key, source_location AS _source, reason AS value FROM ${QUARANTINE_TABLE} WHERE dataset = ${quoteLiteral(ctx.dataset.dataset)} AND reason = 'key:missing' AND load_id IN (${ctx.loads.map((l) => quoteLiteral(l.loadId)).join(', ') || 'NULL'}) ORDER BY rowid LIMIT 100`,
  }),
};
