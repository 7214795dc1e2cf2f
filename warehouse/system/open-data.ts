/**
 * System tables of open data and objections (第二十三条、第二十四条、第三十条, issue #18): every version of every
 * open resource written by `gongshu open export` (live, superseded, suspended, taken offline), and the objections and error
 * reports against a dataset's records with their working-day due dates and outcomes. Read and written by
 * governance/open-data/resource-versions.ts and governance/objections/objection-store.ts; quality reads the
 * confirmed errors of a dataset for its accuracy dimension.
 */
import { type Sql, trustedSql } from '../../schemas/index.ts';
import { SYSTEM_SCHEMA } from './schema.ts';

/** `gongshu.resource_versions` (quoted SQL name): versions of open resources and who was told of them. */
export const RESOURCE_VERSIONS_TABLE: Sql = trustedSql(`${SYSTEM_SCHEMA}.resource_versions`);
/** `gongshu.objections` (quoted SQL name): objections and error reports, their due dates and outcomes. */
export const OBJECTIONS_TABLE: Sql = trustedSql(`${SYSTEM_SCHEMA}.objections`);
/** DDL of these tables, idempotent, in order (later columns are added by ALTER … IF NOT EXISTS). */
export const OPEN_DATA_DDL: readonly string[] = [
  `CREATE TABLE IF NOT EXISTS ${RESOURCE_VERSIONS_TABLE} (
    code VARCHAR NOT NULL,             -- catalog resource code
    version INTEGER NOT NULL,          -- 1, 2, … per code
    dataset VARCHAR NOT NULL,
    catalog_version INTEGER NOT NULL,
    format VARCHAR NOT NULL,           -- csv | json | parquet
    dir VARCHAR NOT NULL,              -- absolute folder of the version (…/<code>/v<version>)
    rows BIGINT NOT NULL,
    files JSON NOT NULL,               -- [{ name, sm3, bytes }]
    status VARCHAR NOT NULL,           -- live | superseded | suspended | offline | retired
    live_from VARCHAR NOT NULL,        -- ISO UTC: when latest pointed to it
    offline_at VARCHAR,                -- ISO UTC: when it stopped being the live version
    consumers JSON NOT NULL,           -- [{ node, department }] told of this version
    notified_at VARCHAR,
    PRIMARY KEY (code, version)
  )`,
  // When `gongshu open offline` took the version offline and removed its files (layout 7).
  `ALTER TABLE ${RESOURCE_VERSIONS_TABLE} ADD COLUMN IF NOT EXISTS removed_at VARCHAR`,
  `CREATE TABLE IF NOT EXISTS ${OBJECTIONS_TABLE} (
    id VARCHAR PRIMARY KEY,
    raised_at VARCHAR NOT NULL,        -- ISO UTC
    channel VARCHAR NOT NULL,          -- share | open
    type VARCHAR NOT NULL,             -- error | objection | infringement | leak
    submitter VARCHAR NOT NULL,
    submitter_department VARCHAR,
    dataset VARCHAR NOT NULL,
    catalog_code VARCHAR,
    resource_version INTEGER,
    provider_department VARCHAR,
    record_key VARCHAR NOT NULL,       -- the record's key (stored as given; shown masked)
    columns JSON NOT NULL,
    claim VARCHAR NOT NULL,
    evidence VARCHAR,
    status VARCHAR NOT NULL,           -- open | corrected | confirmed | continued | withdrawn | suspended
    due_at VARCHAR NOT NULL,           -- ISO UTC: end of the n-th working day
    due_date VARCHAR NOT NULL,         -- YYYY-MM-DD (Asia/Shanghai)
    resolved_at VARCHAR,
    resolved_by VARCHAR,
    note VARCHAR,
    correction_load_id VARCHAR,
    feedback_at VARCHAR,
    updated_at VARCHAR NOT NULL
  )`,
];
