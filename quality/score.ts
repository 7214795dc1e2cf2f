/**
 * The published score formula (README "How scores are computed"). Two numbers are kept for every rule,
 * dimension, dataset and roll-up:
 *
 * - the **pass rate**: GB/T 36344's A/B — elements passing ÷ elements checked, row-weighted upwards. It is what
 *   the rules measured, unjudged;
 * - the **score** (0–100): the pass rate judged against the thresholds. Within its threshold a rule costs
 *   nothing beyond its pass rate; below it, a rule **deducts points** in proportion to how far it fell short
 *   (5 points per percentage point for error severity, 1 for warn, 0 for info; at most 50, 10 and 0 points a
 *   rule), and a failing error rule also
 *   caps its dimension and its dataset at 90, so a score above 90 means no error rule failed.
 *
 * Scores therefore move with what matters: 1.5% invalid keys (threshold 100%) cost a dataset 90 − 7.5 = 82.5 at
 * most, where the raw pass rate would still read 98.5. A dimension with no rules is absent, never 100.
 */
import {
  QUALITY_DIMENSIONS,
  type QualityDatasetResult,
  type QualityDimension,
  type QualityDimensionResult,
  type QualityRollup,
  type QualityRuleResult,
  type QualitySeverity,
} from '../schemas/index.ts';

/** The highest score of a dimension or dataset with a failing error-severity rule. */
export const ERROR_CEILING = 90;

/** Points deducted per percentage point a failing rule falls below its threshold, by severity. */
export const POINTS_PER_PERCENT: Readonly<Record<QualitySeverity, number>> = Object.freeze({
  error: 5,
  warn: 1,
  info: 0,
});

/**
 * The most points one rule can cost, by severity: reached 10 percentage points below the threshold. A rule
 * checking one thing (the dataset's freshness) costs no more than a rule far below its threshold.
 */
export const MAX_DEDUCTION: Readonly<Record<QualitySeverity, number>> = Object.freeze({
  error: 50,
  warn: 10,
  info: 0,
});

/** The formula, in words, as published in every report (the dashboard shows it in the page's language). */
export const SCORE_FORMULA = Object.freeze({
  rule: 'passRate = (total − failed) / total; status pass when passRate ≥ mostly; shortfall = max(0, mostly − passRate); deduction = min(max, 100 × shortfall × points) with points per percentage point below the threshold error 5, warn 1, info 0 and max error 50, warn 10, info 0; a rule with total = 0 is not applicable and a rule that could not be computed is error: both are left out of the arithmetic',
  dimension:
    'passRate_d = Σ w_r·(total_r − failed_r) / Σ w_r·total_r (rows weighting, default) or Σ w_r·passRate_r / Σ w_r (equal); score_d = max(0, min(100 × passRate_d, ceiling_d − Σ deduction_r)) over the rules of d, where ceiling_d = 90 when an error-severity rule of d fails, else 100; a dimension with no rules is absent',
  dataset:
    'passRate = Σ W_d·passRate_d / Σ W_d; score = max(0, min(Σ W_d·score_d / Σ W_d, ceiling − Σ deduction_r)) over all its rules, where ceiling = 90 when any error-severity rule fails, else 100 (W_d = dimension weight, default 1)',
  rollup:
    'department and node: score = Σ rows_k·score_k / Σ rows_k over their datasets with a score (rows = rows assessed); the same for the pass rate and per dimension',
});

/** Rounds a score for output (2 decimals). */
export const round2 = (x: number | null): number | null => (x === null ? null : Math.round(x * 100) / 100);

/** Whether a rule enters the arithmetic: computed, with something to check. */
const scored = (r: Pick<QualityRuleResult, 'passRate' | 'status'>): boolean =>
  r.passRate !== null && (r.status === 'pass' || r.status === 'fail');

/**
 * How far a rule fell below its threshold (a rate 0–1) and the points that costs; `shortfall` is null for a
 * rule left out of the arithmetic (not applicable, could not be computed).
 */
export function ruleDeduction(r: Pick<QualityRuleResult, 'passRate' | 'status' | 'mostly' | 'severity'>): {
  shortfall: number | null;
  deduction: number;
} {
  if (!scored(r)) return { shortfall: null, deduction: 0 };
  const shortfall = r.status === 'fail' ? Math.max(0, r.mostly - (r.passRate ?? 0)) : 0;
  const points = 100 * shortfall * POINTS_PER_PERCENT[r.severity];
  return { shortfall, deduction: Math.min(MAX_DEDUCTION[r.severity], points) };
}

/** A failing error-severity rule: what caps a dimension and a dataset at ERROR_CEILING. */
const failingError = (r: QualityRuleResult): boolean => r.severity === 'error' && r.status === 'fail';

/** The ceiling and deductions of a set of rules, and the capped score of a mean. */
function judged(rules: readonly QualityRuleResult[], mean: number | null) {
  const ceiling = rules.some(failingError) ? ERROR_CEILING : 100;
  const deductions = rules.reduce((s, r) => s + ruleDeduction(r).deduction, 0);
  const score = mean === null ? null : Math.max(0, Math.min(mean, ceiling - deductions));
  return { ceiling, deductions: round2(deductions) ?? 0, score };
}

/** The dimension results, dataset score and pass rate of a dataset's rule results. */
export function scoreDataset(
  rules: readonly QualityRuleResult[],
  weights: { dimensions: Partial<Record<QualityDimension, number>>; rules: 'rows' | 'equal' },
): {
  dimensions: Partial<Record<QualityDimension, QualityDimensionResult>>;
  score: number | null;
  passRate: number | null;
  ceiling: number;
  deductions: number;
} {
  const dimensions: Partial<Record<QualityDimension, QualityDimensionResult>> = {};
  let num = 0;
  let rateNum = 0;
  let den = 0;
  for (const d of QUALITY_DIMENSIONS) {
    const of = rules.filter((r) => r.dimension === d);
    if (of.length === 0) continue;
    let passed = 0;
    let total = 0;
    for (const r of of) {
      if (!scored(r)) continue;
      if (weights.rules === 'rows') {
        passed += r.weight * (r.total - r.failed);
        total += r.weight * r.total;
      } else {
        passed += r.weight * (r.passRate ?? 0);
        total += r.weight;
      }
    }
    const passRate = total > 0 ? passed / total : null;
    const j = judged(of, passRate === null ? null : 100 * passRate);
    const w = weights.dimensions[d] ?? 1;
    dimensions[d] = {
      score: round2(j.score),
      passRate,
      ceiling: j.ceiling,
      deductions: j.deductions,
      rules: of.map((r) => r.id),
      weightedPassed: passed,
      weightedTotal: total,
      weight: w,
    };
    if (j.score !== null && passRate !== null) {
      num += w * j.score;
      rateNum += w * passRate;
      den += w;
    }
  }
  const j = judged(rules, den > 0 ? num / den : null);
  return {
    dimensions,
    score: round2(j.score),
    passRate: den > 0 ? rateNum / den : null,
    ceiling: j.ceiling,
    deductions: j.deductions,
  };
}

/** A roll-up of dataset results (row-weighted). */
export function rollup(name: string, code: string, datasets: readonly QualityDatasetResult[]): QualityRollup {
  const wmean = (pick: (d: QualityDatasetResult) => number | null | undefined, digits = true) => {
    let n = 0;
    let s = 0;
    for (const d of datasets) {
      const v = pick(d);
      if (v === null || v === undefined) continue;
      const w = Math.max(d.rows, 1);
      n += w;
      s += w * v;
    }
    if (n === 0) return null;
    return digits ? round2(s / n) : s / n;
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
    passRate: wmean((d) => d.passRate, false),
    dimensions: dims,
  };
}
