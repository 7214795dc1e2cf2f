export type { ArrowStream } from './arrow-stream.ts';
export {
  type LockHolder,
  WarehouseDiskFullError,
  WarehouseError,
  WarehouseLockedError,
  WarehouseQueryError,
} from './errors.ts';
export { acquireLock, breakLock, lockHolder, type WarehouseLock } from './lock.ts';
export { withinMemoryLimit } from './memory-limit.ts';
export { AUDIT_TABLE } from './system/audit.ts';
export {
  CATALOG_REVIEWS_TABLE,
  CATALOG_TRIGGERS_TABLE,
  CATALOG_VERSIONS_TABLE,
} from './system/catalog-lifecycle.ts';
export { CURSORS_TABLE } from './system/cursors.ts';
export { DATASETS_TABLE } from './system/datasets.ts';
export { FILES_TABLE } from './system/files.ts';
export { FOUNDATION_LOADS_TABLE, FOUNDATIONS_TABLE } from './system/foundation-state.ts';
export { LOADS_TABLE, MERGE_REPLACED_TABLE } from './system/loads.ts';
export { META_TABLE, readMeta, writeMeta } from './system/meta.ts';
export { NODE_SUMMARIES_TABLE } from './system/node-summaries.ts';
export { NONCES_TABLE } from './system/nonces.ts';
export { OBJECTIONS_TABLE, RESOURCE_VERSIONS_TABLE } from './system/open-data.ts';
export {
  PUSH_ACKS_TABLE,
  PUSH_BATCHES_TABLE,
  PUSH_CHUNKS_TABLE,
  PUSH_FAILURES_TABLE,
  PUSH_MANIFESTS_TABLE,
  PUSH_SENT_TABLE,
  PUSH_UNITS_TABLE,
} from './system/push-tables.ts';
export { METRICS_TABLE, QUALITY_RUNS_TABLE } from './system/quality-metrics.ts';
export { QUARANTINE_CURRENT_VIEW, QUARANTINE_TABLE } from './system/quarantine.ts';
export { CODE_TABLES_TABLE, DIVISIONS_TABLE } from './system/reference-tables.ts';
export { finishRun, listRuns, newRunId, RUNS_TABLE, type RunRecord, startRun } from './system/runs.ts';
export { SYSTEM_SCHEMA } from './system/schema.ts';
export { SCHEMA_CHANGES_TABLE } from './system/schema-changes.ts';
export { GRANTS_TABLE, SHARE_REQUESTS_TABLE } from './system/sharing.ts';
export { USAGE_TABLE } from './system/usage.ts';
export { SCHEMA_VERSION } from './system-tables.ts';
export {
  FIXED_TYPES,
  type FixedColumn,
  type FixedType,
  invalidUtf8Row,
  isFixedType,
  type TextColumn,
} from './text-columns.ts';
export { duckdbVersion } from './version.ts';
export {
  type AppendValue,
  DEFAULT_WAREHOUSE_PATH,
  formatZoned,
  openWarehouse,
  type Params,
  type Row,
  Warehouse,
  type WarehouseOptions,
} from './warehouse.ts';
