/**
 * The sharing-request workflow (第十七条、第二十一条):
 * `submitted` → conformity review (3 working days) → `granted` (unconditional) | `provider-review` (conditional,
 * 5 working days after forwarding) | `negotiation` (not shared) → `granted` | `refused` (reason and legal basis
 * required); `rejected` when not conforming; `withdrawn` by the requester; `fulfilled` once the grant is used.
 * Emergency requests are due within hours at each step and listed first. A cross-level request is filed (报备).
 * Every transition is validated before anything changes, then written with its audit entry in one transaction.
 */
import { divisionPrefix, levelOfCode, newId, SHARE_TYPE_LABELS } from '../../schemas/index.ts';
import { codeEntry } from '../catalog-lifecycle/lifecycle.ts';
import { type CatalogVersion, publishedCatalogVersion } from '../catalog-lifecycle/versions.ts';
import { shanghaiDate, shanghaiTime, stored } from '../clock.ts';
import { type Actor, auditEvent, type GovernanceContext } from '../context.ts';
import { type Deadline, hoursDeadline, workingDayDeadline } from '../deadlines.ts';
import { GovernanceError } from '../errors.ts';
import { type Grant, getGrant, insertGrant, listGrants, revokeGrant } from './grant-store.ts';
import {
  getShareRequest,
  insertShareRequest,
  listShareRequests,
  type Requester,
  type ShareRequest,
  updateShareRequest,
  WAITING_STATUSES,
} from './request-store.ts';

const RANK = { unconditional: 0, conditional: 1, none: 2 } as const;
const AUDIENCES = ['department', 'authorised', 'public'] as const;

/** What a requester submits. */
export interface SubmitRequestInput {
  readonly dataset: string;
  readonly columns: readonly string[];
  readonly purpose: string;
  readonly basis?: string | undefined;
  readonly use?: string | undefined;
  readonly commitment?: string | undefined;
  readonly commitmentSig?: string | undefined;
  readonly emergency?: { readonly kind: string; readonly note?: string | undefined } | undefined;
  readonly audience?: string | undefined;
  readonly divisionScope?: string | undefined;
  /** Defaults to this node. */
  readonly requester: Omit<Requester, 'node'> & { readonly node?: string | undefined };
  readonly at: Date;
}

/** The answer to a submission (the CLI and HTTP contract). */
export interface SubmitRequestResult {
  readonly id: string;
  readonly status: ShareRequest['status'];
  readonly shareType: ShareRequest['shareType'];
  readonly conformityDue: string;
  readonly emergency: string | null;
  readonly crossLevel: boolean;
}

/** The published catalog version of a dataset; a clear error when it is not catalogued or not published. */
export async function publishedEntryOf(ctx: GovernanceContext, dataset: string): Promise<CatalogVersion> {
  const published = await publishedCatalogVersion(ctx.wh, dataset);
  if (published) return published;
  let code: string | undefined;
  try {
    code = codeEntry(ctx, dataset).entry.code;
  } catch {
    throw new GovernanceError(
      'not-found',
      'not-catalogued',
      `dataset ${dataset}: not in the catalog of node ${ctx.node.id}, so it cannot be requested or granted (第六条、第十七条). Fix: the provider catalogues it (dataset.catalog) and publishes the entry: gongshu catalog submit|approve|publish`,
      { dataset },
    );
  }
  throw new GovernanceError(
    'not-found',
    'not-published',
    `dataset ${dataset}: its catalog entry ${code} is not published; only published entries can be requested, granted or exported. Fix: gongshu catalog submit ${code}, then approve and publish it`,
    { dataset, code },
  );
}

function deadline(ctx: GovernanceContext, from: Date, days: number, emergency: boolean): Deadline {
  return emergency ? hoursDeadline(from, ctx.config.sharing.emergency.hours) : workingDayDeadline(from, days);
}

/** The checked basics of a submission: who asks, for what, which columns, for whom, within which divisions. */
function checkSubmission(ctx: GovernanceContext, input: SubmitRequestInput) {
  const requesterNode = input.requester.node ?? ctx.node.id;
  const purpose = input.purpose.trim();
  if (!purpose) {
    throw new GovernanceError(
      'invalid',
      'no-purpose',
      `request ${input.dataset}: state the use scenario (应用场景, 第十七条). Fix: --purpose "低保资格复核"`,
    );
  }
  const columns = [...new Set(input.columns.map((c) => c.trim()).filter(Boolean))];
  if (columns.length === 0) {
    throw new GovernanceError(
      'invalid',
      'no-columns',
      `request ${input.dataset}: name the columns needed (minimum necessary, 第二十一条). Fix: --columns id_number,name`,
    );
  }
  const audience = input.audience ?? 'department';
  if (!(AUDIENCES as readonly string[]).includes(audience)) {
    throw new GovernanceError(
      'invalid',
      'bad-audience',
      `request ${input.dataset}: audience must be one of ${AUDIENCES.join(', ')}; got ${JSON.stringify(audience)}`,
    );
  }
  const kinds = ctx.config.sharing.emergency.kinds;
  if (input.emergency && !kinds.includes(input.emergency.kind)) {
    throw new GovernanceError(
      'invalid',
      'bad-emergency',
      `request ${input.dataset}: emergency kind ${JSON.stringify(input.emergency.kind)} is not one of ${kinds.join(', ')}. Fix: --emergency ${kinds[0]}, or add the kind to sharing.emergency.kinds`,
    );
  }
  const remote = requesterNode !== ctx.node.id;
  const ownPrefix = remote ? divisionPrefix(requesterNode) : null;
  const scope = input.divisionScope?.trim() || ownPrefix;
  if (scope !== null && (!/^\d{2,6}$/.test(scope) || (ownPrefix !== null && !scope.startsWith(ownPrefix)))) {
    throw new GovernanceError(
      'invalid',
      'bad-division-scope',
      `request ${input.dataset}: division scope ${JSON.stringify(scope)} must be a division-code prefix${ownPrefix ? ` inside the requester's jurisdiction ${ownPrefix}` : ''}`,
    );
  }
  return { requesterNode, purpose, columns, audience: audience as ShareRequest['audience'], remote, scope };
}

/** The share type of the columns asked for (the strictest), checked against the entry; the legal basis it needs. */
function checkColumns(
  input: SubmitRequestInput,
  entry: CatalogVersion['entry'],
  columns: readonly string[],
): { shareType: ShareRequest['shareType']; basis: string | null } {
  const fields = new Map(entry.fields.map((f) => [f.name, f]));
  const unknown = columns.filter((c) => !fields.has(c));
  if (unknown.length) {
    throw new GovernanceError(
      'invalid',
      'unknown-columns',
      `request ${input.dataset}: the catalog entry ${entry.code} has no column ${unknown.join(', ')} (it has ${[...fields.keys()].join(', ')}). Fix: request catalogued columns only`,
      { dataset: input.dataset, columns: unknown },
    );
  }
  const shareType = columns
    .map((c) => fields.get(c)!.shareType ?? entry.shareType)
    .reduce((a, b) => (RANK[b] > RANK[a] ? b : a), entry.shareType);
  const basis = input.basis?.trim() || null;
  if (shareType !== 'unconditional' && !basis) {
    throw new GovernanceError(
      'invalid',
      'no-basis',
      `request ${input.dataset}: the columns asked for are ${SHARE_TYPE_LABELS[shareType].zh} (${shareType}); such a request states its legal basis (第十九条、第二十一条). Fix: --basis "《…》第…条"`,
      { dataset: input.dataset },
    );
  }
  return { shareType, basis };
}

/** Stores a submitted request with its audit entries (and the filing of a cross-level one), in one transaction. */
async function recordSubmission(ctx: GovernanceContext, request: ShareRequest, conformityDue: string) {
  const actor = { operator: request.requester.operator, department: request.requester.department };
  const remote = request.requester.node !== ctx.node.id;
  await ctx.wh.transaction(async () => {
    await insertShareRequest(ctx.wh, request);
    await auditEvent(ctx, 'request-submitted', {
      at: new Date(request.submittedAt),
      actor,
      peer: remote ? request.requester.node : null,
      dataset: request.dataset,
      columns: request.columns,
      purpose: request.purpose,
      details: {
        request: request.id,
        code: request.catalogCode,
        version: request.catalogVersion,
        shareType: request.shareType,
        emergency: request.emergency?.kind ?? null,
        conformityDue,
        audience: request.audience,
      },
    });
    if (request.filing) {
      await auditEvent(ctx, 'request-filed', {
        at: new Date(request.submittedAt),
        actor,
        peer: request.requester.node,
        dataset: request.dataset,
        details: { request: request.id, authority: request.filing.authority },
      });
    }
  });
}

/** Submits a sharing request. */
export async function submitRequest(
  ctx: GovernanceContext,
  input: SubmitRequestInput,
): Promise<SubmitRequestResult> {
  const { requesterNode, purpose, columns, audience, remote, scope } = checkSubmission(ctx, input);
  const published = await publishedEntryOf(ctx, input.dataset);
  const entry = published.entry;
  const { shareType, basis } = checkColumns(input, entry, columns);
  const at = input.at;
  const emergency = input.emergency
    ? { kind: input.emergency.kind, note: input.emergency.note?.trim() || null }
    : null;
  const due = deadline(ctx, at, ctx.config.sharing.conformityDays, emergency !== null);
  const crossLevel = remote && levelOfCode(requesterNode) !== ctx.node.level;
  const request: ShareRequest = {
    id: newId('req', at),
    submittedAt: stored(at),
    requester: {
      node: requesterNode,
      department: input.requester.department.trim(),
      operator: input.requester.operator.trim(),
    },
    provider: { department: entry.provider.name, code: entry.provider.code },
    dataset: input.dataset,
    catalogCode: entry.code,
    catalogVersion: published.version,
    columns,
    divisionScope: scope,
    purpose,
    intendedUse: input.use?.trim() || null,
    legalBasis: basis,
    commitmentText: input.commitment?.trim() || null,
    commitmentSig: input.commitmentSig ?? null,
    shareType,
    emergency,
    crossLevel,
    audience,
    status: 'submitted',
    conformityDue: stored(due.at),
    conformityAt: null,
    conformityBy: null,
    conformityNote: null,
    forwardedAt: null,
    providerDue: null,
    decidedAt: null,
    decidedBy: null,
    refusalReason: null,
    refusalBasis: null,
    grantId: null,
    filing: crossLevel
      ? {
          authority: requesterNode,
          filedAt: stored(at),
          note: `跨层级共享申请报备: node ${requesterNode} (${levelOfCode(requesterNode)}) → node ${ctx.node.id} (${ctx.node.level})`,
        }
      : null,
    withdrawnAt: null,
    updatedAt: stored(at),
  };
  await recordSubmission(ctx, request, shanghaiTime(due.at));
  return {
    id: request.id,
    status: request.status,
    shareType,
    conformityDue: shanghaiTime(due.at),
    emergency: emergency?.kind ?? null,
    crossLevel,
  };
}

async function requestOrThrow(ctx: GovernanceContext, id: string): Promise<ShareRequest> {
  const r = await getShareRequest(ctx.wh, id);
  if (!r) {
    throw new GovernanceError(
      'not-found',
      'unknown-request',
      `request ${id}: not found on node ${ctx.node.id}. Fix: gongshu request list`,
      { request: id },
    );
  }
  return r;
}

function wrongState(r: ShareRequest, action: string, allowed: readonly string[]): GovernanceError {
  return new GovernanceError(
    'state',
    'wrong-state',
    `request ${r.id}: cannot ${action} a request that is ${r.status}; only ${allowed.join(' or ')} requests can be. Nothing was changed`,
    { request: r.id, status: r.status },
  );
}

/** The answer to a review or decision. */
export interface TransitionResult {
  readonly id: string;
  readonly status: ShareRequest['status'];
  readonly providerDue?: string;
  readonly grantId?: string;
}

/**
 * The conformity review by the data authority: `conform` forwards a conditional request to the provider (due 5
 * working days later), grants an unconditional one at once (core data always goes to the provider), and sends a
 * not-shared one to negotiation; `reject` (with a reason) ends it.
 */
export async function reviewRequest(
  ctx: GovernanceContext,
  input:
    | { id: string; conform: true; note?: string | undefined; actor: Actor; at: Date }
    | { id: string; reject: string; actor: Actor; at: Date },
): Promise<TransitionResult> {
  const r = await requestOrThrow(ctx, input.id);
  if (r.status !== 'submitted') throw wrongState(r, 'review', ['submitted']);
  const at = input.at;
  if ('reject' in input) {
    if (!input.reject.trim()) {
      throw new GovernanceError(
        'invalid',
        'no-reason',
        `request ${r.id}: a conformity rejection needs a reason. Fix: --reject --reason "…"`,
      );
    }
    await ctx.wh.transaction(async () => {
      await updateShareRequest(ctx.wh, r.id, {
        status: 'rejected',
        conformity_at: stored(at),
        conformity_by: input.actor.operator,
        conformity_note: input.reject.trim(),
        updated_at: stored(at),
      });
      await auditEvent(ctx, 'request-reviewed', {
        at,
        actor: input.actor,
        peer: peerOf(ctx, r),
        dataset: r.dataset,
        details: {
          request: r.id,
          outcome: 'rejected',
          reason: input.reject.trim(),
          late: at.getTime() > Date.parse(r.conformityDue),
        },
      });
    });
    return { id: r.id, status: 'rejected' };
  }
  const published = await publishedEntryOf(ctx, r.dataset);
  const core = published.entry.securityGrade === 'core';
  const next: ShareRequest['status'] =
    r.shareType === 'unconditional' && !core
      ? 'granted'
      : r.shareType === 'none'
        ? 'negotiation'
        : 'provider-review';
  return ctx.wh.transaction(async () => {
    const base = {
      conformity_at: stored(at),
      conformity_by: input.actor.operator,
      conformity_note: input.note?.trim() || null,
      updated_at: stored(at),
    };
    const late = at.getTime() > Date.parse(r.conformityDue);
    if (next === 'granted') {
      const grant = await issueGrant(ctx, r, {
        columns: r.columns,
        by: input.actor,
        at,
        coreApproved: false,
      });
      await updateShareRequest(ctx.wh, r.id, {
        ...base,
        status: 'granted',
        decided_at: stored(at),
        decided_by: input.actor.operator,
        grant_id: grant.id,
      });
      await auditEvent(ctx, 'request-reviewed', {
        at,
        actor: input.actor,
        peer: peerOf(ctx, r),
        dataset: r.dataset,
        details: { request: r.id, outcome: 'granted', grant: grant.id, late },
      });
      return { id: r.id, status: 'granted', grantId: grant.id };
    }
    const due = deadline(ctx, at, ctx.config.sharing.providerDays, r.emergency !== null);
    await updateShareRequest(ctx.wh, r.id, {
      ...base,
      status: next,
      forwarded_at: stored(at),
      provider_due: stored(due.at),
    });
    await auditEvent(ctx, 'request-reviewed', {
      at,
      actor: input.actor,
      peer: peerOf(ctx, r),
      dataset: r.dataset,
      details: { request: r.id, outcome: next, providerDue: shanghaiTime(due.at), late },
    });
    return { id: r.id, status: next, providerDue: shanghaiTime(due.at) };
  });
}

function peerOf(ctx: GovernanceContext, r: ShareRequest): string | null {
  return r.requester.node === ctx.node.id ? null : r.requester.node;
}

/** What a grant decision may set. */
export interface GrantTerms {
  /** A subset of the requested columns; defaults to all of them. */
  readonly columns?: readonly string[] | undefined;
  /** Last valid day (YYYY-MM-DD); defaults to sharing.grantValidDays after the decision. */
  readonly validUntil?: string | undefined;
  /** Required to grant core data (核心数据). */
  readonly allowCore?: boolean | undefined;
}

/**
 * The provider's decision on a forwarded (or negotiated) request: `grant` (columns, validity), or `refuse` with
 * a reason and a legal basis, both required (第二十一条).
 */
export async function decideRequest(
  ctx: GovernanceContext,
  input:
    | { id: string; grant: GrantTerms; actor: Actor; at: Date }
    | {
        id: string;
        refuse: { reason?: string | undefined; basis?: string | undefined };
        actor: Actor;
        at: Date;
      },
): Promise<TransitionResult> {
  const r = await requestOrThrow(ctx, input.id);
  const at = input.at;
  if ('refuse' in input) {
    const reason = input.refuse.reason?.trim();
    const basis = input.refuse.basis?.trim();
    if (!reason || !basis) {
      const missing = [reason ? null : '--reason', basis ? null : '--basis'].filter(Boolean).join(' and ');
      throw new GovernanceError(
        'invalid',
        'refusal-incomplete',
        `request ${r.id}: a refusal needs a reason and a legal basis (第二十一条: 不予共享的应当说明理由并提供依据); missing ${missing}. Nothing was changed. Fix: --refuse --reason "…" --basis "《…》第…条"`,
        { request: r.id },
      );
    }
    if (r.status !== 'provider-review' && r.status !== 'negotiation')
      throw wrongState(r, 'decide on', ['provider-review', 'negotiation']);
    await ctx.wh.transaction(async () => {
      await updateShareRequest(ctx.wh, r.id, {
        status: 'refused',
        decided_at: stored(at),
        decided_by: input.actor.operator,
        refusal_reason: reason,
        refusal_basis: basis,
        updated_at: stored(at),
      });
      await auditEvent(ctx, 'request-decided', {
        at,
        actor: input.actor,
        peer: peerOf(ctx, r),
        dataset: r.dataset,
        details: {
          request: r.id,
          outcome: 'refused',
          reason,
          basis,
          late: r.providerDue !== null && at.getTime() > Date.parse(r.providerDue),
        },
      });
    });
    return { id: r.id, status: 'refused' };
  }
  if (r.status !== 'provider-review' && r.status !== 'negotiation')
    throw wrongState(r, 'decide on', ['provider-review', 'negotiation']);
  const columns = input.grant.columns?.length ? [...new Set(input.grant.columns)] : [...r.columns];
  const extra = columns.filter((c) => !r.columns.includes(c));
  if (extra.length) {
    throw new GovernanceError(
      'invalid',
      'columns-not-requested',
      `request ${r.id}: columns ${extra.join(', ')} were not requested (requested: ${r.columns.join(', ')}); a grant covers at most what was asked for`,
    );
  }
  return ctx.wh.transaction(async () => {
    const grant = await issueGrant(ctx, r, {
      columns,
      by: input.actor,
      at,
      coreApproved: input.grant.allowCore === true,
      ...(input.grant.validUntil ? { validUntil: input.grant.validUntil } : {}),
    });
    await updateShareRequest(ctx.wh, r.id, {
      status: 'granted',
      decided_at: stored(at),
      decided_by: input.actor.operator,
      grant_id: grant.id,
      updated_at: stored(at),
    });
    await auditEvent(ctx, 'request-decided', {
      at,
      actor: input.actor,
      peer: peerOf(ctx, r),
      dataset: r.dataset,
      columns,
      details: {
        request: r.id,
        outcome: 'granted',
        grant: grant.id,
        validUntil: grant.validUntil,
        late: r.providerDue !== null && at.getTime() > Date.parse(r.providerDue),
      },
    });
    return { id: r.id, status: 'granted', grantId: grant.id };
  });
}

/** Creates the grant of a request (checks: published entry, core gate, validity). */
async function issueGrant(
  ctx: GovernanceContext,
  r: ShareRequest,
  terms: { columns: readonly string[]; by: Actor; at: Date; coreApproved: boolean; validUntil?: string },
): Promise<Grant> {
  const published = await publishedEntryOf(ctx, r.dataset);
  if (published.entry.securityGrade === 'core' && !terms.coreApproved) {
    throw new GovernanceError(
      'forbidden',
      'core-needs-explicit-grant',
      `request ${r.id}: ${r.dataset} is core data (核心数据, GB/T 43697); it leaves the node only by an explicit grant. Fix: decide with --grant --allow-core after the approval the rules require`,
      { request: r.id },
    );
  }
  const today = shanghaiDate(terms.at);
  const validUntil =
    terms.validUntil ??
    shanghaiDate(new Date(terms.at.getTime() + ctx.config.sharing.grantValidDays * 86_400_000));
  if (!/^\d{4}-\d{2}-\d{2}$/.test(validUntil) || validUntil < today) {
    throw new GovernanceError(
      'invalid',
      'bad-valid-until',
      `request ${r.id}: --valid-until must be a date YYYY-MM-DD not before today (${today}); got ${JSON.stringify(validUntil)}`,
    );
  }
  const grant: Grant = {
    id: newId('grt', terms.at),
    requestId: r.id,
    dataset: r.dataset,
    catalogCode: published.code,
    catalogVersion: published.version,
    granteeNode: r.requester.node,
    granteeDepartment: r.requester.department,
    columns: terms.columns,
    divisionScope: r.divisionScope,
    purpose: r.purpose,
    audience: r.audience,
    grantedAt: stored(terms.at),
    grantedBy: terms.by.operator,
    validUntil,
    coreApproved: terms.coreApproved,
    revokedAt: null,
    revokedReason: null,
  };
  await insertGrant(ctx.wh, grant);
  await auditEvent(ctx, 'grant-issued', {
    at: terms.at,
    actor: terms.by,
    peer: peerOf(ctx, r),
    dataset: r.dataset,
    columns: grant.columns,
    purpose: r.purpose,
    details: {
      request: r.id,
      grant: grant.id,
      validUntil,
      divisionScope: grant.divisionScope,
      audience: grant.audience,
      coreApproved: grant.coreApproved,
    },
  });
  return grant;
}

/** The requester withdraws a request (its grant, if any, is revoked). */
export async function withdrawRequest(
  ctx: GovernanceContext,
  input: {
    id: string;
    reason?: string | undefined;
    actor: Actor;
    at: Date;
    requesterNode?: string | undefined;
  },
): Promise<TransitionResult> {
  const r = await requestOrThrow(ctx, input.id);
  if (input.requesterNode && input.requesterNode !== r.requester.node) {
    throw new GovernanceError(
      'forbidden',
      'not-yours',
      `request ${r.id}: only its requester (node ${r.requester.node}) may withdraw it`,
    );
  }
  if (['refused', 'rejected', 'withdrawn'].includes(r.status)) {
    throw wrongState(r, 'withdraw', ['submitted', 'provider-review', 'negotiation', 'granted', 'fulfilled']);
  }
  await ctx.wh.transaction(async () => {
    await updateShareRequest(ctx.wh, r.id, {
      status: 'withdrawn',
      withdrawn_at: stored(input.at),
      updated_at: stored(input.at),
    });
    if (r.grantId)
      await revokeGrant(
        ctx.wh,
        r.grantId,
        stored(input.at),
        `request withdrawn${input.reason ? `: ${input.reason}` : ''}`,
      );
    await auditEvent(ctx, 'request-withdrawn', {
      at: input.at,
      actor: input.actor,
      peer: peerOf(ctx, r),
      dataset: r.dataset,
      details: { request: r.id, grant: r.grantId, reason: input.reason ?? null },
    });
  });
  return { id: r.id, status: 'withdrawn' };
}

/** Marks a granted request fulfilled (its grant was used). */
export async function markFulfilled(ctx: GovernanceContext, requestId: string, at: Date): Promise<void> {
  const r = await getShareRequest(ctx.wh, requestId);
  if (r?.status === 'granted')
    await updateShareRequest(ctx.wh, r.id, { status: 'fulfilled', updated_at: stored(at) });
}

/** A request as listed: effective status (`expired` once its grant lapsed), due date and overdue flag. */
export interface RequestView {
  readonly id: string;
  readonly status: ShareRequest['status'] | 'expired';
  readonly dataset: string;
  readonly columns: readonly string[];
  readonly requesterNode: string;
  readonly requesterDepartment: string;
  readonly provider: string;
  readonly shareType: ShareRequest['shareType'];
  readonly emergency: string | null;
  readonly crossLevel: boolean;
  readonly submittedAt: string;
  /** The deadline of the step the request waits in (Asia/Shanghai), or null when nobody owes an answer. */
  readonly dueAt: string | null;
  readonly overdue: boolean;
  readonly grantId: string | null;
  readonly validUntil: string | null;
  readonly refusalReason: string | null;
  readonly refusalBasis: string | null;
}

/** The view of one request at `at`. */
export function requestView(r: ShareRequest, grant: Grant | undefined, at: Date): RequestView {
  const waiting = WAITING_STATUSES.includes(r.status);
  const due = r.status === 'submitted' ? r.conformityDue : waiting ? r.providerDue : null;
  const expired =
    (r.status === 'granted' || r.status === 'fulfilled') &&
    grant !== undefined &&
    grant.validUntil < shanghaiDate(at);
  return {
    id: r.id,
    status: expired ? 'expired' : r.status,
    dataset: r.dataset,
    columns: r.columns,
    requesterNode: r.requester.node,
    requesterDepartment: r.requester.department,
    provider: r.provider.department,
    shareType: r.shareType,
    emergency: r.emergency?.kind ?? null,
    crossLevel: r.crossLevel,
    submittedAt: shanghaiTime(new Date(r.submittedAt)),
    dueAt: due ? shanghaiTime(new Date(due)) : null,
    overdue: due !== null && at.getTime() > Date.parse(due),
    grantId: r.grantId,
    validUntil: grant?.validUntil ?? null,
    refusalReason: r.refusalReason,
    refusalBasis: r.refusalBasis,
  };
}

/**
 * Requests as of `at`: waiting emergency requests first, then waiting ones by due time, then the rest newest
 * first. `overdue` keeps only those past due.
 */
export async function listRequests(
  ctx: Pick<GovernanceContext, 'wh'>,
  options: { at: Date; overdue?: boolean; requesterNode?: string },
): Promise<RequestView[]> {
  const grants = new Map((await listGrants(ctx.wh)).map((g) => [g.id, g]));
  const views = (
    await listShareRequests(ctx.wh, options.requesterNode ? { requesterNode: options.requesterNode } : {})
  ).map((r) => requestView(r, r.grantId ? grants.get(r.grantId) : undefined, options.at));
  const rank = (v: RequestView) => (v.dueAt ? (v.emergency ? 0 : 1) : 2);
  views.sort(
    (a, b) =>
      rank(a) - rank(b) ||
      (a.dueAt && b.dueAt ? a.dueAt.localeCompare(b.dueAt) : b.submittedAt.localeCompare(a.submittedAt)),
  );
  return options.overdue ? views.filter((v) => v.overdue) : views;
}

/** One request's view (for `GET /v1/requests/:id` and `request show`). */
export async function showRequest(
  ctx: Pick<GovernanceContext, 'wh' | 'node'>,
  id: string,
  at: Date,
): Promise<RequestView & { request: ShareRequest }> {
  const r = await getShareRequest(ctx.wh, id);
  if (!r)
    throw new GovernanceError(
      'not-found',
      'unknown-request',
      `request ${id}: not found on node ${ctx.node.id}`,
      { request: id },
    );
  const grant = r.grantId ? await getGrant(ctx.wh, r.grantId) : undefined;
  return { ...requestView(r, grant, at), request: r };
}
