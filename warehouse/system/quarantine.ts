/** System tables: every rejected row, with its load, reason, source location and the whole row as JSON. */
import { maskIdentifiersSql, type Sql, trustedSql } from '../../schemas/index.ts';
import { LOADS_TABLE } from './loads.ts';
import { SYSTEM_SCHEMA } from './schema.ts';

/** `gongshu.quarantine` (quoted SQL name). */
export const QUARANTINE_TABLE: Sql = trustedSql(`${SYSTEM_SCHEMA}.quarantine`);
/**
 * `gongshu.quarantine_current`: the current quarantine, the rows of loads whose rows are still in the dataset
 * (the last replace load and every load after it; every load of an append or merge dataset) that were not
 * replayed since. Rows of loads a later replace superseded stay in the table as history; they are never replayed
 * or counted.
 */
export const QUARANTINE_CURRENT_VIEW: Sql = trustedSql(`${SYSTEM_SCHEMA}.quarantine_current`);
/** DDL of these tables, idempotent, in order (later columns are added by ALTER … IF NOT EXISTS). */
export const QUARANTINE_DDL: readonly string[] = [
  `CREATE TABLE IF NOT EXISTS ${QUARANTINE_TABLE} (
    load_id VARCHAR NOT NULL,
    dataset VARCHAR NOT NULL,
    source_location VARCHAR NOT NULL, -- file:line, sheet!row, table@cursor, url page N
    reason VARCHAR NOT NULL,          -- a stable code: key:checksum, key:missing, field-count, json, encoding, …
    key_column VARCHAR,
    key_value VARCHAR,                -- the original key text as read
    row_json JSON NOT NULL,           -- the whole source row, column → text
    quarantined_at TIMESTAMPTZ NOT NULL,
    replayed_load_id VARCHAR
  )`,
  // Columns added after the first release of a table (idempotent upgrades of existing warehouses).
  `ALTER TABLE ${QUARANTINE_TABLE} ADD COLUMN IF NOT EXISTS row_loaded BOOLEAN DEFAULT false`,
  // The parser's message for a malformed source row (identity numbers masked), and the row hash of incremental
  // datasets (a row quarantined once is not quarantined again when a later load reads it again).
  `ALTER TABLE ${QUARANTINE_TABLE} ADD COLUMN IF NOT EXISTS detail VARCHAR`,
  `ALTER TABLE ${QUARANTINE_TABLE} ADD COLUMN IF NOT EXISTS row_hash VARCHAR`,
  `CREATE OR REPLACE VIEW ${QUARANTINE_CURRENT_VIEW} AS
   WITH ordered AS (
     SELECT dataset, load_id, write_mode,
            row_number() OVER (PARTITION BY dataset ORDER BY started_at, finished_at, load_id) AS n
     FROM ${LOADS_TABLE} WHERE status = 'committed'
   ), live AS (
     SELECT o.dataset, o.load_id FROM ordered AS o
     WHERE o.n >= coalesce((SELECT max(r.n) FROM ordered AS r WHERE r.dataset = o.dataset AND r.write_mode = 'replace'), 0)
   )
   SELECT q.* FROM ${QUARANTINE_TABLE} AS q
   WHERE q.replayed_load_id IS NULL AND EXISTS (SELECT 1 FROM live WHERE live.dataset = q.dataset AND live.load_id = q.load_id)`,
];

/**
 * Upgrades of rows, run after the DDL and after a first-layout warehouse's rows were moved in: earlier versions
 * stored `code: message` as the reason (a malformed JSON line with the line's text): the code stays the reason,
 * the message (without the line, identity numbers masked) becomes the detail.
 */
export const QUARANTINE_UPGRADES: readonly string[] = [
  `UPDATE ${QUARANTINE_TABLE}
     SET detail = ${maskIdentifiersSql(`regexp_replace(substr(reason, strpos(reason, ': ') + 2), '; the line reads ".*$', '')`)},
         reason = regexp_extract(reason, '^([a-z][a-z0-9-]*): ', 1)
   WHERE detail IS NULL AND regexp_matches(reason, '^[a-z][a-z0-9-]*: ')`,
];
