// The quality engine: rules (check factories), defaults from the catalog and key, the one-scan compiler,
// scoring, history and anomalies.
export {
  QUALITY_DIMENSION_LABELS,
  QUALITY_DIMENSIONS,
  QUALITY_SEVERITY_LABELS,
  QualityDimension,
  type QualityReport,
  QualitySeverity,
} from '../schemas/index.ts';
export { matchesSource } from './accuracy.ts';
export { type AnomalyOptions, type AnomalyVerdict, detectAnomaly, type Observation } from './anomaly.ts';
export { newQualityRunId, type QualityOptions, rulesFor, runQuality } from './assess.ts';
export {
  type CalendarFileSpec,
  type CalendarUsage,
  type CalendarYear,
  calendarCoverage,
  calendarFileSchema,
  calendarUsage,
  calendarWarning,
  calendarYears,
  readCalendarFile,
  useCalendarFiles,
} from './calendar.ts';
export { keyComplete, notNull, recordCount } from './completeness.ts';
export { agreesWithKey, COMPARE_AS, keyUnique, references, sameAs, unique } from './consistency.ts';
export { defaultRules, KEY_RULES_MOSTLY, type KeyRuleOptions, keyRules } from './defaults.ts';
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
  makeRule,
  type Rule,
  type RuleOptions,
  RuleOptions as ruleOptionsSchema,
  ruleSchema,
} from './rule.ts';
export { SCORE_FORMULA, scoreDataset } from './score.ts';
export { datasetFreshness, freshness, lag, periods } from './timeliness.ts';
export {
  between,
  CODE_TABLE_NAMES,
  type CodeTableName,
  dateParses,
  inCodeTable,
  inSet,
  keyValid,
  length,
  matches,
  PARSE_TYPES,
  parses,
  sqlPredicate,
  validCitizenId,
  validUscc,
} from './validity.ts';
export { isWorkingDay, WORKING_DAY_COVERAGE, workingDayCutoff, workingDaysBetween } from './working-days.ts';
