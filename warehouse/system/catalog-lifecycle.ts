/**
 * System tables of the catalog lifecycle (第十一条): every version of every catalog entry (submitted, approved,
 * published), the law or duty changes a version must answer within 15 working days, and the periodic reviews
 * of conditional entries. Read and written by governance/catalog-lifecycle/ (versions.ts, triggers.ts,
 * reviews.ts).
 */
import { type Sql, trustedSql } from '../../schemas/index.ts';
import { SYSTEM_SCHEMA } from './schema.ts';

/** `gongshu.catalog_versions` (quoted SQL name): every version of every catalog entry. */
export const CATALOG_VERSIONS_TABLE: Sql = trustedSql(`${SYSTEM_SCHEMA}.catalog_versions`);
/** `gongshu.catalog_triggers` (quoted SQL name): law or duty changes, and the version that answered each. */
export const CATALOG_TRIGGERS_TABLE: Sql = trustedSql(`${SYSTEM_SCHEMA}.catalog_triggers`);
/** `gongshu.catalog_reviews` (quoted SQL name): reviews of catalog entries and when the next is due. */
export const CATALOG_REVIEWS_TABLE: Sql = trustedSql(`${SYSTEM_SCHEMA}.catalog_reviews`);
/** DDL of these tables, idempotent, in order (later columns are added by ALTER … IF NOT EXISTS). */
export const CATALOG_LIFECYCLE_DDL: readonly string[] = [
  `CREATE TABLE IF NOT EXISTS ${CATALOG_VERSIONS_TABLE} (
    code VARCHAR NOT NULL,
    version INTEGER NOT NULL,
    dataset VARCHAR,
    entry JSON NOT NULL,              -- the parsed entry, as published
    hash VARCHAR NOT NULL,            -- SM3 of its canonical JSON
    changed_fields JSON NOT NULL,     -- paths changed since the previous version
    status VARCHAR NOT NULL,          -- submitted | approved | published | superseded | rejected
    trigger_kind VARCHAR NOT NULL,    -- law | duty | routine | review | initial
    trigger_date VARCHAR,
    trigger_reference VARCHAR,
    due_date VARCHAR,                 -- law/duty: trigger date + 15 working days
    registrar VARCHAR NOT NULL,
    reviewer VARCHAR,
    submitted_at VARCHAR NOT NULL,
    approved_at VARCHAR,
    published_at VARCHAR,
    superseded_at VARCHAR,
    note VARCHAR,
    PRIMARY KEY (code, version)
  )`,
  `CREATE TABLE IF NOT EXISTS ${CATALOG_TRIGGERS_TABLE} (
    id VARCHAR PRIMARY KEY,
    code VARCHAR NOT NULL,
    kind VARCHAR NOT NULL,            -- law | duty
    date VARCHAR NOT NULL,            -- when the law or duty changed
    reference VARCHAR NOT NULL,       -- the document, e.g. 新政办发〔2026〕12号
    due_date VARCHAR NOT NULL,
    registered_at VARCHAR NOT NULL,
    registered_by VARCHAR NOT NULL,
    resolved_version INTEGER
  )`,
  `CREATE TABLE IF NOT EXISTS ${CATALOG_REVIEWS_TABLE} (
    id VARCHAR PRIMARY KEY,
    code VARCHAR NOT NULL,
    version INTEGER,
    reviewed_at VARCHAR NOT NULL,
    reviewer VARCHAR NOT NULL,
    outcome VARCHAR NOT NULL,         -- keep | promote | change
    note VARCHAR,
    next_due VARCHAR NOT NULL
  )`,
];
