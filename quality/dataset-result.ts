/** One dataset's part of the report: its compile context, its rule results with status and trend, its score. */
import type { QualityDatasetResult, QualityRuleResult, RuleStatus } from '../schemas/index.ts';
import { tableSqlOf } from './column-sql.ts';
import type { DatasetEvaluation, Evaluated } from './compiler.ts';
import { currentLoads, type QueryCounter, type RunFacts } from './context.ts';
import type { DatasetQuality } from './define.ts';
import { QualityError } from './errors.ts';
import type { Bilingual } from './messages/catalog.ts';
import { describeRule } from './messages/describe.ts';
import { type History, historyKey } from './metric-history.ts';
import type { CompileContext, DatasetInfo, LoadInfo } from './plan.ts';
import { ruleDeduction, scoreDataset } from './score.ts';

/** What a dataset is assessed against: its compile context and the quarantine of its current loads. */
export interface DatasetScope {
  readonly ctx: CompileContext;
  readonly loads: readonly LoadInfo[];
  readonly quarantine: ReadonlyMap<string, number>;
  readonly byReason: Record<string, { count: number; locations: string[] }>;
}

/** The compile context of dataset `name`: its columns, current loads and their quarantine by reason. */
export function datasetScope(info: DatasetInfo, facts: RunFacts, asOf: string, name: string): DatasetScope {
  const columns = facts.columns.get(info.table);
  if (!columns) {
    throw new QualityError(
      `quality: dataset "${name}" is registered but its table ${info.table} does not exist. Fix: reload it with gongshu run`,
    );
  }
  const loads = currentLoads(facts.loads.get(name) ?? []);
  const byLoad = facts.quarantine.get(name);
  const quarantine = new Map<string, number>();
  const byReason: Record<string, { count: number; locations: string[] }> = {};
  for (const l of loads) {
    for (const [reason, q] of byLoad?.get(l.loadId) ?? []) {
      quarantine.set(reason, (quarantine.get(reason) ?? 0) + q.count);
      const e = byReason[reason] ?? { count: 0, locations: [] };
      byReason[reason] = e;
      e.count += q.count;
      e.locations = [...e.locations, ...q.locations].slice(0, 5);
    }
  }
  const ctx: CompileContext = {
    dataset: info,
    tableSql: tableSqlOf(info),
    columns,
    asOf,
    loads,
    quarantine,
    datasets: facts.datasets,
    codeTables: facts.codeTables,
  };
  return { ctx, loads, quarantine, byReason };
}

/**
 * A rule's description in both languages; a generated one names its column by the catalog title in Chinese (a
 * description given with the rule is the same text in both and is kept as given).
 */
function descriptionsOf(rule: Evaluated['rule'], info: DatasetInfo): Bilingual {
  if (rule.descriptions.zh === rule.descriptions.en) return { ...rule.descriptions };
  const titles = new Map((info.catalog?.fields ?? []).map((f) => [f.name, f.title]));
  return describeRule(rule, (c) => titles.get(c) ?? null);
}

/** A rule's result in the report: pass rate, status against its threshold, and its last ten pass rates. */
function ruleResult(e: Evaluated, history: History, info: DatasetInfo): QualityRuleResult {
  const dataset = info.dataset;
  const o = e.outcome;
  const total = o?.total ?? 0;
  const failed = o?.failed ?? 0;
  const passRate = o && total > 0 ? (total - failed) / total : null;
  const status: RuleStatus = e.error
    ? 'error'
    : passRate === null
      ? 'not-applicable'
      : passRate >= e.rule.mostly - 1e-12
        ? 'pass'
        : 'fail';
  const trend = (history.get(historyKey(dataset, 'rule', e.rule.id)) ?? []).slice(-10).map((h) => ({
    runId: h.runId,
    at: h.at,
    passRate: h.value,
  }));
  const judged = ruleDeduction({ passRate, status, mostly: e.rule.mostly, severity: e.rule.severity });
  return {
    id: e.rule.id,
    check: e.rule.check,
    dimension: e.rule.dimension,
    severity: e.rule.severity,
    origin: e.rule.origin,
    column: e.rule.column,
    description: e.rule.description,
    descriptions: descriptionsOf(e.rule, info),
    scope: e.scope,
    mostly: e.rule.mostly,
    weight: e.rule.weight,
    status,
    total,
    failed,
    passRate,
    shortfall: judged.shortfall,
    deduction: judged.deduction,
    observed: o?.observedTexts?.en ?? o?.observed ?? null,
    observedTexts: o?.observedTexts ? { ...o.observedTexts } : null,
    error: e.error,
    samples: [...(o?.samples ?? [])],
    sql: e.sql,
    trend,
  };
}

/** The queries of one dataset: the counter's growth since `before` (metadata is counted for the run). */
export function queriesSince(counter: QueryCounter, before: QueryCounter): QueryCounter {
  return {
    scans: counter.scans - before.scans,
    joins: counter.joins - before.joins,
    aggregates: counter.aggregates - before.aggregates,
    fallback: counter.fallback - before.fallback,
    samples: counter.samples - before.samples,
    metadata: 0,
  };
}

/** A dataset's result: its rules, dimension scores, score, status, quarantine and queries. */
export function datasetResult(spec: {
  readonly name: string;
  readonly info: DatasetInfo;
  readonly scope: DatasetScope;
  readonly evaluation: DatasetEvaluation;
  readonly definition: DatasetQuality | undefined;
  readonly history: History;
  readonly queries: QueryCounter;
  readonly seconds: number;
  /** Rule results computed outside the scan (confirmed errors of objections). */
  readonly extra?: readonly QualityRuleResult[];
}): QualityDatasetResult {
  const { name, info, scope, evaluation, queries: dq } = spec;
  const ruleResults = [
    ...evaluation.results.map((e) => ruleResult(e, spec.history, { ...info, dataset: name })),
    ...(spec.extra ?? []),
  ];
  const weights = spec.definition?.weights ?? { dimensions: {}, rules: 'rows' as const };
  const scored = scoreDataset(ruleResults, weights);
  const provider = info.catalog?.provider;
  return {
    dataset: name,
    title: info.catalog?.name ?? null,
    table: info.table,
    layer: info.layer ?? null,
    department: provider ? { name: provider.name, code: provider.code } : null,
    key: info.keyKind && info.keyColumn ? { kind: info.keyKind, column: info.keyColumn } : null,
    rows: evaluation.rows,
    loads: scope.loads.map((l) => l.loadId),
    quarantine: {
      total: [...scope.quarantine.values()].reduce((s, x) => s + x, 0),
      byReason: scope.byReason,
    },
    score: scored.score,
    passRate: scored.passRate,
    ceiling: scored.ceiling,
    deductions: scored.deductions,
    status: ruleResults.some((r) => r.severity === 'error' && (r.status === 'fail' || r.status === 'error'))
      ? 'fail'
      : 'pass',
    dimensions: scored.dimensions,
    rules: ruleResults,
    queries: { ...dq, total: dq.scans + dq.joins + dq.aggregates + dq.fallback + dq.samples },
    seconds: spec.seconds,
  };
}
