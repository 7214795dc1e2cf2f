/**
 * 准确性 confirmed-errors (第二十三条、第三十条): records whose errors the provider confirmed after an objection
 * (outcome `corrected` or `confirmed` in the objections table) count against the accuracy dimension of the
 * dataset: total = rows assessed, failed = distinct records with a confirmed error resolved on or before the
 * as-of date. A dataset without confirmed errors gets no such rule (its score is unchanged).
 */
import type { QualityRuleResult } from '../../../schemas/index.ts';
import { OBJECTIONS_TABLE, type Warehouse } from '../../../warehouse/index.ts';
import { ruleDeduction } from '../../score.ts';

/** The check name of the rule result. */
export const CONFIRMED_ERRORS = 'confirmed-errors';

/** Distinct records with a confirmed error per dataset, resolved by the end of `asOf` (Asia/Shanghai). */
export async function confirmedErrorCounts(wh: Warehouse, asOf: string): Promise<Map<string, number>> {
  const rows = await wh.all<{ dataset: string; n: number }>(
    `SELECT dataset, count(DISTINCT record_key) AS n FROM ${OBJECTIONS_TABLE}
      WHERE status IN ('corrected', 'confirmed') AND resolved_at IS NOT NULL
        AND CAST(CAST(resolved_at AS TIMESTAMPTZ) AT TIME ZONE 'Asia/Shanghai' AS DATE) <= CAST($1 AS DATE)
      GROUP BY dataset`,
    [asOf],
  );
  return new Map(rows.map((r) => [r.dataset, Number(r.n)]));
}

/** The accuracy rule result of `failed` confirmed errors among `rows` records. */
export function confirmedErrorsResult(rows: number, failed: number): QualityRuleResult {
  const total = Math.max(rows, failed);
  const passRate = total > 0 ? (total - failed) / total : null;
  const status = passRate === null ? 'not-applicable' : failed > 0 ? 'fail' : 'pass';
  const judged = ruleDeduction({ passRate, status, mostly: 1, severity: 'warn' });
  return {
    id: CONFIRMED_ERRORS,
    check: CONFIRMED_ERRORS,
    dimension: 'accuracy',
    severity: 'warn',
    origin: 'builtin',
    column: null,
    description: `records with an error confirmed after an objection (第三十条): ${failed}`,
    descriptions: {
      zh: `异议核实后确认有误的记录（第三十条）：${failed} 条`,
      en: `records with an error confirmed after an objection (article 30): ${failed}`,
    },
    scope: null,
    mostly: 1,
    weight: 1,
    status,
    total,
    failed,
    passRate,
    shortfall: judged.shortfall,
    deduction: judged.deduction,
    observed: `${failed} confirmed error(s)`,
    observedTexts: { zh: `确认有误 ${failed} 条`, en: `${failed} confirmed error(s)` },
    error: null,
    samples: [],
    sql: null,
    trend: [],
  };
}
