/**
 * The quality report: what `gongshu quality --json` prints as its last line, what each run writes to
 * `<project>/.gongshu/reports/quality-<runId>.json`, and what the dashboard renders. Its JSON Schema is
 * generated from this file into `schemas/quality-report.schema.json` (`npm run gen:quality-schema`).
 */
import { z } from 'zod';
import type { Labels } from './labels.ts';

/** Version of the report shape; bumped on breaking changes. */
export const QUALITY_REPORT_SCHEMA_VERSION = 1;

/** The five quality dimensions of article 15 (GB/T 36344-2018 names where they exist). */
export const QualityDimension = z
  .enum(['completeness', 'validity', 'timeliness', 'consistency', 'accuracy'])
  .meta({
    description:
      '完整性 completeness, 有效性 validity, 及时性 timeliness, 一致性 consistency, 准确性 accuracy',
  });
/** A quality dimension. */
export type QualityDimension = z.output<typeof QualityDimension>;
/** The dimensions in report order. */
export const QUALITY_DIMENSIONS: readonly QualityDimension[] = QualityDimension.options;
/** Chinese and English labels of the dimensions. */
export const QUALITY_DIMENSION_LABELS: Labels<QualityDimension> = Object.freeze({
  completeness: { zh: '完整性', en: 'completeness' },
  validity: { zh: '有效性', en: 'validity' },
  timeliness: { zh: '及时性', en: 'timeliness' },
  consistency: { zh: '一致性', en: 'consistency' },
  accuracy: { zh: '准确性', en: 'accuracy' },
});

/** How much a failing rule matters: it decides pass/fail of a run (`--fail-on`), never the score. */
export const QualitySeverity = z.enum(['error', 'warn', 'info']).meta({
  description: 'error 错误, warn 警告, info 提示; affects pass/fail of the run, not the arithmetic',
});
/** A rule severity. */
export type QualitySeverity = z.output<typeof QualitySeverity>;
/** Chinese and English labels of the severities. */
export const QUALITY_SEVERITY_LABELS: Labels<QualitySeverity> = Object.freeze({
  error: { zh: '错误', en: 'error' },
  warn: { zh: '警告', en: 'warning' },
  info: { zh: '提示', en: 'info' },
});

/** The outcome of one rule. */
export const RuleStatus = z.enum(['pass', 'fail', 'error', 'not-applicable']).meta({
  description:
    'pass: passRate ≥ mostly; fail: below; error: the rule could not be computed (see error); not-applicable: total = 0',
});
/** A rule outcome. */
export type RuleStatus = z.output<typeof RuleStatus>;

/** One failing row of a row-level rule, masked by the catalog's masking unless masking was disabled. */
export const QualitySample = z.object({
  key: z.string().nullable().meta({ description: 'the row key (masked), null for unkeyed datasets' }),
  source: z.string().nullable().meta({ description: 'where the row came from (`_source`, e.g. file:line)' }),
  value: z.string().nullable().meta({ description: 'the observed value of the rule column (masked)' }),
});
/** A failed-row sample. */
export type QualitySample = z.output<typeof QualitySample>;

/** The result of one rule. */
export const QualityRuleResult = z.object({
  id: z.string().meta({ description: 'rule id, unique within the dataset, e.g. "not-null:name"' }),
  check: z.string().meta({ description: 'the check kind, e.g. not-null, code-table, agrees-with-key' }),
  dimension: QualityDimension,
  severity: QualitySeverity,
  origin: z
    .enum(['builtin', 'default', 'declared'])
    .meta({ description: 'builtin key rule, default derived from the catalog, or declared in code' }),
  column: z.string().nullable().meta({ description: 'the column checked, if one' }),
  description: z.string().meta({ description: 'what the rule checks, written by its factory' }),
  scope: z.string().nullable().meta({ description: 'the SQL scope applied (where, partition, latest load)' }),
  mostly: z.number().meta({ description: 'threshold: the rule passes when passRate ≥ mostly' }),
  weight: z.number().meta({ description: 'weight of the rule inside its dimension (default 1)' }),
  status: RuleStatus,
  total: z.number().int().meta({ description: 'elements evaluated (B of GB/T 36344 A/B)' }),
  failed: z.number().int().meta({ description: 'elements failing the rule' }),
  passRate: z.number().nullable().meta({ description: '(total − failed) / total; null when total = 0' }),
  observed: z.string().nullable().meta({ description: 'the observed value for aggregate rules, in words' }),
  error: z.string().nullable().meta({ description: 'why the rule could not be computed' }),
  samples: z.array(QualitySample),
  sql: z
    .string()
    .nullable()
    .meta({ description: 'a query reproducing the failing rows (capped with LIMIT)' }),
  trend: z
    .array(z.object({ runId: z.string(), at: z.string(), passRate: z.number().nullable() }))
    .meta({ description: 'the pass rate of the same rule in earlier runs, oldest first (at most 10)' }),
});
/** A rule result. */
export type QualityRuleResult = z.output<typeof QualityRuleResult>;

/** A dimension's score and the inputs it was computed from. */
export const QualityDimensionResult = z.object({
  score: z
    .number()
    .nullable()
    .meta({ description: '0–100; null when all its rules are error or not applicable' }),
  rules: z.array(z.string()).meta({ description: 'ids of the rules of this dimension' }),
  weightedPassed: z.number().meta({ description: 'Σ w·(total − failed) (rows) or Σ w·passRate (equal)' }),
  weightedTotal: z.number().meta({ description: 'Σ w·total (rows) or Σ w (equal)' }),
  weight: z.number().meta({ description: 'weight of the dimension in the dataset score' }),
});
/** A dimension result. */
export type QualityDimensionResult = z.output<typeof QualityDimensionResult>;

/** Counts of the queries a run issued. */
export const QueryCounts = z.object({
  scans: z
    .number()
    .int()
    .meta({ description: 'aggregate scans of dataset tables (1 per dataset when none fails)' }),
  joins: z.number().int().meta({ description: 'cross-table queries (references, same-as, matches-source)' }),
  aggregates: z
    .number()
    .int()
    .meta({ description: 'other single-table aggregate queries (periods, record counts)' }),
  fallback: z.number().int().meta({ description: 'rule-by-rule queries after a combined scan failed' }),
  samples: z.number().int().meta({ description: 'queries fetching samples not collected by the scan' }),
  metadata: z.number().int().meta({ description: 'reads of system tables (loads, quarantine, columns)' }),
  total: z.number().int(),
});
/** Query counts. */
export type QueryCounts = z.output<typeof QueryCounts>;

/** A finding beyond the rules: an anomaly of a metric against its own history. */
export const QualityFinding = z.object({
  level: z.enum(['warn', 'info']),
  kind: z.enum(['anomaly', 'fallback']),
  dataset: z.string(),
  metric: z.string().meta({ description: '"rows" or "passRate:<rule id>"' }),
  value: z.number().nullable(),
  expected: z.number().nullable().meta({ description: 'the seasonally adjusted mean of the history' }),
  sd: z.number().nullable(),
  z: z.number().nullable(),
  history: z.number().int().meta({ description: 'earlier runs the verdict is based on' }),
  message: z.string(),
});
/** A finding. */
export type QualityFinding = z.output<typeof QualityFinding>;

/** The result of one dataset. */
export const QualityDatasetResult = z.object({
  dataset: z.string(),
  title: z.string().nullable(),
  table: z.string(),
  department: z
    .object({ name: z.string(), code: z.string() })
    .nullable()
    .meta({ description: 'the catalog provider, for the department roll-up' }),
  key: z.object({ kind: z.string(), column: z.string() }).nullable(),
  rows: z.number().int().meta({ description: 'rows of the table in scope of the run' }),
  loads: z.array(z.string()).meta({ description: 'the loads whose rows (and quarantine) were assessed' }),
  quarantine: z.object({
    total: z.number().int(),
    byReason: z.record(z.string(), z.object({ count: z.number().int(), locations: z.array(z.string()) })),
  }),
  score: z.number().nullable().meta({ description: 'weighted mean of the dimension scores; null when none' }),
  status: z.enum(['pass', 'fail']).meta({ description: 'fail when any error-severity rule failed' }),
  dimensions: z
    .partialRecord(QualityDimension, QualityDimensionResult)
    .meta({ description: 'only the dimensions that have rules; an absent dimension was not assessed' }),
  rules: z.array(QualityRuleResult),
  queries: QueryCounts,
  seconds: z.number(),
});
/** A dataset result. */
export type QualityDatasetResult = z.output<typeof QualityDatasetResult>;

/** A roll-up (department or node) of dataset scores. */
export const QualityRollup = z.object({
  name: z.string(),
  code: z.string(),
  datasets: z.array(z.string()),
  rows: z.number().int(),
  score: z.number().nullable(),
  dimensions: z.partialRecord(QualityDimension, z.number().nullable()),
});
/** A roll-up. */
export type QualityRollup = z.output<typeof QualityRollup>;

/** The whole report. */
export const QualityReport = z.object({
  schemaVersion: z.literal(QUALITY_REPORT_SCHEMA_VERSION),
  runId: z.string(),
  generatedAt: z.string().meta({ description: 'ISO time the run finished' }),
  asOf: z
    .string()
    .meta({ description: 'the reference date of timeliness rules (YYYY-MM-DD, Asia/Shanghai)' }),
  status: z.enum(['pass', 'fail']).meta({ description: 'fail when a rule at or above --fail-on failed' }),
  failOn: z.enum(['error', 'warn']).nullable(),
  masked: z.boolean().meta({ description: 'whether samples were masked (default true)' }),
  labels: z.object({
    dimensions: z.record(QualityDimension, z.object({ zh: z.string(), en: z.string() })),
    severities: z.record(QualitySeverity, z.object({ zh: z.string(), en: z.string() })),
  }),
  formula: z.object({
    rule: z.string(),
    dimension: z.string(),
    dataset: z.string(),
    rollup: z.string(),
    ruleWeighting: z.enum(['rows', 'equal']),
    dimensionWeights: z.record(QualityDimension, z.number()),
  }),
  datasets: z.array(QualityDatasetResult),
  departments: z.array(QualityRollup),
  node: QualityRollup.nullable(),
  findings: z.array(QualityFinding),
  queries: QueryCounts,
  seconds: z.number(),
});
/** A quality report. */
export type QualityReport = z.output<typeof QualityReport>;

/** The JSON Schema of the report (draft 2020-12), as shipped in `schemas/quality-report.schema.json`. */
export function qualityReportJsonSchema(): Record<string, unknown> {
  return z.toJSONSchema(QualityReport, { target: 'draft-2020-12' }) as Record<string, unknown>;
}
