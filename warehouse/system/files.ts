/** System tables: files a load consumed, by content hash: a re-sent file (same bytes, any name) is not loaded twice. */
import { type Sql, trustedSql } from '../../schemas/index.ts';
import { SYSTEM_SCHEMA } from './schema.ts';

/** `gongshu.files` (quoted SQL name). */
export const FILES_TABLE: Sql = trustedSql(`${SYSTEM_SCHEMA}.files`);
/** DDL of these tables, idempotent, in order (later columns are added by ALTER … IF NOT EXISTS). */
export const FILES_DDL: readonly string[] = [
  // Files a load consumed, by content hash: a re-sent file (same bytes, any name) is not loaded twice.
  `CREATE TABLE IF NOT EXISTS ${FILES_TABLE} (
    dataset VARCHAR NOT NULL,
    sha256 VARCHAR NOT NULL,
    path VARCHAR NOT NULL,
    rows BIGINT NOT NULL,
    load_id VARCHAR NOT NULL,
    loaded_at TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (dataset, sha256)
  )`,
];
