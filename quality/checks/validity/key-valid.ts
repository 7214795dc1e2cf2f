/**
 * 有效性 key-valid (built in): every key is valid. On a loaded dataset, rows quarantined for an invalid key count
 * as failed over the dataset's current state; on a built table (foundation, theme, topic) each key is validated in
 * SQL.
 */
import { maskOf, num } from '../../column-sql.ts';
import { type CheckRule, makeRule, type RuleOptions } from '../../rule.ts';
import type { CheckDefinition } from '../check.ts';
import { keyExamined } from '../completeness/key-complete.ts';
import { quarantineSampleSql } from '../quarantine-sample.ts';
import { rowPlan, textSql } from './row-plan.ts';

/** A key-valid rule: `built` for a table built by the platform (no loads, no quarantine). */
export type KeyValidRule = CheckRule<
  'key-valid',
  { readonly kind: 'citizen-id' | 'uscc'; readonly built: boolean }
>;

/**
 * Built-in `key-valid`: total = rows with a key in the dataset's current state (rows in the table plus current
 * quarantined rows whose key was examined, less key:missing); failed = rows quarantined for an invalid key. On a
 * built table (`built`): each key of the table validated in SQL.
 */
export function keyValid(
  keyColumn: string,
  kind: 'citizen-id' | 'uscc',
  options: Omit<RuleOptions, 'id'> & { built?: boolean } = {},
): KeyValidRule {
  const { built, ...ruleOptions } = options;
  return makeRule({
    factory: 'keyValid',
    check: 'key-valid',
    dimension: 'validity',
    column: keyColumn,
    args: { kind, built: built ?? false },
    options: { ...ruleOptions, id: 'key-valid' },
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
