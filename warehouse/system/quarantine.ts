/** System tables: every rejected row, with its load, reason, source location and the whole row as JSON. */
import { type Sql, trustedSql } from '../../schemas/index.ts';
import { SYSTEM_SCHEMA } from './schema.ts';

/** `gongshu.quarantine` (quoted SQL name). */
export const QUARANTINE_TABLE: Sql = trustedSql(`${SYSTEM_SCHEMA}.quarantine`);
/** DDL of these tables, idempotent, in order (later columns are added by ALTER … IF NOT EXISTS). */
export const QUARANTINE_DDL: readonly string[] = [
  `CREATE TABLE IF NOT EXISTS ${QUARANTINE_TABLE} (
    load_id VARCHAR NOT NULL,
    dataset VARCHAR NOT NULL,
    source_location VARCHAR NOT NULL, -- file:line, sheet!row, table@cursor, url page N
    reason VARCHAR NOT NULL,          -- e.g. key:checksum, key:missing, field-count
    key_column VARCHAR,
    key_value VARCHAR,                -- the original key text as read
    row_json JSON NOT NULL,           -- the whole source row, column → text
    quarantined_at TIMESTAMPTZ NOT NULL,
    replayed_load_id VARCHAR
  )`,
  // Columns added after the first release of a table (idempotent upgrades of existing warehouses).
  `ALTER TABLE ${QUARANTINE_TABLE} ADD COLUMN IF NOT EXISTS row_loaded BOOLEAN DEFAULT false`,
];
