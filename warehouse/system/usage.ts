/**
 * System table of the usage log (第十五条): data provided and obtained (loads, SQL reads, share exports, backflow
 * served and received, destruction), each entry hashed into the audit chain. Read and written by
 * governance/usage/usage-store.ts.
 */
import { type Sql, trustedSql } from '../../schemas/index.ts';
import { SYSTEM_SCHEMA } from './schema.ts';

/** `gongshu.usage` (quoted SQL name): one row per use, with the art. 15 fields and its SM3 hash. */
export const USAGE_TABLE: Sql = trustedSql(`${SYSTEM_SCHEMA}.usage`);
/** DDL of these tables, idempotent, in order (later columns are added by ALTER … IF NOT EXISTS). */
export const USAGE_DDL: readonly string[] = [
  `CREATE TABLE IF NOT EXISTS ${USAGE_TABLE} (
    id VARCHAR PRIMARY KEY,
    used_at VARCHAR NOT NULL,
    kind VARCHAR NOT NULL,
    dataset VARCHAR,
    department VARCHAR,
    operator VARCHAR NOT NULL,
    grant_id VARCHAR,
    request_id VARCHAR,
    scenario VARCHAR,
    intended_use VARCHAR,
    storage VARCHAR,
    encryption VARCHAR,
    rows BIGINT,
    query_hash VARCHAR,
    content_hash VARCHAR,
    details JSON,
    audit_seq BIGINT NOT NULL,
    hash VARCHAR NOT NULL,            -- SM3 of the canonical JSON of the fields above (without audit_seq)
    effect VARCHAR,
    effect_at VARCHAR,
    effect_by VARCHAR
  )`,
];
