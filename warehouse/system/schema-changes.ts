/** System tables: schema drift per load: what changed between the table and the source, and what the contract did. */
import { type Sql, trustedSql } from '../../schemas/index.ts';
import { SYSTEM_SCHEMA } from './schema.ts';

/** `gongshu.schema_changes` (quoted SQL name). */
export const SCHEMA_CHANGES_TABLE: Sql = trustedSql(`${SYSTEM_SCHEMA}.schema_changes`);
/** DDL of these tables, idempotent, in order (later columns are added by ALTER … IF NOT EXISTS). */
export const SCHEMA_CHANGES_DDL: readonly string[] = [
  // Schema drift per load: what changed between the table and the source, and what the contract did.
  `CREATE TABLE IF NOT EXISTS ${SCHEMA_CHANGES_TABLE} (
    load_id VARCHAR NOT NULL,
    dataset VARCHAR NOT NULL,
    change VARCHAR NOT NULL,          -- 'added' | 'removed' | 'retyped'
    column_name VARCHAR NOT NULL,
    old_type VARCHAR,
    new_type VARCHAR,
    action VARCHAR NOT NULL,          -- 'added-column' | 'null-filled' | 'cast' | 'replaced' | 'quarantined-rows' | 'discarded-values'
    recorded_at TIMESTAMPTZ NOT NULL
  )`,
];
