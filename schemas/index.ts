// The vocabulary of gongshu: identifiers, code tables, masking, the catalog entry, errors.

export { callerFile } from './caller-file.ts';
export { defineCatalogEntry, definedCatalogEntry } from './catalog/define-entry.ts';
export {
  CatalogEntry,
  type CatalogEntryInput,
  type CatalogFieldOutput,
  type DeepReadonly,
} from './catalog/entry.ts';
export { CatalogField, Classification, Provider } from './catalog/entry-schema.ts';
export {
  GENERAL_SUB_LEVEL_LABELS,
  GeneralSubLevel,
  PERSONAL_INFO_LABELS,
  PersonalInfoClass,
  SECURITY_GRADE_LABELS,
  SecurityGrade,
} from './catalog/grading.ts';
export { Jurisdiction, ReportScope } from './catalog/hierarchy.ts';
export { inferMasking } from './catalog/infer-masking.ts';
export {
  type Generalization,
  generalizationOf,
  OutputAction,
  OutputAudience,
} from './catalog/outputs.ts';
export { CatalogRow, catalogToRows } from './catalog/rows.ts';
export {
  OPEN_TYPE_LABELS,
  OpenType,
  SHARE_MODE_LABELS,
  SHARE_TYPE_LABELS,
  ShareMode,
  ShareType,
} from './catalog/sharing.ts';
export {
  CATALOG_KIND_LABELS,
  CatalogKind,
  FIELD_TYPE_LABELS,
  FieldMasking,
  FieldType,
  RESOURCE_FORMAT_LABELS,
  ResourceFormat,
  UPDATE_CYCLE_LABELS,
  UPDATE_CYCLE_MAX_AGE_DAYS,
  UpdateCycle,
} from './catalog/vocabulary.ts';
export {
  CITIZEN_ID_CHECK_CHARS,
  CITIZEN_ID_WEIGHTS,
  citizenIdCheckChar,
  ORG_CODE_WEIGHTS,
  orgCodeCheckChar,
  USCC_CHARSET,
  USCC_WEIGHTS,
  usccCheckChar,
} from './checksums.ts';
export {
  type CitizenIdReason,
  type CitizenIdResult,
  type CitizenIdWarning,
  citizenIdSchema,
  normalizeCitizenId,
  parseCitizenId,
} from './citizen-id.ts';
export type { CodeLabel, Lang } from './code-tables/code-label.ts';
export {
  ETHNICITY_TABLE,
  type Ethnicity,
  EthnicityCode,
  ethnicityByCode,
  ethnicityByName,
  normalizeEthnicity,
} from './code-tables/ethnicity.ts';
export { MARITAL_TABLE, MaritalCode, maritalLabel } from './code-tables/marital.ts';
export { CODE_TABLES, CodeTableRow } from './code-tables/rows.ts';
export { normalizeSex, SEX_TABLE, SexCode, sexLabel } from './code-tables/sex.ts';
export {
  type DefinitionIssuesContext,
  type DefinitionProblem,
  formatDefinitionIssues,
} from './definition-errors/all-issues.ts';
export { definitionErrorFromZod, type FixHints, parseDefinition } from './definition-errors/first-issue.ts';
export { definitionMessage, problemMessage } from './definition-errors/message.ts';
export { optionsDefinitionError } from './definition-errors/options-issue.ts';
export type { SuggestionVocabulary } from './definition-errors/suggest.ts';
export {
  allDivisions,
  type Division,
  type DivisionLoadResult,
  divisionExistedIn,
  divisionLevel,
  getDivision,
  isKnownDivision,
  loadDivisionTable,
} from './divisions.ts';
export { DefinitionError, GongshuError, isGongshuError } from './errors.ts';
export { deepFreeze } from './freeze.ts';
export { cleanIdentifierText, DIVISION_CODES_TABLE, IDENTIFIER_MACROS } from './identifier-macros.ts';
export { idStamp, newId } from './ids.ts';
export type { Labels } from './labels.ts';
export {
  MASK_CHAR,
  MASK_KIND_LABELS,
  MaskKind,
  mask,
  maskAddress,
  maskBankCard,
  maskCitizenId,
  maskEmail,
  maskFull,
  maskIdentifiersIn,
  maskIdentifiersSql,
  maskLandline,
  maskMobile,
  maskName,
  maskSqlExpression,
  maskUscc,
  NAME_SEPARATORS,
} from './masking.ts';
export { divisionPrefix, levelOfCode, NODE_LEVELS, type NodeLevel } from './node-levels.ts';
export { processRunning } from './process.ts';
export {
  PSEUDONYM_MAX_LENGTH,
  PSEUDONYM_MIN_KEY_BYTES,
  PSEUDONYM_MIN_LENGTH,
  type PseudonymizeOptions,
  pseudonymize,
  pseudonymizer,
} from './pseudonymize.ts';
export {
  QUALITY_DIMENSION_LABELS,
  QUALITY_DIMENSIONS,
  QUALITY_REPORT_SCHEMA_VERSION,
  QUALITY_SEVERITY_LABELS,
  type QualityDatasetResult,
  QualityDimension,
  type QualityDimensionResult,
  type QualityFinding,
  QualityReport,
  type QualityRollup,
  type QualityRuleResult,
  type QualitySample,
  QualitySeverity,
  type RuleStatus,
} from './quality-report.ts';
export {
  RESERVED_PREFIXES,
  RESERVED_SCHEMAS,
  reservedNameProblem,
  unreservedName,
} from './reserved-names.ts';
export {
  identList,
  inList,
  locationOrder,
  quoteIdent,
  quoteLiteral,
  type Sql,
  sql,
  trustedSql,
} from './sql.ts';
export {
  normalizeUscc,
  parseUscc,
  USCC_AUTHORITIES,
  USCC_NATIONAL_DIVISION,
  type UsccReason,
  type UsccResult,
  type UsccWarning,
  usccSchema,
} from './uscc.ts';
export { parseDepartmentDate, VALUE_MACROS } from './value-macros.ts';
export { startWorker } from './worker.ts';
