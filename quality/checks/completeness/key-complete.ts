/**
 * 完整性 key-complete (built in): every row has a key. On a loaded dataset, rows quarantined as key:missing count
 * as failed over the rows read; on a built table (foundation, theme, topic) the key column is checked row by row.
 */
import { quoteLiteral } from '../../../schemas/index.ts';
import { QUARANTINE_TABLE } from '../../../warehouse/index.ts';
import { columnSql, presentSql } from '../../column-sql.ts';
import { type CheckRule, makeRule } from '../../rule.ts';
import type { CheckDefinition } from '../check.ts';

/** A key-complete rule: `built` for a table built by the platform (no loads, no quarantine). */
export type KeyCompleteRule = CheckRule<'key-complete', { readonly built: boolean }>;

/** Built-in `key-complete`: total = rows read by the loads in the table, failed = rows with no key (quarantined). */
export function keyComplete(keyColumn: string, options: { built?: boolean } = {}): KeyCompleteRule {
  return makeRule({
    factory: 'keyComplete',
    check: 'key-complete',
    dimension: 'completeness',
    column: keyColumn,
    args: { built: options.built ?? false },
    options: { id: 'key-complete' },
  });
}

/** The key-complete check. */
export const KEY_COMPLETE: CheckDefinition<KeyCompleteRule> = {
  check: 'key-complete',
  dimension: 'completeness',
  compile: (rule, ctx) =>
    rule.args.built
      ? {
          type: 'row',
          applies: 'TRUE',
          fail: `NOT ${presentSql(ctx, rule.column)}`,
          observed: `CAST(${columnSql(ctx, rule.column)} AS VARCHAR)`,
          mask: null,
        }
      : {
          type: 'meta',
          finish: () => ({
            total: ctx.loads.reduce((s, l) => s + l.rowsRead, 0),
            failed: ctx.quarantine.get('key:missing') ?? 0,
          }),
          sampleSql: `SELECT NULL AS key, source_location AS _source, reason AS value FROM ${QUARANTINE_TABLE} WHERE dataset = ${quoteLiteral(ctx.dataset.dataset)} AND reason = 'key:missing' AND load_id IN (${ctx.loads.map((l) => quoteLiteral(l.loadId)).join(', ') || 'NULL'}) ORDER BY rowid LIMIT 100`,
        },
};
