/** System tables: the load ledger (one row per committed load) and the keys a merge load deleted without writing them again. */
import { type Sql, trustedSql } from '../../schemas/index.ts';
import { SYSTEM_SCHEMA } from './schema.ts';

/** `gongshu.loads` (quoted SQL name). */
export const LOADS_TABLE: Sql = trustedSql(`${SYSTEM_SCHEMA}.loads`);
/** `gongshu.merge_replaced` (quoted SQL name). */
export const MERGE_REPLACED_TABLE: Sql = trustedSql(`${SYSTEM_SCHEMA}.merge_replaced`);
/** DDL of these tables, idempotent, in order (later columns are added by ALTER … IF NOT EXISTS). */
export const LOADS_DDL: readonly string[] = [
  `CREATE TABLE IF NOT EXISTS ${LOADS_TABLE} (
    load_id VARCHAR PRIMARY KEY,
    run_id VARCHAR,
    dataset VARCHAR NOT NULL,
    table_name VARCHAR NOT NULL,
    connector VARCHAR NOT NULL,
    source VARCHAR NOT NULL,
    write_mode VARCHAR NOT NULL,
    status VARCHAR NOT NULL,          -- 'committed' (a failed load leaves no row: it rolled back)
    started_at TIMESTAMPTZ NOT NULL,
    finished_at TIMESTAMPTZ NOT NULL,
    rows_read BIGINT NOT NULL,
    rows_loaded BIGINT NOT NULL,
    rows_quarantined BIGINT NOT NULL,
    source_options JSON,
    notes JSON
  )`,
  `ALTER TABLE ${LOADS_TABLE} ADD COLUMN IF NOT EXISTS rows_skipped BIGINT DEFAULT 0`,
  // Rows of earlier loads a merge load deleted (replaced); NULL for loads written before this was recorded.
  `ALTER TABLE ${LOADS_TABLE} ADD COLUMN IF NOT EXISTS rows_replaced BIGINT`,
  // The columns a merge load matched on (JSON array of table columns); NULL for other loads and older ones.
  `ALTER TABLE ${LOADS_TABLE} ADD COLUMN IF NOT EXISTS merge_key JSON`,
  // Rows the load wrote whose key an earlier row of the same load already had (0: its keys are unique); NULL for
  // loads of datasets without a key and older ones. A full foundation build skips the choice of one row per key
  // for a table these records show to hold each key once (jobs/foundations/unique-sources.ts).
  `ALTER TABLE ${LOADS_TABLE} ADD COLUMN IF NOT EXISTS duplicate_key_rows BIGINT`,
  // Keys of rows a merge load deleted that it did not write again (a merge by a mergeKey without the key
  // column: a corrected record may name another person). Incremental foundation builds recompute them.
  `CREATE TABLE IF NOT EXISTS ${MERGE_REPLACED_TABLE} (
    load_id VARCHAR NOT NULL,
    dataset VARCHAR NOT NULL,
    key VARCHAR NOT NULL
  )`,
];
