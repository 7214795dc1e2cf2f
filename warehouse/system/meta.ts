/** System tables: key-value facts about the warehouse itself: the schema version and the hash of the loaded reference data. */
import { type Sql, trustedSql } from '../../schemas/index.ts';
import { SYSTEM_SCHEMA } from './schema.ts';

/** `gongshu.meta` (quoted SQL name). */
export const META_TABLE: Sql = trustedSql(`${SYSTEM_SCHEMA}.meta`);
/** DDL of these tables, idempotent, in order (later columns are added by ALTER … IF NOT EXISTS). */
export const META_DDL: readonly string[] = [
  `CREATE TABLE IF NOT EXISTS ${META_TABLE} (key VARCHAR PRIMARY KEY, value VARCHAR NOT NULL)`,
];
