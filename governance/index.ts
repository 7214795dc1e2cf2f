// The governance layer (GOVERNANCE.md A, D, E, F, G): the catalog lifecycle, sharing requests and grants, output
// policies (masking, pseudonymisation, grade gates) on share exports and backflow, the open-data catalog and its
// versioned exports, objections and corrections, the usage log with its retention, and encrypted local and off-site backups verified by restoring. It sits above jobs/ and platform/
// and below reports/ and project/; its system tables live in the DuckDB schema `gongshu`, created by their owner
// modules in warehouse/system/ (sharing.ts, usage.ts, catalog-lifecycle.ts) and read and written by its stores.

export {
  type ArchiveResult,
  archiveAudit,
  type FullVerification,
  retentionCutoff,
  verifyAuditAndArchives,
} from './audit-retention/archive.ts';
export { type ReadSegment, readSegments, type SegmentManifest } from './audit-retention/segments.ts';
export { ARCHIVE_MAGIC, ArchiveWriter, DEFAULT_CHUNK_BYTES, readArchive } from './backups/archive.ts';
export { aead, BACKUP_CIPHERS, type BackupCipher } from './backups/cipher.ts';
export {
  type BackupConfig,
  type BackupDestination,
  type BackupProject,
  type BackupSettings,
  type BackupSpec,
  backupSchema,
  backupSettings,
  DEFAULT_MAX_AGE_HOURS,
  type MasterKeySource,
  pickDestinations,
} from './backups/config.ts';
export {
  type BackupLog,
  type BackupProgress,
  type BackupRunOptions,
  type CreateBackupOptions,
  type CreateBackupResult,
  createBackup,
} from './backups/create.ts';
export {
  BackupDestinationError,
  BackupError,
  BackupIntegrityError,
  BackupKeyError,
} from './backups/errors.ts';
export { appendJournal, type JournalEvent, journalPath, readJournal } from './backups/journal.ts';
export { type ListedBackup, listBackups } from './backups/list.ts';
export {
  BACKUP_FILES,
  BACKUP_ID,
  MANIFEST_FORMAT,
  type Manifest,
  manifestSchema,
  parseManifest,
} from './backups/manifest.ts';
export {
  generateMasterKey,
  type KeyRing,
  keyRing,
  loadMasterKey,
  type MasterKey,
} from './backups/master-keys.ts';
export { type ParentLink, ParentStore } from './backups/parent-client.ts';
export { parentLinkOf } from './backups/parent-link.ts';
export { type BackupStoreOptions, backupStoreRoutes } from './backups/parent-store.ts';
export { PathStore } from './backups/path-store.ts';
export { type PruneResult, pruneBackups } from './backups/prune.ts';
export { type RestoreOptions, type RestoreResult, restoreBackup, restoreTarget } from './backups/restore.ts';
export { applyRetention, type RetentionPolicy } from './backups/retention.ts';
export { scheduledBackup } from './backups/scheduled.ts';
export { type TableCount, tableCounts } from './backups/snapshot.ts';
export { backupStatus, type DestinationStatus } from './backups/status.ts';
export { checkRestored, openDataKey, type RestoredCheck, unpackArchive } from './backups/unpack.ts';
export { type VerifyDestinationResult, type VerifyResult, verifyBackup } from './backups/verify.ts';
export {
  CATALOG_EXPORT_COLUMNS,
  CATALOG_EXPORT_FORMATS,
  type CatalogExportFormat,
  type CatalogExportRow,
  catalogExportRow,
  renderCatalogExport,
} from './catalog-lifecycle/export.ts';
export {
  approveCatalogVersion,
  type CatalogDiff,
  changedPaths,
  codeEntry,
  diffCatalog,
  entryHash,
  publishCatalogVersion,
  registerCatalogTrigger,
  reviewCatalogEntry,
  submitCatalogVersion,
  type TriggerInput,
} from './catalog-lifecycle/lifecycle.ts';
export {
  type CatalogProblem,
  type CatalogProblemKind,
  catalogProblems,
} from './catalog-lifecycle/problems.ts';
export {
  type CatalogReview,
  type CatalogReviewOutcome,
  listCatalogReviews,
} from './catalog-lifecycle/reviews.ts';
export { type CatalogTrigger, listCatalogTriggers } from './catalog-lifecycle/triggers.ts';
export {
  type CatalogTriggerKind,
  type CatalogVersion,
  type CatalogVersionStatus,
  listCatalogVersions,
  publishedCatalogVersion,
} from './catalog-lifecycle/versions.ts';
export { endOfShanghaiDay, parseAt, parseDate, shanghaiDate, shanghaiTime } from './clock.ts';
export {
  type AuditConfig,
  type AuditSpec,
  auditConfigSchema,
  DEFAULT_EMERGENCY_KINDS,
  type GovernanceConfig,
  governanceConfig,
  type SharingConfig,
  type SharingSpec,
  sharingSchema,
} from './config.ts';
export {
  type Actor,
  auditEvent,
  type CodeCatalogEntry,
  codeCatalog,
  type GovernanceContext,
  uncataloguedDatasets,
} from './context.ts';
export { DASHBOARD_REQUESTS, type SharingSummary, sharingSummary, type UsageRollup } from './dashboard.ts';
export { addWorkingDays, type Deadline, hoursDeadline, workingDayDeadline } from './deadlines.ts';
export { GovernanceConfigError, GovernanceError, type GovernanceErrorKind } from './errors.ts';
export {
  cachedEvaluation,
  evaluationFingerprint,
  evaluationToSend,
  markEvaluationSent,
  summaryHash,
} from './evaluation/cache.ts';
export {
  type Article44Failures,
  type ChildEvaluation,
  type DepartmentEvaluation,
  EVALUATION_SUMMARY,
  type EvaluateOptions,
  type Evaluation,
  type EvaluationProject,
  evaluateYear,
  evaluationSummary,
  isEvaluation,
  sumFailures,
} from './evaluation/evaluate.ts';
export { nodeBackupStatus } from './evaluation/node-backups.ts';
export {
  type DatasetObjections,
  OBJECTION_COLUMNS,
  type ObjectionCounter,
  probeObjectionCounts,
} from './evaluation/objection-counts.ts';
export { ANSWER_HEADERS, signAnswer, toRejection, verifyAnswer } from './http.ts';
export { objectionRoutes, type RemoteObjection, remoteObjectionSchema } from './objections/http-routes.ts';
export {
  CONFIRMED_ERROR_OUTCOMES,
  maskedKey,
  OBJECTION_CHANNELS,
  OBJECTION_OUTCOMES,
  OBJECTION_TYPES,
  type Objection,
  type ObjectionOutcome,
  type ObjectionStatus,
  redactIds,
  SUSPENDING_OUTCOMES,
} from './objections/objection-store.ts';
export {
  listObjectionViews,
  OBJECTION_DUE_DAYS,
  type ObjectionView,
  objectionView,
  type RaiseObjectionInput,
  raiseObjection,
  resolveObjection,
} from './objections/workflow.ts';
export {
  elementOf,
  type OneSourceProject,
  type OneSourceReport,
  oneSourceReport,
  oneSourceWarnings,
  type RepeatedCollection,
  type UnknownElement,
} from './one-source/duplicates.ts';
export { OPEN_API_PAGES, OPEN_API_PREFIX, openDataRoutes } from './open-data/http-routes.ts';
export {
  type OfflineInput,
  type OfflineNotice,
  type OfflineResult,
  takeOffline,
} from './open-data/offline.ts';
export { type OpenResource, type OpenResourceState, openCatalog } from './open-data/open-catalog.ts';
export {
  exportOpen,
  LATEST,
  OPEN_FORMATS,
  OPEN_TERMS,
  type OpenExportedResource,
  type OpenExportResult,
  type OpenFormat,
  type ResourceNotice,
  resourceFolder,
} from './open-data/open-export.ts';
export {
  listResourceVersions,
  type ResourceConsumer,
  type ResourceFile,
  type ResourceVersion,
  type ResourceVersionStatus,
} from './open-data/resource-versions.ts';
export { DASHBOARD_OBJECTIONS, type OpenDataSummary, openDataSummary } from './open-data/summary.ts';
export { columnExpression, materializeOutput, PSEUDONYM_TOKEN_LENGTH } from './outputs/apply-policy.ts';
export { backflowAuthorizer, SERVICE_OPERATOR } from './outputs/backflow-grants.ts';
export { generalizeSql } from './outputs/generalize.ts';
export {
  audienceOfGrant,
  type ColumnPolicy,
  fieldAction,
  type OutputPolicy,
  outputPolicy,
} from './outputs/policy.ts';
export { type PseudonymKey, pseudonymKey, pseudonymKeyPath } from './outputs/pseudonym-keys.ts';
export {
  exportShare,
  SHARE_FORMATS,
  type ShareExportResult,
  type ShareFormat,
} from './outputs/share-export.ts';
export { type GrantQuery, grantFor } from './requests/grant-for.ts';
export { type Grant, getGrant, listGrants } from './requests/grant-store.ts';
export { type RemoteRequest, remoteRequestSchema, requestRoutes } from './requests/http-routes.ts';
export { requestFromParent, submitToParent } from './requests/remote.ts';
export {
  getShareRequest,
  listShareRequests,
  type RequestStatus,
  type ShareRequest,
  WAITING_STATUSES,
} from './requests/request-store.ts';
export {
  decideRequest,
  type GrantTerms,
  listRequests,
  markFulfilled,
  publishedEntryOf,
  type RequestView,
  requestView,
  reviewRequest,
  type SubmitRequestInput,
  type SubmitRequestResult,
  showRequest,
  submitRequest,
  type TransitionResult,
  withdrawRequest,
} from './requests/workflow.ts';
export { DESTROYABLE_SCHEMAS, type DestroyResult, destroyDataset } from './usage/destroy.ts';
export { drainUsageSpool, spoolUsage, usageSpoolPath } from './usage/spool.ts';
export {
  listUsage,
  recordUsage,
  recordUsageEffect,
  type UsageInput,
  type UsageProblem,
  type UsageView,
  usageHash,
  verifyUsage,
} from './usage/usage-log.ts';
export { listUsageEntries, type UsageEntry, type UsageKind } from './usage/usage-store.ts';
