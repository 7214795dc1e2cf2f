/**
 * System tables of sharing (第十七条、第二十一条, issue #17): the requests from submission to decision with their
 * working-day deadlines, and the grants that decide what leaves the node (backflow, share exports). Read and
 * written by governance/requests/ (request-store.ts, grant-store.ts).
 */
import { type Sql, trustedSql } from '../../schemas/index.ts';
import { SYSTEM_SCHEMA } from './schema.ts';

/** `gongshu.share_requests` (quoted SQL name): sharing requests and their deadlines. */
export const SHARE_REQUESTS_TABLE: Sql = trustedSql(`${SYSTEM_SCHEMA}.share_requests`);
/** `gongshu.grants` (quoted SQL name): what a granted request may receive: columns, division scope, validity. */
export const GRANTS_TABLE: Sql = trustedSql(`${SYSTEM_SCHEMA}.grants`);
/** DDL of these tables, idempotent, in order (later columns are added by ALTER … IF NOT EXISTS). */
export const SHARING_DDL: readonly string[] = [
  `CREATE TABLE IF NOT EXISTS ${SHARE_REQUESTS_TABLE} (
    id VARCHAR PRIMARY KEY,
    submitted_at VARCHAR NOT NULL,     -- ISO UTC
    requester_node VARCHAR NOT NULL,
    requester_department VARCHAR NOT NULL,
    requester_operator VARCHAR NOT NULL,
    provider_department VARCHAR NOT NULL,
    provider_code VARCHAR NOT NULL,
    dataset VARCHAR NOT NULL,
    catalog_code VARCHAR NOT NULL,
    catalog_version INTEGER NOT NULL,
    columns JSON NOT NULL,
    division_scope VARCHAR,
    purpose VARCHAR NOT NULL,
    intended_use VARCHAR,
    legal_basis VARCHAR,
    commitment_text VARCHAR,
    commitment_sig VARCHAR,
    share_type VARCHAR NOT NULL,       -- unconditional | conditional | none (of the published entry and columns)
    emergency_kind VARCHAR,
    emergency_note VARCHAR,
    cross_level BOOLEAN NOT NULL,
    audience VARCHAR NOT NULL,         -- department | authorised | public
    status VARCHAR NOT NULL,
    conformity_due VARCHAR NOT NULL,
    conformity_at VARCHAR,
    conformity_by VARCHAR,
    conformity_note VARCHAR,
    forwarded_at VARCHAR,
    provider_due VARCHAR,
    decided_at VARCHAR,
    decided_by VARCHAR,
    refusal_reason VARCHAR,
    refusal_basis VARCHAR,
    grant_id VARCHAR,
    filing JSON,
    withdrawn_at VARCHAR,
    updated_at VARCHAR NOT NULL
  )`,
  `CREATE TABLE IF NOT EXISTS ${GRANTS_TABLE} (
    id VARCHAR PRIMARY KEY,
    request_id VARCHAR NOT NULL,
    dataset VARCHAR NOT NULL,
    catalog_code VARCHAR NOT NULL,
    catalog_version INTEGER NOT NULL,
    grantee_node VARCHAR NOT NULL,
    grantee_department VARCHAR NOT NULL,
    columns JSON NOT NULL,
    division_scope VARCHAR,
    purpose VARCHAR NOT NULL,
    audience VARCHAR NOT NULL,
    granted_at VARCHAR NOT NULL,
    granted_by VARCHAR NOT NULL,
    valid_until VARCHAR NOT NULL,     -- YYYY-MM-DD, inclusive
    core_approved BOOLEAN NOT NULL,
    revoked_at VARCHAR,
    revoked_reason VARCHAR
  )`,
];
