/**
 * `gongshu.grants`: what a decided request entitles its requester to — dataset, columns, division scope,
 * purpose, audience and validity. Backflow and share exports check them. Its reads and writes (the table: warehouse/system/sharing.ts).
 */
import { GRANTS_TABLE, type Warehouse } from '../../warehouse/index.ts';
import { insertRow, updateRow } from '../row-writes.ts';

const TABLE = GRANTS_TABLE;

/** A grant. */
export interface Grant {
  readonly id: string;
  readonly requestId: string;
  readonly dataset: string;
  readonly catalogCode: string;
  readonly catalogVersion: number;
  readonly granteeNode: string;
  readonly granteeDepartment: string;
  readonly columns: readonly string[];
  readonly divisionScope: string | null;
  readonly purpose: string;
  readonly audience: 'department' | 'authorised' | 'public';
  readonly grantedAt: string;
  readonly grantedBy: string;
  /** Last day (Asia/Shanghai) the grant may be used. */
  readonly validUntil: string;
  /** Core data (核心数据) leaves the node only under a grant that says so explicitly. */
  readonly coreApproved: boolean;
  readonly revokedAt: string | null;
  readonly revokedReason: string | null;
}

function fromRow(r: Record<string, unknown>): Grant {
  const s = (k: string) => (r[k] === null || r[k] === undefined ? null : String(r[k]));
  return {
    id: String(r.id),
    requestId: String(r.request_id),
    dataset: String(r.dataset),
    catalogCode: String(r.catalog_code),
    catalogVersion: Number(r.catalog_version),
    granteeNode: String(r.grantee_node),
    granteeDepartment: String(r.grantee_department),
    columns: JSON.parse(String(r.columns)) as string[],
    divisionScope: s('division_scope'),
    purpose: String(r.purpose),
    audience: String(r.audience) as Grant['audience'],
    grantedAt: String(r.granted_at),
    grantedBy: String(r.granted_by),
    validUntil: String(r.valid_until),
    coreApproved: Boolean(r.core_approved),
    revokedAt: s('revoked_at'),
    revokedReason: s('revoked_reason'),
  };
}

/** One grant, or undefined. */
export async function getGrant(wh: Warehouse, id: string): Promise<Grant | undefined> {
  const [r] = await wh.all(`SELECT * FROM ${TABLE} WHERE id = $1`, [id]);
  return r ? fromRow(r) : undefined;
}

/** Grants, newest first, optionally of one grantee node and dataset. */
export async function listGrants(
  wh: Warehouse,
  filter: { node?: string; dataset?: string } = {},
): Promise<Grant[]> {
  const where = [
    ...(filter.node ? ['grantee_node = $node'] : []),
    ...(filter.dataset ? ['dataset = $dataset'] : []),
  ];
  const rows = await wh.all(
    `SELECT * FROM ${TABLE} ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY granted_at DESC, id DESC`,
    { ...(filter.node ? { node: filter.node } : {}), ...(filter.dataset ? { dataset: filter.dataset } : {}) },
  );
  return rows.map(fromRow);
}

/** Stores a grant. */
export async function insertGrant(wh: Warehouse, g: Grant): Promise<void> {
  await insertRow(wh, TABLE, {
    id: g.id,
    request_id: g.requestId,
    dataset: g.dataset,
    catalog_code: g.catalogCode,
    catalog_version: g.catalogVersion,
    grantee_node: g.granteeNode,
    grantee_department: g.granteeDepartment,
    columns: g.columns,
    division_scope: g.divisionScope,
    purpose: g.purpose,
    audience: g.audience,
    granted_at: g.grantedAt,
    granted_by: g.grantedBy,
    valid_until: g.validUntil,
    core_approved: g.coreApproved,
    revoked_at: g.revokedAt,
    revoked_reason: g.revokedReason,
  });
}

/** Revokes a grant (its request was withdrawn). */
export async function revokeGrant(wh: Warehouse, id: string, at: string, reason: string): Promise<void> {
  await updateRow(wh, TABLE, 'id', id, { revoked_at: at, revoked_reason: reason });
}
