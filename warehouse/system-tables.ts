/**
 * The gongshu system tables, in their own schema `gongshu` (one owner module each under warehouse/system/),
 * created or upgraded on open. Each statement is idempotent. Columns are documented in README.md
 * ("Warehouse system tables"). Schema version 2 moved the tables from `main.gongshu_<name>` to
 * `gongshu.<name>`; a warehouse in the first layout is converted on its next open for writing.
 */
import { AUDIT_DDL, AUDIT_TABLE } from './system/audit.ts';
import {
  CATALOG_LIFECYCLE_DDL,
  CATALOG_REVIEWS_TABLE,
  CATALOG_TRIGGERS_TABLE,
  CATALOG_VERSIONS_TABLE,
} from './system/catalog-lifecycle.ts';
import { CURSORS_DDL, CURSORS_TABLE } from './system/cursors.ts';
import { DATASETS_DDL, DATASETS_TABLE } from './system/datasets.ts';
import { FILES_DDL, FILES_TABLE } from './system/files.ts';
import {
  FOUNDATION_LOADS_TABLE,
  FOUNDATION_STATE_DDL,
  FOUNDATIONS_TABLE,
} from './system/foundation-state.ts';
import { LOADS_DDL, LOADS_TABLE, MERGE_REPLACED_TABLE } from './system/loads.ts';
import { META_DDL, META_TABLE } from './system/meta.ts';
import { NODE_SUMMARIES_DDL, NODE_SUMMARIES_TABLE } from './system/node-summaries.ts';
import { NONCES_DDL, NONCES_TABLE } from './system/nonces.ts';
import { OBJECTIONS_TABLE, OPEN_DATA_DDL, RESOURCE_VERSIONS_TABLE } from './system/open-data.ts';
import {
  PUSH_ACKS_TABLE,
  PUSH_BATCHES_TABLE,
  PUSH_CHUNKS_TABLE,
  PUSH_SENT_TABLE,
  PUSH_TABLES_DDL,
  PUSH_UNITS_TABLE,
} from './system/push-tables.ts';
import { METRICS_TABLE, QUALITY_METRICS_DDL, QUALITY_RUNS_TABLE } from './system/quality-metrics.ts';
import { QUARANTINE_DDL, QUARANTINE_TABLE, QUARANTINE_UPGRADES } from './system/quarantine.ts';
import { CODE_TABLES_TABLE, DIVISIONS_TABLE, REFERENCE_TABLES_DDL } from './system/reference-tables.ts';
import { RUNS_DDL, RUNS_TABLE } from './system/runs.ts';
import { SYSTEM_SCHEMA } from './system/schema.ts';
import { SCHEMA_CHANGES_DDL, SCHEMA_CHANGES_TABLE } from './system/schema-changes.ts';
import { GRANTS_TABLE, SHARE_REQUESTS_TABLE, SHARING_DDL } from './system/sharing.ts';
import { USAGE_DDL, USAGE_TABLE } from './system/usage.ts';

/**
 * The layout version of the system tables: 2 moved them to schema `gongshu`; 3 added the quarantine's `detail`,
 * `row_hash` and the `gongshu.quarantine_current` view; 4 added the governance tables (sharing requests, grants,
 * the usage log, catalog versions, triggers and reviews); 5 the open resource versions and objections; 6 the
 * children's evaluation summaries; 7 when an open resource version was taken offline (`removed_at`). A read-only open of an older warehouse upgrades it first.
 */
export const SCHEMA_VERSION = 7;

/** DDL of the system tables, in creation order. */
export const SYSTEM_TABLES: readonly string[] = [
  `CREATE SCHEMA IF NOT EXISTS ${SYSTEM_SCHEMA}`,
  ...META_DDL,
  ...RUNS_DDL,
  ...LOADS_DDL,
  ...QUARANTINE_DDL,
  ...DATASETS_DDL,
  ...CURSORS_DDL,
  ...REFERENCE_TABLES_DDL,
  ...SCHEMA_CHANGES_DDL,
  ...FILES_DDL,
  ...QUALITY_METRICS_DDL,
  ...PUSH_TABLES_DDL,
  ...NONCES_DDL,
  ...AUDIT_DDL,
  ...FOUNDATION_STATE_DDL,
  ...SHARING_DDL,
  ...USAGE_DDL,
  ...CATALOG_LIFECYCLE_DDL,
  ...OPEN_DATA_DDL,
  ...NODE_SUMMARIES_DDL,
  'CREATE SCHEMA IF NOT EXISTS foundation',
  'CREATE SCHEMA IF NOT EXISTS theme',
  'CREATE SCHEMA IF NOT EXISTS topic',
];

/** Upgrades of rows, run after the DDL and after a first-layout warehouse's rows were moved in. */
export const SYSTEM_UPGRADES: readonly string[] = [...QUARANTINE_UPGRADES];

/** Each system table's name in the first layout (`main.gongshu_<name>`) and its table now. */
export const LEGACY_SYSTEM_TABLES: readonly (readonly [string, string])[] = [
  ['gongshu_meta', META_TABLE],
  ['gongshu_runs', RUNS_TABLE],
  ['gongshu_loads', LOADS_TABLE],
  ['gongshu_merge_replaced', MERGE_REPLACED_TABLE],
  ['gongshu_quarantine', QUARANTINE_TABLE],
  ['gongshu_datasets', DATASETS_TABLE],
  ['gongshu_cursors', CURSORS_TABLE],
  ['gongshu_divisions', DIVISIONS_TABLE],
  ['gongshu_code_tables', CODE_TABLES_TABLE],
  ['gongshu_schema_changes', SCHEMA_CHANGES_TABLE],
  ['gongshu_files', FILES_TABLE],
  ['gongshu_quality_runs', QUALITY_RUNS_TABLE],
  ['gongshu_metrics', METRICS_TABLE],
  ['gongshu_push_chunks', PUSH_CHUNKS_TABLE],
  ['gongshu_push_batches', PUSH_BATCHES_TABLE],
  ['gongshu_push_acks', PUSH_ACKS_TABLE],
  ['gongshu_push_units', PUSH_UNITS_TABLE],
  ['gongshu_push_sent', PUSH_SENT_TABLE],
  ['gongshu_nonces', NONCES_TABLE],
  ['gongshu_audit', AUDIT_TABLE],
  ['gongshu_foundations', FOUNDATIONS_TABLE],
  ['gongshu_foundation_loads', FOUNDATION_LOADS_TABLE],
];

/**
 * The system tables added after the first layout: they were created in schema `gongshu` from the start, so there
 * is no `main.gongshu_<name>` to convert (the architecture test checks their owners with the others).
 */
export const LATER_SYSTEM_TABLES: readonly string[] = [
  SHARE_REQUESTS_TABLE,
  GRANTS_TABLE,
  USAGE_TABLE,
  CATALOG_VERSIONS_TABLE,
  CATALOG_TRIGGERS_TABLE,
  CATALOG_REVIEWS_TABLE,
  RESOURCE_VERSIONS_TABLE,
  OBJECTIONS_TABLE,
  NODE_SUMMARIES_TABLE,
];
