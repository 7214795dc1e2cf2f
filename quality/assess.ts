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
  type QualityRuleResult,
  type QualitySeverity,
  quoteIdent,
  type RuleStatus,
} from '../schemas/index.ts';
import type { Warehouse } from '../warehouse/index.ts';
import type { AnomalyOptions } from './anomaly.ts';
import { calendarUsage } from './calendar.ts';
import { evaluateDataset } from './compiler.ts';
import { currentLoads, newCounter, type QueryCounter, readFacts } from './context.ts';
import { defaultRules, keyRules } from './defaults.ts';
import type { DatasetQuality } from './define.ts';
import { QualityError } from './errors.ts';
import { anomalyFindings, historyKey, readHistory, writeHistory } from './metric-history.ts';
import type { CompileContext } from './plan.ts';
import type { Rule } from './rule.ts';
import { rollup, round2, SCORE_FORMULA, scoreDataset } from './score.ts';
import { shanghaiDate } from './timeliness.ts';

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
  /** Read and write `gongshu_metrics` (trends, anomalies); defaults to true unless the warehouse is read-only. */
  readonly history?: boolean;
  /** The report file this run will be written to, recorded in `gongshu_quality_runs`. */
  readonly reportFile?: string;
  /** The node for the node roll-up. */
  readonly node?: { readonly id: string; readonly name: string };
  readonly anomaly?: AnomalyOptions;
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

/** The columns of this dataset a declared rule reads (its column, and `columns` of uniqueness rules). */
function ruleColumns(rule: Rule): string[] {
  const cols = rule.args.columns;
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

/** Runs the quality rules of the selected datasets and returns the report. */
export async function runQuality(wh: Warehouse, options: QualityOptions = {}): Promise<QualityReport> {
  const started = options.now ?? new Date();
  const t0 = performance.now();
  const runId = newQualityRunId(started);
  const asOf = options.asOf ?? shanghaiDate(started);
  const masked = options.mask ?? true;
  const samples = options.samples ?? 5;
  const useHistory = options.history ?? !wh.readOnly;
  const counter = newCounter();
  const calendar = calendarUsage();
  const facts = await readFacts(wh, counter, options.datasets);
  const names = options.datasets ?? [...facts.datasets.keys()];
  const unknown = names.filter((n) => !facts.datasets.has(n));
  if (unknown.length) {
    throw new QualityError(
      `quality: dataset ${unknown.map((u) => `"${u}"`).join(', ')} is not in the warehouse ${wh.path} ` +
        `(known: ${[...facts.datasets.keys()].join(', ') || 'none'}). Fix: run its pipeline first (gongshu run), or name a loaded dataset`,
      { unknown },
    );
  }
  const defs = new Map((options.definitions ?? []).map((d) => [d.dataset, d]));
  // A definition for a dataset not loaded yet is not an error: it is assessed once the dataset is loaded.
  const history = useHistory ? await readHistory(wh, names) : new Map();
  if (useHistory) counter.metadata++;

  const results: QualityDatasetResult[] = [];
  const findings: QualityFinding[] = [];
  for (const name of names) {
    const d0 = performance.now();
    const info = facts.datasets.get(name)!;
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
      tableSql: quoteIdent(info.table),
      columns,
      asOf,
      loads,
      quarantine,
      datasets: facts.datasets,
      codeTables: facts.codeTables,
    };
    const def = defs.get(name);
    const rules = rulesFor(info, def);
    checkDeclaredColumns(def, info.table, columns);
    const before = { ...counter };
    const evaluation = await evaluateDataset(wh, ctx, rules, counter, { masked, samples });
    if (evaluation.fallback) {
      findings.push({
        level: 'warn',
        kind: 'fallback',
        dataset: name,
        metric: 'scan',
        value: null,
        expected: null,
        sd: null,
        z: null,
        history: 0,
        message: `${name}: the combined scan failed (${evaluation.fallback.error}); rules were run one by one`,
      });
    }
    const ruleResults: QualityRuleResult[] = evaluation.results.map((e) => {
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
      const trend = (history.get(historyKey(name, 'rule', e.rule.id)) ?? [])
        .slice(-10)
        .map((h: { runId: string; at: string; value: number }) => ({
          runId: h.runId,
          at: h.at,
          passRate: h.value,
        }));
      return {
        id: e.rule.id,
        check: e.rule.check,
        dimension: e.rule.dimension,
        severity: e.rule.severity,
        origin: e.rule.origin,
        column: e.rule.column,
        description: e.rule.description,
        scope: e.scope,
        mostly: e.rule.mostly,
        weight: e.rule.weight,
        status,
        total,
        failed,
        passRate,
        observed: o?.observed ?? null,
        error: e.error,
        samples: [...(o?.samples ?? [])],
        sql: e.sql,
        trend,
      };
    });
    const weights = def?.weights ?? { dimensions: {}, rules: 'rows' as const };
    const scored = scoreDataset(ruleResults, weights);
    const dq: QueryCounter = {
      scans: counter.scans - before.scans,
      joins: counter.joins - before.joins,
      aggregates: counter.aggregates - before.aggregates,
      fallback: counter.fallback - before.fallback,
      samples: counter.samples - before.samples,
      metadata: 0,
    };
    const provider = info.catalog?.provider;
    results.push({
      dataset: name,
      title: info.catalog?.name ?? null,
      table: info.table,
      department: provider ? { name: provider.name, code: provider.code } : null,
      key: info.keyKind && info.keyColumn ? { kind: info.keyKind, column: info.keyColumn } : null,
      rows: evaluation.rows,
      loads: loads.map((l) => l.loadId),
      quarantine: { total: [...quarantine.values()].reduce((s, x) => s + x, 0), byReason },
      score: scored.score,
      status: ruleResults.some((r) => r.severity === 'error' && (r.status === 'fail' || r.status === 'error'))
        ? 'fail'
        : 'pass',
      dimensions: scored.dimensions,
      rules: ruleResults,
      queries: { ...dq, total: dq.scans + dq.joins + dq.aggregates + dq.fallback + dq.samples },
      seconds: (performance.now() - d0) / 1000,
    });
  }

  const partial = { asOf, datasets: results };
  if (useHistory) findings.push(...anomalyFindings(partial, history, options.anomaly ?? {}));

  const failOn = options.failOn ?? null;
  const threshold = RANK[failOn ?? 'error'];
  const failing =
    results.some((d) =>
      d.rules.some((r) => RANK[r.severity] >= threshold && (r.status === 'fail' || r.status === 'error')),
    ) ||
    (threshold <= RANK.warn && findings.some((f) => f.level === 'warn'));

  const departments = new Map<string, QualityDatasetResult[]>();
  for (const d of results) {
    const k = d.department ? `${d.department.code}\u0000${d.department.name}` : '\u0000(no department)';
    departments.set(k, [...(departments.get(k) ?? []), d]);
  }
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
    status: failing ? 'fail' : 'pass',
    failOn,
    masked,
    labels: { dimensions: { ...QUALITY_DIMENSION_LABELS }, severities: { ...QUALITY_SEVERITY_LABELS } },
    formula: {
      ...SCORE_FORMULA,
      ruleWeighting: 'rows',
      dimensionWeights: { ...dimensionWeights },
    },
    datasets: results,
    departments: [...departments].map(([k, ds]) => {
      const [code, dname] = k.split('\u0000') as [string, string];
      return rollup(dname, code, ds);
    }),
    node: results.length ? rollup(options.node?.name ?? 'node', options.node?.id ?? '', results) : null,
    findings,
    queries: { ...counter, total },
    seconds: round2((performance.now() - t0) / 1000) ?? 0,
  };
  const calendarWarning = calendar.warning();
  if (calendarWarning) report.calendarWarning = calendarWarning;
  if (useHistory && !wh.readOnly) await writeHistory(wh, report, started, options.reportFile ?? null);
  return report;
}
