/** System tables: the append-only, SM3 hash-chained audit log of every transfer. */
import { type Sql, trustedSql } from '../../schemas/index.ts';
import { SYSTEM_SCHEMA } from './schema.ts';

/** `gongshu.audit` (quoted SQL name). */
export const AUDIT_TABLE: Sql = trustedSql(`${SYSTEM_SCHEMA}.audit`);
/** DDL of these tables, idempotent, in order (later columns are added by ALTER … IF NOT EXISTS). */
export const AUDIT_DDL: readonly string[] = [
  // Append-only, hash-chained audit of every transfer: hash = SM3(prev_hash || canonical JSON of the entry).
  `CREATE TABLE IF NOT EXISTS ${AUDIT_TABLE} (
    seq BIGINT PRIMARY KEY,
    recorded_at VARCHAR NOT NULL,     -- ISO-8601 UTC, as hashed
    node VARCHAR NOT NULL,            -- this node
    action VARCHAR NOT NULL,          -- 'push-sent' | 'push-received' | 'backflow-served' | 'backflow-received' | 'rejected'
    peer VARCHAR,
    dataset VARCHAR,
    columns VARCHAR,                  -- JSON array, as hashed
    rows BIGINT,
    content_hash VARCHAR,
    purpose VARCHAR,
    batch VARCHAR,
    chunk INTEGER,
    details VARCHAR,                  -- JSON object, as hashed
    prev_hash VARCHAR NOT NULL,
    hash VARCHAR NOT NULL
  )`,
];
