/** Derived views of the model shared by the pages, the Markdown and the CSV: file names, ranking, counts. */
import { createHash } from 'node:crypto';
import type {
  QualityDatasetResult,
  QualityDimension,
  QualityRollup,
  QualityRuleResult,
} from '../schemas/index.ts';
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
  // A built table keeps its layer: dataset-topic.elderly_subsidy_2026.html.
  if (/^[a-z0-9_][a-z0-9_-]{0,80}$/.test(name) || /^(foundation|theme|topic)\.[a-z0-9_]{1,80}$/.test(name))
    return name;
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

/** What the one ranking order compares: the score (null: no score), failed error-severity rules, the name. */
interface Ranked {
  readonly score: number | null;
  readonly failedError: number;
  readonly name: string;
}

/**
 * The one order of the overview's department ranking and its datasets needing attention, worst first: lowest
 * score first (no score before any score), then more failed error-severity rules, then the name.
 */
export function worstFirst(a: Ranked, b: Ranked): number {
  return (a.score ?? -1) - (b.score ?? -1) || b.failedError - a.failedError || a.name.localeCompare(b.name);
}

const rankedDataset = (d: QualityDatasetResult): Ranked => ({
  score: d.score,
  failedError: ruleCounts(d).failedError,
  name: d.dataset,
});

/**
 * Datasets needing attention, worst first (`worstFirst`): those with a failing or uncomputable rule, no score,
 * or a finding.
 */
export function attentionOrder(model: DashboardModel): QualityDatasetResult[] {
  const anomalies = new Set(model.quality.findings.map((f) => f.dataset));
  return model.quality.datasets
    .filter((d) => {
      const c = ruleCounts(d);
      return c.failed > 0 || c.errors > 0 || d.score === null || anomalies.has(d.dataset);
    })
    .sort((a, b) => worstFirst(rankedDataset(a), rankedDataset(b)));
}

/** The departments worst first (`worstFirst`), each with its datasets' failed error rules. */
export function departmentRanking(model: DashboardModel): (QualityRollup & { failedError: number })[] {
  const byName = new Map(model.quality.datasets.map((d) => [d.dataset, d]));
  return model.quality.departments
    .map((dep) => ({
      ...dep,
      failedError: dep.datasets.reduce(
        (s, n) => s + (byName.get(n) ? ruleCounts(byName.get(n)!).failedError : 0),
        0,
      ),
    }))
    .sort((a, b) => worstFirst(a, b));
}

/** A department's answer on the overview: its worst dataset and, when one fails, the rule costing it most. */
export interface DepartmentAnswer {
  readonly department: QualityRollup;
  readonly dataset: QualityDatasetResult | null;
  readonly rule: QualityRuleResult | null;
  /** The page and anchor of the rule's detail (masked samples), when there is a rule. */
  readonly href: string | null;
}

/**
 * One answer per department, in ranking order: the department's worst dataset (`worstFirst`) and its failing rule
 * that costs the most points (then the most failing rows).
 */
export function departmentAnswers(model: DashboardModel): DepartmentAnswer[] {
  const byName = new Map(model.quality.datasets.map((d) => [d.dataset, d]));
  return departmentRanking(model).map((department) => {
    const datasets = department.datasets.flatMap((n) => (byName.has(n) ? [byName.get(n)!] : []));
    const dataset = [...datasets].sort((a, b) => worstFirst(rankedDataset(a), rankedDataset(b)))[0] ?? null;
    let rule: QualityRuleResult | null = null;
    let index = -1;
    dataset?.rules.forEach((r, i) => {
      if (r.status !== 'fail') return;
      if (
        !rule ||
        r.deduction > rule.deduction ||
        (r.deduction === rule.deduction && r.failed > rule.failed)
      ) {
        rule = r;
        index = i;
      }
    });
    const found = rule as QualityRuleResult | null;
    const href =
      dataset && found ? `${datasetHref(dataset.dataset, pageOfRule(index))}#${ruleAnchor(found)}` : null;
    return { department, dataset, rule: found, href };
  });
}

/** Per dimension across the node: rules, failed rules, and the node score (absent dimensions: no rules). */
export function dimensionSummary(model: DashboardModel) {
  const node = nodeRollup(model);
  return QUALITY_DIMENSIONS.map((dim: QualityDimension) => {
    let rules = 0;
    let failed = 0;
    let rateNum = 0;
    let rateDen = 0;
    for (const d of model.quality.datasets) {
      for (const r of d.rules)
        if (r.dimension === dim) {
          rules++;
          if (r.status === 'fail') failed++;
        }
      const rate = d.layer ? undefined : d.dimensions[dim]?.passRate;
      if (rate !== null && rate !== undefined) {
        rateNum += Math.max(d.rows, 1) * rate;
        rateDen += Math.max(d.rows, 1);
      }
    }
    const nodeScore = node.dimensions[dim];
    return {
      dimension: dim,
      rules,
      failed,
      score: nodeScore ?? null,
      passRate: rateDen > 0 ? rateNum / rateDen : null,
      present: rules > 0,
    };
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
  passRate: number | null;
  dimensions: Partial<Record<QualityDimension, number | null>>;
} {
  const n = model.quality.node;
  if (n)
    return { name: n.name, code: n.code, score: n.score, passRate: n.passRate, dimensions: n.dimensions };
  const mean = (
    pick: (d: QualityDatasetResult) => number | null | undefined,
    round = true,
  ): number | null => {
    let num = 0;
    let den = 0;
    for (const d of model.quality.datasets) {
      const v = d.layer ? null : pick(d);
      if (v === null || v === undefined) continue;
      num += d.rows * v;
      den += d.rows;
    }
    if (den === 0) return null;
    return round ? Math.round((num / den) * 100) / 100 : num / den;
  };
  const dimensions: Partial<Record<QualityDimension, number | null>> = {};
  for (const dim of QUALITY_DIMENSIONS) {
    if (model.quality.datasets.some((d) => d.dimensions[dim] !== undefined))
      dimensions[dim] = mean((d) => d.dimensions[dim]?.score);
  }
  return {
    name: null,
    code: null,
    score: mean((d) => d.score),
    passRate: mean((d) => d.passRate, false),
    dimensions,
  };
}
