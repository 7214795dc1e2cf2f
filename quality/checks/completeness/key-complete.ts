/**
 * 完整性 key-complete (built in): every row has a key. On a loaded dataset, rows quarantined as key:missing count
 * as failed over the dataset's current state; on a built table (foundation, theme, topic) the key column is checked
 * row by row.
 */
import { quoteLiteral } from '../../../schemas/index.ts';
import { QUARANTINE_CURRENT_VIEW } from '../../../warehouse/index.ts';
import { columnSql, num, presentSql } from '../../column-sql.ts';
import { type CheckRule, makeRule, type RuleOptions } from '../../rule.ts';
import type { CheckDefinition } from '../check.ts';

/** A key-complete rule: `built` for a table built by the platform (no loads, no quarantine). */
export type KeyCompleteRule = CheckRule<'key-complete', { readonly built: boolean }>;

/**
 * Built-in `key-complete`: total = the dataset's current state, rows in the table plus current quarantined rows
 * whose key was examined (a key, type, contract or cursor reason: a malformed source row's key never was);
 * failed = rows quarantined as key:missing. On a built table (`built`): rows of the table, failed = no key.
 */
export function keyComplete(
  keyColumn: string,
  options: Omit<RuleOptions, 'id'> & { built?: boolean } = {},
): KeyCompleteRule {
  const { built, ...ruleOptions } = options;
  return makeRule({
    factory: 'keyComplete',
    check: 'key-complete',
    dimension: 'completeness',
    column: keyColumn,
    args: { built: built ?? false },
    options: { ...ruleOptions, id: 'key-complete' },
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
          type: 'scan',
          exprs: { n: 'count(*)' },
          finish: (v) => ({
            total: num(v.n) + keyExamined(ctx.quarantine),
            failed: ctx.quarantine.get('key:missing') ?? 0,
          }),
          sampleSql: `SELECT NULL AS key, source_location AS _source, reason AS value FROM ${QUARANTINE_CURRENT_VIEW} WHERE dataset = ${quoteLiteral(ctx.dataset.dataset)} AND reason = 'key:missing' ORDER BY quarantined_at, source_location LIMIT 100`,
        },
};

/** Current quarantined rows whose key was examined: key reasons, and the type/contract/cursor ones checked after it. */
export function keyExamined(quarantine: ReadonlyMap<string, number>): number {
  let n = 0;
  for (const [reason, count] of quarantine) {
    if (/^(key|type|contract|cursor):/.test(reason)) n += count;
  }
  return n;
}
