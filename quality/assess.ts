/**
 * `runQuality`: assess datasets of a warehouse and return the report (data; never throws on failing rules).
 * @example
 * const report = await runQuality(wh, { definitions: [defineQuality('hukou', { rules: [...] })] });
 * report.datasets[0].dimensions.validity?.score;
 */

import {
  DefinitionError,
  newId,
  QUALITY_DIMENSION_LABELS,
  QUALITY_DIMENSIONS,
  QUALITY_REPORT_SCHEMA_VERSION,
  QUALITY_SEVERITY_LABELS,
  type QualityDatasetResult,
  type QualityDimension,
  type QualityFinding,
  type QualityReport,
  type QualitySeverity,
} from '../schemas/index.ts';
import type { Warehouse } from '../warehouse/index.ts';
import type { AnomalyOptions } from './anomaly.ts';
import { calendarUsage } from './calendar.ts';
import { confirmedErrorCounts, confirmedErrorsResult } from './checks/accuracy/confirmed-errors.ts';
import type { Rule } from './checks/registry.ts';
import { shanghaiDate } from './checks/timeliness/date-sql.ts';
import { evaluateDataset } from './compiler.ts';
import { newCounter, type QueryCounter, type RunFacts, readFacts } from './context.ts';
import { datasetResult, datasetScope, queriesSince } from './dataset-result.ts';
import { defaultRules, keyRules } from './defaults.ts';
import type { DatasetQuality } from './define.ts';
import { UnknownDatasetError } from './errors.ts';
import { QUALITY_MESSAGES } from './messages/describe.ts';
import { anomalyFindings, type History, readHistory, writeHistory } from './metric-history.ts';
import type { BuiltTable } from './plan.ts';
import { ERROR_CEILING, MAX_DEDUCTION, POINTS_PER_PERCENT, rollup, round2, SCORE_FORMULA } from './score.ts';

/** Options of `runQuality`. */
export interface QualityOptions {
  /** Datasets to assess; defaults to every dataset registered in the warehouse. */
  readonly datasets?: readonly string[];
  /** Declared rules per dataset (the project's `quality: [...]`). */
  readonly definitions?: readonly DatasetQuality[];
  /** Reference date of timeliness rules (YYYY-MM-DD); defaults to today in Asia/Shanghai. */
  readonly asOf?: string;
  /** The run's clock; defaults to now. */
  readonly now?: Date;
  /** The severity at or above which a failing rule fails the run; defaults to error. */
  readonly failOn?: 'error' | 'warn' | null;
  /** Mask samples and reproducing SQL; defaults to true. */
  readonly mask?: boolean;
  /** Samples kept per failing row rule; defaults to 5. */
  readonly samples?: number;
  /** Read and write `gongshu.metrics` (trends, anomalies); defaults to true unless the warehouse is read-only. */
  readonly history?: boolean;
  /** The report file this run will be written to, recorded in `gongshu.quality_runs`. */
  readonly reportFile?: string;
  /** The node for the node roll-up. */
  readonly node?: { readonly id: string; readonly name: string };
  /**
   * Tables the platform builds (foundation, theme, topic; the jobs layer's `builtTablesOf(project)`): assessed
   * like datasets once built — a foundation always (key rules, its conflicts), a model when rules are declared
   * for it (`defineQuality('topic.x', …)`).
   */
  readonly builtTables?: readonly BuiltTable[];
  readonly anomaly?: AnomalyOptions;
  /** Called before each dataset is assessed: its name, its place and the count (for progress displays). */
  readonly onDataset?: (dataset: string, index: number, total: number) => void;
}

/** A new quality run id: `<UTC yyyymmddhhmmss>-<random>`. */
export function newQualityRunId(now = new Date()): string {
  return newId('', now);
}

const RANK: Readonly<Record<QualitySeverity, number>> = { error: 2, warn: 1, info: 0 };

/** The rules of a dataset: built-in key rules, defaults (unless disabled or excluded), then declared ones (same id replaces). */
export function rulesFor(info: Parameters<typeof defaultRules>[0], def: DatasetQuality | undefined): Rule[] {
  const base =
    def?.defaults === false
      ? keyRules(info, def.keyRules)
      : defaultRules(info, { blankValues: def?.blankValues ?? [], keyRules: def?.keyRules ?? {} });
  const excluded = new Set(def?.exclude ?? []);
  const byId = new Map<string, Rule>();
  for (const r of base) if (!excluded.has(r.id)) byId.set(r.id, r);
  for (const r of def?.rules ?? []) byId.set(r.id, r);
  return [...byId.values()];
}

/**
 * The datasets of a run, checked against the warehouse: every name must be registered or a built table. By
 * default every registered dataset, every built foundation, and the built models that have declared rules.
 */
function datasetNames(
  wh: Warehouse,
  facts: RunFacts,
  only: readonly string[] | undefined,
  built: readonly BuiltTable[],
  defs: ReadonlyMap<string, DatasetQuality>,
): readonly string[] {
  const always = new Set(built.filter((b) => b.always).map((b) => b.name));
  const names =
    only ??
    [...facts.datasets.values()]
      .filter((d) => !d.layer || always.has(d.dataset) || defs.has(d.dataset))
      .map((d) => d.dataset);
  const unknown = names.filter((n) => !facts.datasets.has(n));
  if (unknown.length) {
    const hints = unknown.flatMap((u) => {
      const b = built.find((x) => x.name === u || x.name.endsWith(`.${u}`));
      if (!b) return [];
      return [b.name === u ? `${u} is not built yet (gongshu build)` : `the built table is ${b.name}`];
    });
    throw new UnknownDatasetError(
      `quality: dataset ${unknown.map((u) => `"${u}"`).join(', ')} is not in the warehouse ${wh.path} ` +
        `(known: ${[...facts.datasets.keys()].join(', ') || 'none'}). ` +
        `Fix: ${hints.length ? `${hints.join('; ')}; ` : ''}run its pipeline first (gongshu run), or name a loaded dataset or a built table (foundation.x, theme.x, topic.x)`,
      { unknown },
    );
  }
  return names;
}

/** The columns of this dataset a declared rule reads (its column, and `columns` of uniqueness rules). */
function ruleColumns(rule: Rule): string[] {
  const cols = (rule.args as { columns?: unknown }).columns;
  return [
    ...(rule.column ? [rule.column] : []),
    ...(Array.isArray(cols) ? cols.filter((c): c is string => typeof c === 'string') : []),
  ];
}

/**
 * A declared rule naming a column the dataset table lacks is a definition error (exit 2), raised before any
 * rule runs: a typo, or a source title where the catalog renamed the column to the field's name.
 */
function checkDeclaredColumns(
  def: DatasetQuality | undefined,
  table: string,
  columns: ReadonlyMap<string, string>,
): void {
  for (const [i, rule] of (def?.rules ?? []).entries()) {
    const missing = ruleColumns(rule).filter((c) => !columns.has(c));
    if (!missing.length) continue;
    const shown = [...columns.keys()].filter((c) => !c.startsWith('_'));
    throw new DefinitionError(
      `${def!.file ?? 'project'}: defineQuality("${def!.dataset}"): rules[${i}] (${rule.id}): column ${missing.map((m) => `"${m}"`).join(', ')} ` +
        `is not a column of table ${table} (columns: ${shown.join(', ')}). ` +
        'Fix: name a column of the dataset; a catalog field whose title is a source header renames that column to the field name',
      {
        file: def!.file,
        field: `rules[${i}]`,
        allowed: shown.join(', '),
        fix: 'use one of the listed columns',
        dataset: def!.dataset,
        rule: rule.id,
      },
    );
  }
}

/** Assesses one dataset: its rules in as few queries as possible, then its result and score. */
async function assessDataset(
  wh: Warehouse,
  run: {
    facts: RunFacts;
    asOf: string;
    counter: QueryCounter;
    history: History;
    masked: boolean;
    samples: number;
    confirmedErrors: ReadonlyMap<string, number>;
  },
  name: string,
  def: DatasetQuality | undefined,
): Promise<{ result: QualityDatasetResult; fallback: QualityFinding | null }> {
  const d0 = performance.now();
  const info = run.facts.datasets.get(name)!;
  const scope = datasetScope(info, run.facts, run.asOf, name);
  const rules = rulesFor(info, def);
  checkDeclaredColumns(def, info.table, scope.ctx.columns);
  const before = { ...run.counter };
  const evaluation = await evaluateDataset(wh, scope.ctx, rules, run.counter, {
    masked: run.masked,
    samples: run.samples,
  });
  const fallback: QualityFinding | null = evaluation.fallback
    ? {
        level: 'warn',
        kind: 'fallback',
        dataset: name,
        metric: 'scan',
        value: null,
        expected: null,
        sd: null,
        z: null,
        history: 0,
        message: QUALITY_MESSAGES.en.fallback(name, evaluation.fallback.error),
        messages: {
          zh: QUALITY_MESSAGES['zh-CN'].fallback(name, evaluation.fallback.error),
          en: QUALITY_MESSAGES.en.fallback(name, evaluation.fallback.error),
        },
      }
    : null;
  const result = datasetResult({
    name,
    info,
    scope,
    evaluation,
    definition: def,
    history: run.history,
    queries: queriesSince(run.counter, before),
    seconds: (performance.now() - d0) / 1000,
    extra: run.confirmedErrors.has(name)
      ? [confirmedErrorsResult(evaluation.rows, run.confirmedErrors.get(name)!)]
      : [],
  });
  return { result, fallback };
}

/** Whether the run fails: a failing rule at or above `failOn` (default error), or a warning finding under warn. */
function runFails(
  results: readonly QualityDatasetResult[],
  findings: readonly QualityFinding[],
  failOn: 'error' | 'warn' | null,
): boolean {
  const threshold = RANK[failOn ?? 'error'];
  return (
    results.some((d) =>
      d.rules.some((r) => RANK[r.severity] >= threshold && (r.status === 'fail' || r.status === 'error')),
    ) ||
    (threshold <= RANK.warn && findings.some((f) => f.level === 'warn'))
  );
}

/**
 * The department roll-ups of the departments' datasets, in order of first appearance. Built tables (foundation,
 * theme, topic) are left out: they derive from the datasets and would count their defects twice.
 */
export function departmentRollups(results: readonly QualityDatasetResult[]) {
  const departments = new Map<string, QualityDatasetResult[]>();
  for (const d of results) {
    if (d.layer) continue;
    const k = d.department ? `${d.department.code}\u0000${d.department.name}` : '\u0000(no department)';
    departments.set(k, [...(departments.get(k) ?? []), d]);
  }
  return [...departments].map(([k, ds]) => {
    const [code, dname] = k.split('\u0000') as [string, string];
    return rollup(dname, code, ds);
  });
}

/** The node roll-up over the departments' datasets (built tables left out, as in `departmentRollups`). */
export function nodeRollup(
  node: { readonly id: string; readonly name: string } | undefined,
  results: readonly QualityDatasetResult[],
) {
  const datasets = results.filter((d) => !d.layer);
  return datasets.length ? rollup(node?.name ?? 'node', node?.id ?? '', datasets) : null;
}

/** Runs the quality rules of the selected datasets and returns the report. */
export async function runQuality(wh: Warehouse, options: QualityOptions = {}): Promise<QualityReport> {
  const started = options.now ?? new Date();
  const t0 = performance.now();
  const runId = newQualityRunId(started);
  const calendar = calendarUsage();
  const asOf = options.asOf ?? shanghaiDate(started);
  const masked = options.mask ?? true;
  const useHistory = options.history ?? !wh.readOnly;
  const counter = newCounter();
  const built = options.builtTables ?? [];
  const facts = await readFacts(wh, counter, options.datasets, built);
  const defs = new Map((options.definitions ?? []).map((d) => [d.dataset, d]));
  const names = datasetNames(wh, facts, options.datasets, built, defs);
  // A definition for a dataset not loaded yet is not an error: it is assessed once the dataset is loaded.
  const history: History = useHistory ? await readHistory(wh, names) : new Map();
  if (useHistory) counter.metadata++;

  // Errors confirmed after objections count against accuracy (第三十条).
  const confirmedErrors = await confirmedErrorCounts(wh, asOf);
  counter.metadata++;
  const run = { facts, asOf, counter, history, masked, samples: options.samples ?? 5, confirmedErrors };
  const results: QualityDatasetResult[] = [];
  const findings: QualityFinding[] = [];
  for (const [i, name] of names.entries()) {
    options.onDataset?.(name, i, names.length);
    const { result, fallback } = await assessDataset(wh, run, name, defs.get(name));
    if (fallback) findings.push(fallback);
    results.push(result);
  }
  if (useHistory)
    findings.push(...anomalyFindings({ asOf, datasets: results }, history, options.anomaly ?? {}));

  const failOn = options.failOn ?? null;
  const dimensionWeights = Object.fromEntries(QUALITY_DIMENSIONS.map((d) => [d, 1])) as Record<
    QualityDimension,
    number
  >;
  const total =
    counter.scans +
    counter.joins +
    counter.aggregates +
    counter.fallback +
    counter.samples +
    counter.metadata;
  const report: QualityReport = {
    schemaVersion: QUALITY_REPORT_SCHEMA_VERSION,
    runId,
    generatedAt: new Date(started.getTime() + (performance.now() - t0)).toISOString(),
    asOf,
    status: runFails(results, findings, failOn) ? 'fail' : 'pass',
    failOn,
    masked,
    labels: { dimensions: { ...QUALITY_DIMENSION_LABELS }, severities: { ...QUALITY_SEVERITY_LABELS } },
    formula: {
      ...SCORE_FORMULA,
      ruleWeighting: 'rows',
      dimensionWeights: { ...dimensionWeights },
      errorCeiling: ERROR_CEILING,
      pointsPerPercent: { ...POINTS_PER_PERCENT },
      maxDeduction: { ...MAX_DEDUCTION },
    },
    datasets: results,
    departments: departmentRollups(results),
    node: nodeRollup(options.node, results),
    findings,
    queries: { ...counter, total },
    seconds: round2((performance.now() - t0) / 1000) ?? 0,
  };
  const calendarWarning = calendar.warning();
  if (calendarWarning) report.calendarWarning = calendarWarning;
  if (useHistory && !wh.readOnly) await writeHistory(wh, report, started, options.reportFile ?? null);
  return report;
}
