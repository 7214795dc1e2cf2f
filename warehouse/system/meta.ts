/** System tables: key-value facts about the warehouse itself: the schema version and the hash of the loaded reference data. */
import { type Sql, trustedSql } from '../../schemas/index.ts';
import { SYSTEM_SCHEMA } from './schema.ts';

/** `gongshu.meta` (quoted SQL name). */
export const META_TABLE: Sql = trustedSql(`${SYSTEM_SCHEMA}.meta`);
/** DDL of these tables, idempotent, in order (later columns are added by ALTER … IF NOT EXISTS). */
export const META_DDL: readonly string[] = [
  `CREATE TABLE IF NOT EXISTS ${META_TABLE} (key VARCHAR PRIMARY KEY, value VARCHAR NOT NULL)`,
];

/** A value kept in `gongshu.meta` (undefined when absent); for facts a layer keeps about this warehouse. */
export async function readMeta(
  wh: { value<T>(sql: string, params?: unknown[]): Promise<T | undefined> },
  key: string,
): Promise<string | undefined> {
  return wh.value<string>(`SELECT value FROM ${META_TABLE} WHERE key = $1`, [key]);
}

/** Sets a value in `gongshu.meta` (replacing the old one). */
export async function writeMeta(
  wh: { run(sql: string, params?: unknown[]): Promise<unknown> },
  key: string,
  value: string,
): Promise<void> {
  await wh.run(
    `INSERT INTO ${META_TABLE} VALUES ($1, $2) ON CONFLICT (key) DO UPDATE SET value = excluded.value`,
    [key, value],
  );
}
