/**
 * Job state tables, created on first use (idempotent DDL) so the jobs layer does not depend on the warehouse
 * migration order: which loads each foundation has consumed, and each foundation's last build.
 */
import type { Warehouse } from '../warehouse/index.ts';

/** DDL of the jobs layer's system tables. */
export const JOB_TABLES: readonly string[] = [
  `CREATE TABLE IF NOT EXISTS gongshu_foundation_loads (
    foundation VARCHAR NOT NULL,
    load_id VARCHAR NOT NULL,         -- a gongshu_loads row whose rows the foundation has integrated
    run_id VARCHAR,
    consumed_at TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (foundation, load_id)
  )`,
  `CREATE TABLE IF NOT EXISTS gongshu_foundations (
    foundation VARCHAR PRIMARY KEY,
    definition_hash VARCHAR NOT NULL, -- a changed definition forces a full rebuild
    built_at TIMESTAMPTZ NOT NULL,
    run_id VARCHAR,
    mode VARCHAR NOT NULL,            -- 'full' | 'incremental' | 'unchanged'
    rows BIGINT,
    conflicts BIGINT
  )`,
  'CREATE SCHEMA IF NOT EXISTS foundation',
  'CREATE SCHEMA IF NOT EXISTS theme',
  'CREATE SCHEMA IF NOT EXISTS topic',
];

const ready = new WeakSet<Warehouse>();

/** Creates the job tables and layer schemas once per open warehouse. */
export async function ensureJobTables(wh: Warehouse): Promise<void> {
  if (ready.has(wh)) return;
  for (const ddl of JOB_TABLES) await wh.run(ddl);
  ready.add(wh);
}
