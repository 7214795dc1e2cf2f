/** System tables: each foundation's last build and the loads it has integrated (incremental builds read both). */
import { type Sql, trustedSql } from '../../schemas/index.ts';
import { SYSTEM_SCHEMA } from './schema.ts';

/** `gongshu.foundations` (quoted SQL name). */
export const FOUNDATIONS_TABLE: Sql = trustedSql(`${SYSTEM_SCHEMA}.foundations`);
/** `gongshu.foundation_loads` (quoted SQL name). */
export const FOUNDATION_LOADS_TABLE: Sql = trustedSql(`${SYSTEM_SCHEMA}.foundation_loads`);
/** DDL of these tables, idempotent, in order (later columns are added by ALTER … IF NOT EXISTS). */
export const FOUNDATION_STATE_DDL: readonly string[] = [
  `CREATE TABLE IF NOT EXISTS ${FOUNDATION_LOADS_TABLE} (
    foundation VARCHAR NOT NULL,
    load_id VARCHAR NOT NULL,         -- a gongshu.loads row whose rows the foundation has integrated
    run_id VARCHAR,
    consumed_at TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (foundation, load_id)
  )`,
  `CREATE TABLE IF NOT EXISTS ${FOUNDATIONS_TABLE} (
    foundation VARCHAR PRIMARY KEY,
    definition_hash VARCHAR NOT NULL, -- a changed definition forces a full rebuild
    built_at TIMESTAMPTZ NOT NULL,
    run_id VARCHAR,
    mode VARCHAR NOT NULL,            -- 'full' | 'incremental' | 'unchanged'
    rows BIGINT,
    conflicts BIGINT
  )`,
];
