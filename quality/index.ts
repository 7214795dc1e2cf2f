// The quality engine: rules (one module per check under checks/, by dimension), defaults from the catalog and
// key, the one-scan compiler, scoring, history and anomalies.
export {
  QUALITY_DIMENSION_LABELS,
  QUALITY_DIMENSIONS,
  QUALITY_SEVERITY_LABELS,
  QualityDimension,
  type QualityReport,
  QualitySeverity,
} from '../schemas/index.ts';
export { type AnomalyOptions, type AnomalyVerdict, detectAnomaly, type Observation } from './anomaly.ts';
export { newQualityRunId, type QualityOptions, rulesFor, runQuality } from './assess.ts';
export { matchesSource } from './checks/accuracy/matches-source.ts';
export type { CheckDescription } from './checks/check.ts';
export { keyComplete } from './checks/completeness/key-complete.ts';
export { notNull } from './checks/completeness/not-null.ts';
export { recordCount } from './checks/completeness/record-count.ts';
export { agreesWithKey } from './checks/consistency/agrees-with-key.ts';
export { COMPARE_AS } from './checks/consistency/cross-field.ts';
export { keyUnique } from './checks/consistency/key-unique.ts';
export { references } from './checks/consistency/references.ts';
export { sameAs } from './checks/consistency/same-as.ts';
export { unique } from './checks/consistency/unique.ts';
export {
  type CheckName,
  type CheckSummary,
  QUALITY_CHECKS,
  type Rule,
  ruleSchema,
} from './checks/registry.ts';
export { datasetFreshness } from './checks/timeliness/dataset-freshness.ts';
export { freshness } from './checks/timeliness/freshness.ts';
export { lag } from './checks/timeliness/lag.ts';
export { periods } from './checks/timeliness/periods.ts';
export { between } from './checks/validity/between.ts';
export { validCitizenId } from './checks/validity/citizen-id.ts';
export { CODE_TABLE_NAMES, type CodeTableName, inCodeTable } from './checks/validity/code-table.ts';
export { inSet } from './checks/validity/in-set.ts';
export { keyValid } from './checks/validity/key-valid.ts';
export { length } from './checks/validity/length.ts';
export { matches } from './checks/validity/matches.ts';
export { dateParses, PARSE_TYPES, parses } from './checks/validity/parses.ts';
export { sqlPredicate } from './checks/validity/sql-predicate.ts';
export { validUscc } from './checks/validity/uscc.ts';
export { defaultRules, keyRules } from './defaults.ts';
export {
  type DatasetQuality,
  type DatasetQualitySpec,
  datasetQualitySchema,
  datasetQualitySpecSchema,
  defineQuality,
  RULE_WEIGHTING,
} from './define.ts';
export { QualityError, RuleError } from './errors.ts';
export { reportFilePath, writeReportFile } from './report-file.ts';
export {
  type CheckRule,
  makeRule,
  type RuleBase,
  type RuleOptions,
  RuleOptions as ruleOptionsSchema,
} from './rule.ts';
export { SCORE_FORMULA, scoreDataset } from './score.ts';
export { isWorkingDay, WORKING_DAY_COVERAGE, workingDayCutoff, workingDaysBetween } from './working-days.ts';
