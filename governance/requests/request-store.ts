/**
 * `gongshu.share_requests`: sharing requests (第十七条、第二十一条) from submission to decision, with their
 * deadlines. Every read and write goes through these functions (the table: warehouse/system/sharing.ts).
 */
import { SHARE_REQUESTS_TABLE, type Warehouse } from '../../warehouse/index.ts';
import { insertRow, type RowValue, updateRow } from '../row-writes.ts';

const TABLE = SHARE_REQUESTS_TABLE;

/** Where a request is in its workflow. */
export type RequestStatus =
  | 'submitted' // waiting for the conformity review (3 working days)
  | 'provider-review' // conditional: forwarded to the provider (5 working days)
  | 'negotiation' // not shared (不予共享): the provider and requester negotiate, the authority coordinates
  | 'granted'
  | 'fulfilled' // granted and used at least once
  | 'refused' // the provider refused, with reason and legal basis
  | 'rejected' // the conformity review found the request not conforming
  | 'withdrawn';

/** States in which the request waits for someone: only these can be overdue. */
export const WAITING_STATUSES: readonly RequestStatus[] = ['submitted', 'provider-review', 'negotiation'];

/** Who asks for the data (a department of this node or of a child node). */
export interface Requester {
  readonly node: string;
  readonly department: string;
  readonly operator: string;
}

/** A cross-level filing (报备) record. */
export interface Filing {
  readonly authority: string;
  readonly filedAt: string;
  readonly note: string;
}

/** A sharing request as stored. */
export interface ShareRequest {
  readonly id: string;
  readonly submittedAt: string;
  readonly requester: Requester;
  readonly provider: { readonly department: string; readonly code: string };
  readonly dataset: string;
  readonly catalogCode: string;
  readonly catalogVersion: number;
  readonly columns: readonly string[];
  /** Division prefix the rows are limited to (the requester's jurisdiction), or null for all. */
  readonly divisionScope: string | null;
  /** 应用场景: the use scenario. */
  readonly purpose: string;
  readonly intendedUse: string | null;
  /** The requester's legal basis for needing the data. */
  readonly legalBasis: string | null;
  readonly commitmentText: string | null;
  /** For a request from a child node: the node's signature of the request that carried the commitment. */
  readonly commitmentSig: string | null;
  readonly shareType: 'unconditional' | 'conditional' | 'none';
  readonly emergency: { readonly kind: string; readonly note: string | null } | null;
  readonly crossLevel: boolean;
  /** `department` (government use), `authorised` (a named third party), `public` (to be published: open masking). */
  readonly audience: 'department' | 'authorised' | 'public';
  readonly status: RequestStatus;
  readonly conformityDue: string;
  readonly conformityAt: string | null;
  readonly conformityBy: string | null;
  readonly conformityNote: string | null;
  readonly forwardedAt: string | null;
  readonly providerDue: string | null;
  readonly decidedAt: string | null;
  readonly decidedBy: string | null;
  readonly refusalReason: string | null;
  readonly refusalBasis: string | null;
  readonly grantId: string | null;
  readonly filing: Filing | null;
  readonly withdrawnAt: string | null;
  readonly updatedAt: string;
}

type Row = Record<string, unknown>;

function fromRow(r: Row): ShareRequest {
  const s = (k: string) => (r[k] === null || r[k] === undefined ? null : String(r[k]));
  return {
    id: String(r.id),
    submittedAt: String(r.submitted_at),
    requester: {
      node: String(r.requester_node),
      department: String(r.requester_department),
      operator: String(r.requester_operator),
    },
    provider: { department: String(r.provider_department), code: String(r.provider_code) },
    dataset: String(r.dataset),
    catalogCode: String(r.catalog_code),
    catalogVersion: Number(r.catalog_version),
    columns: JSON.parse(String(r.columns)) as string[],
    divisionScope: s('division_scope'),
    purpose: String(r.purpose),
    intendedUse: s('intended_use'),
    legalBasis: s('legal_basis'),
    commitmentText: s('commitment_text'),
    commitmentSig: s('commitment_sig'),
    shareType: String(r.share_type) as ShareRequest['shareType'],
    emergency: r.emergency_kind ? { kind: String(r.emergency_kind), note: s('emergency_note') } : null,
    crossLevel: Boolean(r.cross_level),
    audience: String(r.audience) as ShareRequest['audience'],
    status: String(r.status) as RequestStatus,
    conformityDue: String(r.conformity_due),
    conformityAt: s('conformity_at'),
    conformityBy: s('conformity_by'),
    conformityNote: s('conformity_note'),
    forwardedAt: s('forwarded_at'),
    providerDue: s('provider_due'),
    decidedAt: s('decided_at'),
    decidedBy: s('decided_by'),
    refusalReason: s('refusal_reason'),
    refusalBasis: s('refusal_basis'),
    grantId: s('grant_id'),
    filing: r.filing ? (JSON.parse(String(r.filing)) as Filing) : null,
    withdrawnAt: s('withdrawn_at'),
    updatedAt: String(r.updated_at),
  };
}

/** One request, or undefined. */
export async function getShareRequest(wh: Warehouse, id: string): Promise<ShareRequest | undefined> {
  const [r] = await wh.all(`SELECT * FROM ${TABLE} WHERE id = $1`, [id]);
  return r ? fromRow(r) : undefined;
}

/** All requests, oldest first (optionally of one requesting node or dataset). */
export async function listShareRequests(
  wh: Warehouse,
  filter: { requesterNode?: string; dataset?: string } = {},
): Promise<ShareRequest[]> {
  const where = [
    ...(filter.requesterNode ? ['requester_node = $node'] : []),
    ...(filter.dataset ? ['dataset = $dataset'] : []),
  ];
  const rows = await wh.all(
    `SELECT * FROM ${TABLE} ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY submitted_at, id`,
    {
      ...(filter.requesterNode ? { node: filter.requesterNode } : {}),
      ...(filter.dataset ? { dataset: filter.dataset } : {}),
    },
  );
  return rows.map(fromRow);
}

/** Stores a new request. */
export async function insertShareRequest(wh: Warehouse, r: ShareRequest): Promise<void> {
  await insertRow(wh, TABLE, {
    id: r.id,
    submitted_at: r.submittedAt,
    requester_node: r.requester.node,
    requester_department: r.requester.department,
    requester_operator: r.requester.operator,
    provider_department: r.provider.department,
    provider_code: r.provider.code,
    dataset: r.dataset,
    catalog_code: r.catalogCode,
    catalog_version: r.catalogVersion,
    columns: r.columns,
    division_scope: r.divisionScope,
    purpose: r.purpose,
    intended_use: r.intendedUse,
    legal_basis: r.legalBasis,
    commitment_text: r.commitmentText,
    commitment_sig: r.commitmentSig,
    share_type: r.shareType,
    emergency_kind: r.emergency?.kind ?? null,
    emergency_note: r.emergency?.note ?? null,
    cross_level: r.crossLevel,
    audience: r.audience,
    status: r.status,
    conformity_due: r.conformityDue,
    filing: r.filing ? { ...r.filing } : null,
    updated_at: r.updatedAt,
  });
}

/** The columns a transition may set, by their stored names. */
export interface RequestUpdate {
  readonly status: RequestStatus;
  readonly updated_at: string;
  readonly [column: string]: RowValue;
}

/** Applies a transition's changes to a request. */
export async function updateShareRequest(wh: Warehouse, id: string, set: RequestUpdate): Promise<void> {
  await updateRow(wh, TABLE, 'id', id, set);
}
