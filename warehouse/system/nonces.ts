/** System tables: request nonces seen in the last minutes (replay protection across restarts). */
import { type Sql, trustedSql } from '../../schemas/index.ts';
import { SYSTEM_SCHEMA } from './schema.ts';

/** `gongshu.nonces` (quoted SQL name). */
export const NONCES_TABLE: Sql = trustedSql(`${SYSTEM_SCHEMA}.nonces`);
/** DDL of these tables, idempotent, in order (later columns are added by ALTER … IF NOT EXISTS). */
export const NONCES_DDL: readonly string[] = [
  // Request nonces seen in the last minutes (replay protection across restarts).
  `CREATE TABLE IF NOT EXISTS ${NONCES_TABLE} (
    node VARCHAR NOT NULL,
    nonce VARCHAR NOT NULL,
    seen_at TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (node, nonce)
  )`,
];
