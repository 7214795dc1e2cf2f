/** Derived views of the model shared by the pages, the Markdown and the CSV: file names, ranking, counts. */
import { createHash } from 'node:crypto';
import type { QualityDatasetResult, QualityDimension, QualityRuleResult } from '../schemas/index.ts';
import { QUALITY_DIMENSIONS } from '../schemas/index.ts';
import type { DashboardModel } from './model.ts';

/** Rules per dataset page; more are split over `dataset-<name>-p2.html` … */
export const RULES_PER_PAGE = 100;
/** Datasets per page of the dataset list. */
export const DATASETS_PER_PAGE = 100;
/** Datasets shown under "needing attention" on the overview. */
export const ATTENTION_LIMIT = 20;

/** A file-name-safe slug of a dataset name (the name itself when already safe). */
export function slug(name: string): string {
  if (/^[a-z0-9_][a-z0-9_-]{0,80}$/.test(name)) return name;
  const safe = name
    .toLowerCase()
    .replace(/[^a-z0-9_-]+/g, '-')
    .slice(0, 40);
  return `${safe}-${createHash('sha256').update(name).digest('hex').slice(0, 8)}`;
}

/** The file of page `n` (1-based) of a dataset. */
export function datasetHref(name: string, n = 1): string {
  return n <= 1 ? `dataset-${slug(name)}.html` : `dataset-${slug(name)}-p${n}.html`;
}

/** The file of page `n` of the dataset list. */
export function datasetsHref(n = 1): string {
  return n <= 1 ? 'datasets.html' : `datasets-p${n}.html`;
}

/** The anchor of a rule's detail on its dataset page. */
export function ruleAnchor(rule: Pick<QualityRuleResult, 'id'>): string {
  return `rule-${rule.id.replace(/[^A-Za-z0-9_-]+/g, '-')}`;
}

/** The page (1-based) a rule index falls on. */
export const pageOfRule = (index: number): number => Math.floor(index / RULES_PER_PAGE) + 1;

/** Counts of a dataset's rules by status and severity. */
export function ruleCounts(d: Pick<QualityDatasetResult, 'rules'>) {
  let failed = 0;
  let failedError = 0;
  let errors = 0;
  for (const r of d.rules) {
    if (r.status === 'fail') {
      failed++;
      if (r.severity === 'error') failedError++;
    } else if (r.status === 'error') errors++;
  }
  return { total: d.rules.length, failed, failedError, errors };
}

/**
 * Datasets in the order they need attention: most failed error-severity rules, then rules that could not be
 * computed, then the lowest score (no score first), then name. Only datasets with something wrong are listed.
 */
export function attentionOrder(model: DashboardModel): QualityDatasetResult[] {
  const anomalies = new Set(model.quality.findings.map((f) => f.dataset));
  return model.quality.datasets
    .map((d) => ({ d, c: ruleCounts(d) }))
    .filter(({ d, c }) => c.failed > 0 || c.errors > 0 || d.score === null || anomalies.has(d.dataset))
    .sort(
      (a, b) =>
        b.c.failedError - a.c.failedError ||
        b.c.errors - a.c.errors ||
        (a.d.score ?? -1) - (b.d.score ?? -1) ||
        a.d.dataset.localeCompare(b.d.dataset),
    )
    .map(({ d }) => d);
}

/** Per dimension across the node: rules, failed rules, and the node score (absent dimensions: no rules). */
export function dimensionSummary(model: DashboardModel) {
  const node = nodeRollup(model);
  return QUALITY_DIMENSIONS.map((dim: QualityDimension) => {
    let rules = 0;
    let failed = 0;
    for (const d of model.quality.datasets)
      for (const r of d.rules)
        if (r.dimension === dim) {
          rules++;
          if (r.status === 'fail') failed++;
        }
    const nodeScore = node.dimensions[dim];
    return { dimension: dim, rules, failed, score: nodeScore ?? null, present: rules > 0 };
  });
}

/** Total rows quarantined by the assessed loads. */
export const quarantineTotal = (model: DashboardModel): number =>
  model.quality.datasets.reduce((s, d) => s + d.quarantine.total, 0);

/**
 * The node roll-up: the report's, or (a report run without a node) the same formula over all datasets:
 * score = Σ rows·score / Σ rows over datasets with a score, likewise per dimension.
 */
export function nodeRollup(model: DashboardModel): {
  name: string | null;
  code: string | null;
  score: number | null;
  dimensions: Partial<Record<QualityDimension, number | null>>;
} {
  const n = model.quality.node;
  if (n) return { name: n.name, code: n.code, score: n.score, dimensions: n.dimensions };
  const mean = (pick: (d: QualityDatasetResult) => number | null | undefined): number | null => {
    let num = 0;
    let den = 0;
    for (const d of model.quality.datasets) {
      const v = pick(d);
      if (v === null || v === undefined) continue;
      num += d.rows * v;
      den += d.rows;
    }
    return den > 0 ? Math.round((num / den) * 100) / 100 : null;
  };
  const dimensions: Partial<Record<QualityDimension, number | null>> = {};
  for (const dim of QUALITY_DIMENSIONS) {
    if (model.quality.datasets.some((d) => d.dimensions[dim] !== undefined))
      dimensions[dim] = mean((d) => d.dimensions[dim]?.score);
  }
  return { name: null, code: null, score: mean((d) => d.score), dimensions };
}
