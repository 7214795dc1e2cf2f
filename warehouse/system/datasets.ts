/** System tables: each dataset's table and key (also for ad-hoc ingests), and its catalog entry. */
import { type Sql, trustedSql } from '../../schemas/index.ts';
import { SYSTEM_SCHEMA } from './schema.ts';

/** `gongshu.datasets` (quoted SQL name). */
export const DATASETS_TABLE: Sql = trustedSql(`${SYSTEM_SCHEMA}.datasets`);
/** DDL of these tables, idempotent, in order (later columns are added by ALTER … IF NOT EXISTS). */
export const DATASETS_DDL: readonly string[] = [
  `CREATE TABLE IF NOT EXISTS ${DATASETS_TABLE} (
    dataset VARCHAR PRIMARY KEY,
    table_name VARCHAR NOT NULL,
    key_kind VARCHAR,                 -- 'citizen-id' | 'uscc' | NULL (unkeyed)
    key_column VARCHAR,
    source_key_column VARCHAR,
    catalog JSON,
    updated_at TIMESTAMPTZ NOT NULL
  )`,
];
