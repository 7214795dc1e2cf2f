/** System tables: the platform push on both sides: received chunks, planned batches, acknowledgements, units and what was sent. */
import { type Sql, trustedSql } from '../../schemas/index.ts';
import { SYSTEM_SCHEMA } from './schema.ts';

/** `gongshu.push_chunks` (quoted SQL name). */
export const PUSH_CHUNKS_TABLE: Sql = trustedSql(`${SYSTEM_SCHEMA}.push_chunks`);
/** `gongshu.push_batches` (quoted SQL name). */
export const PUSH_BATCHES_TABLE: Sql = trustedSql(`${SYSTEM_SCHEMA}.push_batches`);
/** `gongshu.push_acks` (quoted SQL name). */
export const PUSH_ACKS_TABLE: Sql = trustedSql(`${SYSTEM_SCHEMA}.push_acks`);
/** `gongshu.push_units` (quoted SQL name). */
export const PUSH_UNITS_TABLE: Sql = trustedSql(`${SYSTEM_SCHEMA}.push_units`);
/** `gongshu.push_failures` (quoted SQL name): failed pushes of a batch and dead letters (platform/push/dead-letters.ts). */
export const PUSH_FAILURES_TABLE: Sql = trustedSql(`${SYSTEM_SCHEMA}.push_failures`);
/** `gongshu.push_manifests` (quoted SQL name): each batch a child announced (its chunk count and live units). */
export const PUSH_MANIFESTS_TABLE: Sql = trustedSql(`${SYSTEM_SCHEMA}.push_manifests`);
/** `gongshu.push_sent` (quoted SQL name). */
export const PUSH_SENT_TABLE: Sql = trustedSql(`${SYSTEM_SCHEMA}.push_sent`);
/** DDL of these tables, idempotent, in order (later columns are added by ALTER … IF NOT EXISTS). */
export const PUSH_TABLES_DDL: readonly string[] = [
  // Platform hierarchy (platform/, jobs/push.ts, jobs/backflow.ts). Receiving side: one row per stored
  // chunk, keyed by the sending node, its batch and the chunk sequence, written in the transaction of the rows.
  `CREATE TABLE IF NOT EXISTS ${PUSH_CHUNKS_TABLE} (
    origin_node VARCHAR NOT NULL,     -- the node that sent the chunk (a direct child)
    batch VARCHAR NOT NULL,
    seq INTEGER NOT NULL,
    dataset VARCHAR NOT NULL,
    chunks INTEGER NOT NULL,          -- chunks in the batch
    rows BIGINT NOT NULL,
    content_hash VARCHAR NOT NULL,    -- SM3 of the body (the Parquet chunk)
    received_at TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (origin_node, batch, seq)
  )`,
  // Sending side: a planned push batch (its rows written to an outbox folder of Parquet chunks), its chunks'
  // acknowledgements, the units (origin node, origin batch) it carries, which local load belongs to which unit,
  // and the failures that make a batch a dead letter.
  `CREATE TABLE IF NOT EXISTS ${PUSH_BATCHES_TABLE} (
    batch VARCHAR PRIMARY KEY,
    dataset VARCHAR NOT NULL,
    parent VARCHAR NOT NULL,
    status VARCHAR NOT NULL,          -- 'pending' | 'done' | 'dead' | 'abandoned' | 'replanned'
    chunks INTEGER NOT NULL,
    rows BIGINT NOT NULL,
    live JSON NOT NULL,               -- origin node → live origin batches, applied by the parent on completion
    columns JSON NOT NULL,
    outbox VARCHAR NOT NULL,
    created_at TIMESTAMPTZ NOT NULL,
    finished_at TIMESTAMPTZ
  )`,
  `CREATE TABLE IF NOT EXISTS ${PUSH_ACKS_TABLE} (
    batch VARCHAR NOT NULL,
    seq INTEGER NOT NULL,
    rows BIGINT NOT NULL,
    content_hash VARCHAR NOT NULL,
    duplicate BOOLEAN NOT NULL,       -- the parent had stored this chunk already
    acked_at TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (batch, seq)
  )`,
  `CREATE TABLE IF NOT EXISTS ${PUSH_UNITS_TABLE} (
    dataset VARCHAR NOT NULL,
    load_id VARCHAR NOT NULL,
    unit VARCHAR NOT NULL,            -- the origin batch id the load's rows travel under
    PRIMARY KEY (dataset, load_id)
  )`,
  `CREATE TABLE IF NOT EXISTS ${PUSH_SENT_TABLE} (
    dataset VARCHAR NOT NULL,
    origin_node VARCHAR NOT NULL,
    unit VARCHAR NOT NULL,
    batch VARCHAR NOT NULL,
    PRIMARY KEY (dataset, origin_node, unit, batch)
  )`,
  // Receiving side: a batch's manifest, sent before its chunks: the live set applied when it completes.
  `CREATE TABLE IF NOT EXISTS ${PUSH_MANIFESTS_TABLE} (
    origin_node VARCHAR NOT NULL,     -- the child that announced it
    batch VARCHAR NOT NULL,
    dataset VARCHAR NOT NULL,
    chunks INTEGER NOT NULL,
    live JSON NOT NULL,               -- origin node → live origin batches at the child
    purpose VARCHAR NOT NULL,
    planned BIGINT NOT NULL,          -- the batch's place in the child's planning order (a later one supersedes)
    received_at TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (origin_node, batch)
  )`,
  `CREATE TABLE IF NOT EXISTS ${PUSH_FAILURES_TABLE} (
    batch VARCHAR PRIMARY KEY,
    failures INTEGER NOT NULL,        -- failed pushes of the batch counted toward platform.push.deadAfter
    status INTEGER,                   -- HTTP status of the last (signed) answer, if any
    code VARCHAR,                     -- the parent's error code, or the sender's (outbox-unusable)
    reason VARCHAR NOT NULL,          -- the message, redacted and cut to 500 characters
    first_failed_at TIMESTAMPTZ NOT NULL,
    last_failed_at TIMESTAMPTZ NOT NULL,
    dead_at TIMESTAMPTZ               -- when it became a dead letter; NULL while it is still retried
  )`,
];
