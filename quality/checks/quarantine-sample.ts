/** Samples of rules counted from the quarantine: the quarantined rows of the dataset's current loads. */
import { maskSqlExpression, quoteLiteral } from '../../schemas/index.ts';
import { QUARANTINE_TABLE } from '../../warehouse/index.ts';
import type { CompileContext } from '../plan.ts';

/** A sample query over the quarantine of the dataset's current loads (key masked). */
export function quarantineSampleSql(
  ctx: CompileContext,
  reasons: readonly string[] | 'key-invalid',
  keyMask: 'citizen-id' | 'uscc' | null,
): string {
  const loads = ctx.loads.map((l) => quoteLiteral(l.loadId)).join(', ') || 'NULL';
  const reasonSql =
    reasons === 'key-invalid'
      ? `reason LIKE 'key:%' AND reason <> 'key:missing'`
      : `reason IN (${reasons.map(quoteLiteral).join(', ')})`;
  const key = keyMask ? maskSqlExpression(keyMask, 'key_value') : 'NULL';
  return (
    `SELECT ${key} AS key, source_location AS _source, reason AS value FROM ${QUARANTINE_TABLE} ` +
    `WHERE dataset = ${quoteLiteral(ctx.dataset.dataset)} AND load_id IN (${loads}) AND ${reasonSql} ` +
    'ORDER BY rowid LIMIT 100'
  );
}
