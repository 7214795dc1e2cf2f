/** Samples of rules counted from the quarantine: the dataset's current quarantined rows (gongshu.quarantine_current). */
import { maskSqlExpression, quoteLiteral } from '../../schemas/index.ts';
import { QUARANTINE_CURRENT_VIEW } from '../../warehouse/index.ts';
import type { CompileContext } from '../plan.ts';

/** A sample query over the dataset's current quarantine (key masked). */
export function quarantineSampleSql(
  ctx: CompileContext,
  reasons: readonly string[] | 'key-invalid',
  keyMask: 'citizen-id' | 'uscc' | null,
): string {
  const reasonSql =
    reasons === 'key-invalid'
      ? `reason LIKE 'key:%' AND reason <> 'key:missing'`
      : `reason IN (${reasons.map(quoteLiteral).join(', ')})`;
  const key = keyMask ? maskSqlExpression(keyMask, 'key_value') : 'NULL';
  return (
    `SELECT ${key} AS key, source_location AS _source, reason AS value FROM ${QUARANTINE_CURRENT_VIEW} ` +
    `WHERE dataset = ${quoteLiteral(ctx.dataset.dataset)} AND ${reasonSql} ` +
    'ORDER BY quarantined_at, source_location LIMIT 100'
  );
}
