/**
 * System table of the summaries a child node sends with its pushes (GOVERNANCE.md I: the yearly evaluation of
 * each node travels in its batch manifests, so the region folds its children's figures into its own). Written
 * by platform/push/receive.ts when it stores a manifest, read by platform/push/summaries.ts.
 */
import { type Sql, trustedSql } from '../../schemas/index.ts';
import { SYSTEM_SCHEMA } from './schema.ts';

/** `gongshu.node_summaries` (quoted SQL name): the latest summary of each kind and period per sending node. */
export const NODE_SUMMARIES_TABLE: Sql = trustedSql(`${SYSTEM_SCHEMA}.node_summaries`);
/** DDL of this table, idempotent. */
export const NODE_SUMMARIES_DDL: readonly string[] = [
  `CREATE TABLE IF NOT EXISTS ${NODE_SUMMARIES_TABLE} (
    node VARCHAR NOT NULL,            -- the child that sent it (the signed sender)
    kind VARCHAR NOT NULL,            -- e.g. 'evaluation'
    period VARCHAR NOT NULL,          -- e.g. '2026'
    body JSON NOT NULL,
    batch VARCHAR NOT NULL,           -- the batch whose manifest carried it
    received_at TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (node, kind, period)
  )`,
];
