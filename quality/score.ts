/**
 * The published score formula. Rule pass rate → dimension score → dataset score → department and node roll-ups.
 * A dimension with no rules is absent (never 100); severity never enters the arithmetic.
 */
import {
  QUALITY_DIMENSIONS,
  type QualityDatasetResult,
  type QualityDimension,
  type QualityDimensionResult,
  type QualityRollup,
  type QualityRuleResult,
} from '../schemas/index.ts';

/** The formula, in words, as published in every report. */
export const SCORE_FORMULA = Object.freeze({
  rule: 'passRate = (total − failed) / total; status pass when passRate ≥ mostly; a rule with total = 0 is not applicable and a rule that could not be computed is error: both are left out of the arithmetic',
  dimension:
    'rows weighting (default): score_d = 100 × Σ w_r·(total_r − failed_r) / Σ w_r·total_r; equal weighting: score_d = 100 × Σ w_r·passRate_r / Σ w_r — over the rules of dimension d (w_r = rule weight, default 1); a dimension with no rules is absent',
  dataset:
    'score = Σ W_d·score_d / Σ W_d over the dimensions present with a score (W_d = dimension weight, default 1)',
  rollup:
    'department and node: score = Σ rows_k·score_k / Σ rows_k over their datasets with a score (rows = rows assessed); the same per dimension',
});

/** Rounds a score for output (2 decimals). */
export const round2 = (x: number | null): number | null => (x === null ? null : Math.round(x * 100) / 100);

/** The dimension results and dataset score of a dataset's rule results. */
export function scoreDataset(
  rules: readonly QualityRuleResult[],
  weights: { dimensions: Partial<Record<QualityDimension, number>>; rules: 'rows' | 'equal' },
): { dimensions: Partial<Record<QualityDimension, QualityDimensionResult>>; score: number | null } {
  const dimensions: Partial<Record<QualityDimension, QualityDimensionResult>> = {};
  let num = 0;
  let den = 0;
  for (const d of QUALITY_DIMENSIONS) {
    const of = rules.filter((r) => r.dimension === d);
    if (of.length === 0) continue;
    let passed = 0;
    let total = 0;
    for (const r of of) {
      if (r.passRate === null || (r.status !== 'pass' && r.status !== 'fail')) continue;
      if (weights.rules === 'rows') {
        passed += r.weight * (r.total - r.failed);
        total += r.weight * r.total;
      } else {
        passed += r.weight * r.passRate;
        total += r.weight;
      }
    }
    const score = total > 0 ? (100 * passed) / total : null;
    const w = weights.dimensions[d] ?? 1;
    dimensions[d] = {
      score: round2(score),
      rules: of.map((r) => r.id),
      weightedPassed: passed,
      weightedTotal: total,
      weight: w,
    };
    if (score !== null) {
      num += w * score;
      den += w;
    }
  }
  return { dimensions, score: den > 0 ? round2(num / den) : null };
}

/** A roll-up of dataset results (row-weighted). */
export function rollup(name: string, code: string, datasets: readonly QualityDatasetResult[]): QualityRollup {
  const wmean = (pick: (d: QualityDatasetResult) => number | null | undefined) => {
    let n = 0;
    let s = 0;
    for (const d of datasets) {
      const v = pick(d);
      if (v === null || v === undefined) continue;
      const w = Math.max(d.rows, 1);
      n += w;
      s += w * v;
    }
    return n > 0 ? round2(s / n) : null;
  };
  const dims: Partial<Record<QualityDimension, number | null>> = {};
  for (const d of QUALITY_DIMENSIONS) {
    if (datasets.some((x) => x.dimensions[d])) dims[d] = wmean((x) => x.dimensions[d]?.score);
  }
  return {
    name,
    code,
    datasets: datasets.map((d) => d.dataset),
    rows: datasets.reduce((s, d) => s + d.rows, 0),
    score: wmean((d) => d.score),
    dimensions: dims,
  };
}
