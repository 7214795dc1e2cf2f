/**
 * Objections and corrections (第二十三条、第三十条, GOVERNANCE C): anyone using shared or open data reports an
 * error or objection against one record; the provider verifies it by a due date in working days (default 5, a
 * leak the same day) and answers with an outcome. An open objection never blocks the use of the data (第二十三条
 * 第二款): nothing here touches the dataset's table. Each transition is appended to the audit chain with the
 * record key masked; the claim, evidence and note are stored with identifiers, mobile numbers and personal names
 * masked (claim-masking.ts).
 */
import { dirname } from 'node:path';
import { newId } from '../../schemas/index.ts';
import { stored } from '../clock.ts';
import { type Actor, auditEvent, codeCatalog, type GovernanceContext } from '../context.ts';
import { workingDayDeadline } from '../deadlines.ts';
import { GovernanceError } from '../errors.ts';
import { removeLatest } from '../open-data/open-export.ts';
import { suspendLiveVersions } from '../open-data/resource-versions.ts';
import { maskFreeText, recordNames } from './claim-masking.ts';
import {
  getObjection,
  insertObjection,
  listObjections,
  maskedKey,
  type OBJECTION_CHANNELS,
  OBJECTION_OUTCOMES,
  type OBJECTION_TYPES,
  type Objection,
  type ObjectionOutcome,
  type ObjectionStatus,
  redactIds,
  resolveObjectionRow,
  SUSPENDING_OUTCOMES,
} from './objection-store.ts';

/** Working days a provider has to answer an objection (第三十条 立即核实); a leak is due the same day. */
export const OBJECTION_DUE_DAYS = 5;

/** What `objection raise` takes. */
export interface RaiseObjectionInput {
  readonly dataset: string;
  readonly key: string;
  readonly columns: readonly string[];
  readonly claim: string;
  readonly evidence?: string | undefined;
  readonly type?: (typeof OBJECTION_TYPES)[number] | undefined;
  readonly channel?: (typeof OBJECTION_CHANNELS)[number] | undefined;
  readonly actor: Actor;
  readonly at: Date;
}

/** An objection as listed and printed: the key masked, the claim with identity numbers masked. */
export interface ObjectionView {
  readonly id: string;
  readonly dataset: string;
  readonly catalogCode: string | null;
  readonly provider: string | null;
  readonly type: Objection['type'];
  readonly channel: Objection['channel'];
  readonly key: string;
  readonly columns: readonly string[];
  readonly claim: string;
  readonly status: ObjectionStatus;
  readonly raisedAt: string;
  readonly dueAt: string;
  readonly dueDate: string;
  readonly overdue: boolean;
  readonly resolvedAt: string | null;
  readonly note: string | null;
}

/** The view of an objection at `now`. */
export function objectionView(o: Objection, now: Date): ObjectionView {
  return {
    id: o.id,
    dataset: o.dataset,
    catalogCode: o.catalogCode,
    provider: o.providerDepartment,
    type: o.type,
    channel: o.channel,
    key: maskedKey(o.recordKey),
    columns: o.columns,
    claim: maskFreeText(redactIds(o.claim)),
    status: o.status,
    raisedAt: o.raisedAt,
    dueAt: o.dueAt,
    dueDate: o.dueDate,
    overdue: o.status === 'open' && now.getTime() > Date.parse(o.dueAt),
    resolvedAt: o.resolvedAt,
    note: o.note === null ? null : maskFreeText(redactIds(o.note)),
  };
}

/** Raises an objection; returns its id, status (`open`) and due time. The data stays in use. */
export async function raiseObjection(
  ctx: GovernanceContext,
  input: RaiseObjectionInput,
): Promise<{ id: string; status: ObjectionStatus; dueAt: string; dueDate: string }> {
  const entry = [...codeCatalog(ctx.project).values()].find((e) => e.dataset === input.dataset);
  if (!entry) {
    throw new GovernanceError(
      'not-found',
      'unknown-dataset',
      `objection: dataset ${input.dataset} is not in the catalog of node ${ctx.node.id}. Fix: name a catalogued dataset (gongshu open catalog)`,
      { dataset: input.dataset },
    );
  }
  const fields = new Set(entry.entry.fields.map((f) => f.name));
  const unknown = input.columns.filter((c) => !fields.has(c));
  if (!input.columns.length || unknown.length) {
    throw new GovernanceError(
      'invalid',
      'unknown-columns',
      `objection ${input.dataset}: --column must name items of catalog entry ${entry.entry.code}; ${unknown.length ? `not items: ${unknown.join(', ')}` : 'none given'} (items: ${[...fields].join(', ')})`,
    );
  }
  const key = input.key.trim();
  // What people typed is masked before it is stored (DOMAIN §7): IDs, mobile numbers, the record's names.
  const names = key ? await recordNames(ctx, entry, key) : [];
  const claim = maskFreeText(input.claim.trim(), names);
  if (!key || !claim) {
    throw new GovernanceError(
      'invalid',
      'incomplete',
      `objection ${input.dataset}: give the record's key (--key) and what is wrong (--claim)`,
    );
  }
  const type = input.type ?? 'error';
  const due = workingDayDeadline(input.at, type === 'leak' ? 0 : OBJECTION_DUE_DAYS);
  const objection: Objection = {
    id: newId('obj', input.at),
    raisedAt: stored(input.at),
    channel: input.channel ?? 'open',
    type,
    submitter: input.actor.operator,
    submitterDepartment: input.actor.department ?? null,
    dataset: input.dataset,
    catalogCode: entry.entry.code,
    resourceVersion: null,
    providerDepartment: entry.entry.provider.name,
    recordKey: key,
    columns: [...input.columns],
    claim,
    evidence: input.evidence?.trim() ? maskFreeText(input.evidence.trim(), names) : null,
    status: 'open',
    dueAt: stored(due.at),
    dueDate: due.date,
    resolvedAt: null,
    resolvedBy: null,
    note: null,
    correctionLoadId: null,
    feedbackAt: null,
    updatedAt: stored(input.at),
  };
  await ctx.wh.transaction(async () => {
    await insertObjection(ctx.wh, objection);
    await auditEvent(ctx, 'objection-raised', {
      at: input.at,
      actor: input.actor,
      dataset: input.dataset,
      columns: input.columns,
      details: { id: objection.id, key: maskedKey(key), type, dueAt: objection.dueAt },
    });
  });
  return { id: objection.id, status: 'open', dueAt: objection.dueAt, dueDate: objection.dueDate };
}

/** Records the provider's outcome. A suspended or withdrawn objection may be resolved again as corrected. */
export async function resolveObjection(
  ctx: GovernanceContext,
  input: { id: string; outcome: ObjectionOutcome; note: string; actor: Actor; at: Date },
): Promise<{ id: string; status: ObjectionStatus; dataset: string }> {
  if (!(OBJECTION_OUTCOMES as readonly string[]).includes(input.outcome)) {
    throw new GovernanceError(
      'invalid',
      'bad-outcome',
      `objection ${input.id}: --outcome must be one of ${OBJECTION_OUTCOMES.join(', ')}; got ${JSON.stringify(input.outcome)}`,
    );
  }
  if (!input.note.trim()) {
    throw new GovernanceError(
      'invalid',
      'no-note',
      `objection ${input.id}: say what was verified and done (--note), it is fed back to the submitter (第三十条)`,
    );
  }
  const o = await getObjection(ctx.wh, input.id);
  if (!o) {
    throw new GovernanceError(
      'not-found',
      'unknown-objection',
      `objection ${input.id}: not found on node ${ctx.node.id}. Fix: gongshu objection list`,
    );
  }
  const reopenable = (o.status === 'suspended' || o.status === 'withdrawn') && input.outcome === 'corrected';
  if (o.status !== 'open' && !reopenable) {
    throw new GovernanceError(
      'state',
      'wrong-state',
      `objection ${o.id}: it is ${o.status}; only an open objection can be resolved (a suspended or withdrawn one only as corrected, 依法处理后开放)`,
    );
  }
  const entry = codeCatalog(ctx.project).get(o.catalogCode ?? '');
  const note = maskFreeText(input.note.trim(), entry ? await recordNames(ctx, entry, o.recordKey) : []);
  let offline: string[] = [];
  await ctx.wh.transaction(async () => {
    if (SUSPENDING_OUTCOMES.includes(input.outcome)) {
      offline = (await suspendLiveVersions(ctx.wh, o.dataset, stored(input.at))).map((v) => v.dir);
    }
    await resolveObjectionRow(ctx.wh, o.id, {
      status: input.outcome,
      resolvedAt: stored(input.at),
      resolvedBy: input.actor.operator,
      note,
    });
    await auditEvent(ctx, 'objection-resolved', {
      at: input.at,
      actor: input.actor,
      dataset: o.dataset,
      columns: o.columns,
      details: { id: o.id, key: maskedKey(o.recordKey), outcome: input.outcome, previous: o.status },
    });
  });
  // The resource leaves the open export: its `latest` pointer goes; the version folders stay for the record.
  for (const dir of offline) removeLatest(dirname(dir));
  return { id: o.id, status: input.outcome, dataset: o.dataset };
}

/** Objections as views, newest first; `overdue` keeps only open ones past their due time. */
export async function listObjectionViews(
  ctx: GovernanceContext,
  filter: { dataset?: string; status?: ObjectionStatus; overdue?: boolean; now: Date },
): Promise<ObjectionView[]> {
  const rows = await listObjections(ctx.wh, {
    ...(filter.dataset ? { dataset: filter.dataset } : {}),
    ...(filter.status ? { status: filter.status } : {}),
  });
  const views = rows.map((o) => objectionView(o, filter.now));
  return filter.overdue ? views.filter((v) => v.overdue) : views;
}
