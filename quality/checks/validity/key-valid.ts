/**
 * 有效性 key-valid (built in): every key is valid. On a loaded dataset, rows quarantined for an invalid key count
 * as failed over the rows read; on a built table (foundation, theme, topic) each key is validated in SQL.
 */
import { maskOf } from '../../column-sql.ts';
import { type CheckRule, makeRule } from '../../rule.ts';
import type { CheckDefinition } from '../check.ts';
import { quarantineSampleSql } from '../quarantine-sample.ts';
import { rowPlan, textSql } from './row-plan.ts';

/** A key-valid rule: `built` for a table built by the platform (no loads, no quarantine). */
export type KeyValidRule = CheckRule<
  'key-valid',
  { readonly kind: 'citizen-id' | 'uscc'; readonly built: boolean }
>;

/** Built-in `key-valid`: total = rows with a key, failed = rows whose key is invalid (quarantined as key:*). */
export function keyValid(
  keyColumn: string,
  kind: 'citizen-id' | 'uscc',
  options: { built?: boolean } = {},
): KeyValidRule {
  return makeRule({
    factory: 'keyValid',
    check: 'key-valid',
    dimension: 'validity',
    column: keyColumn,
    args: { kind, built: options.built ?? false },
    options: { id: 'key-valid' },
  });
}

/** The key-valid check. */
export const KEY_VALID: CheckDefinition<KeyValidRule> = {
  check: 'key-valid',
  dimension: 'validity',
  compile(rule, ctx) {
    if (rule.args.built) {
      const fn = rule.args.kind === 'uscc' ? 'gs_uscc_reason' : 'gs_citizen_id_reason';
      return {
        ...rowPlan(ctx, rule.column, `${fn}(${textSql(ctx, rule.column)}) IS NOT NULL`),
        mask: maskOf(ctx, rule.column) ?? rule.args.kind,
      };
    }
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
