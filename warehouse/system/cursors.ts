/** System tables: incremental cursor state, committed in the transaction of the rows it covers. */
import { type Sql, trustedSql } from '../../schemas/index.ts';
import { SYSTEM_SCHEMA } from './schema.ts';

/** `gongshu.cursors` (quoted SQL name). */
export const CURSORS_TABLE: Sql = trustedSql(`${SYSTEM_SCHEMA}.cursors`);
/** DDL of these tables, idempotent, in order (later columns are added by ALTER … IF NOT EXISTS). */
export const CURSORS_DDL: readonly string[] = [
  `CREATE TABLE IF NOT EXISTS ${CURSORS_TABLE} (
    dataset VARCHAR PRIMARY KEY,
    cursor_column VARCHAR NOT NULL,
    value VARCHAR,
    load_id VARCHAR NOT NULL,
    updated_at TIMESTAMPTZ NOT NULL
  )`,
  `ALTER TABLE ${CURSORS_TABLE} ADD COLUMN IF NOT EXISTS value_type VARCHAR`,
];
