/**
 * Recording and reading the usage log (第十五条): each entry is written with an audit-chain entry that carries
 * its SM3 hash (in one transaction), so editing the entry — or the chain — shows in `verifyUsage`. The effect
 * of a use (使用效果) is filled in later and chained the same way.
 */
import { type AuditEntry, canonicalJson, listAudit, sm3 } from '../../platform/index.ts';
import { newId } from '../../schemas/index.ts';
import { shanghaiTime, stored } from '../clock.ts';
import { type Actor, auditEvent, type GovernanceContext } from '../context.ts';
import { GovernanceError } from '../errors.ts';
import {
  getUsageEntry,
  insertUsageEntry,
  listUsageEntries,
  setUsageEffect,
  type UsageEntry,
  type UsageKind,
} from './usage-store.ts';

/** What a caller records. */
export interface UsageInput {
  readonly kind: UsageKind;
  readonly dataset?: string | null | undefined;
  readonly actor: Actor;
  /** The department that uses the data; defaults to the actor's. */
  readonly department?: string | null | undefined;
  readonly grantId?: string | null | undefined;
  readonly requestId?: string | null | undefined;
  readonly scenario?: string | null | undefined;
  readonly intendedUse?: string | null | undefined;
  readonly storage?: string | null | undefined;
  readonly encryption?: string | null | undefined;
  readonly rows?: number | null | undefined;
  readonly queryHash?: string | null | undefined;
  readonly contentHash?: string | null | undefined;
  readonly peer?: string | null | undefined;
  readonly details?: Readonly<Record<string, unknown>> | undefined;
  /** Extra fields for the audit entry only (e.g. the policy hash and key id of an output). */
  readonly auditDetails?: Readonly<Record<string, unknown>> | undefined;
  readonly at: Date;
}

type Hashed = Omit<UsageEntry, 'auditSeq' | 'hash' | 'effect' | 'effectAt' | 'effectBy'>;

/** The SM3 over the immutable fields of an entry. */
export function usageHash(e: Hashed): string {
  const body: Hashed = {
    id: e.id,
    at: e.at,
    kind: e.kind,
    dataset: e.dataset,
    department: e.department,
    operator: e.operator,
    grantId: e.grantId,
    requestId: e.requestId,
    scenario: e.scenario,
    intendedUse: e.intendedUse,
    storage: e.storage,
    encryption: e.encryption,
    rows: e.rows,
    queryHash: e.queryHash,
    contentHash: e.contentHash,
    details: e.details,
  };
  return sm3(canonicalJson(body));
}

/** Appends a usage entry and its audit entry (in the caller's transaction, if any). */
export async function recordUsage(
  ctx: Pick<GovernanceContext, 'wh' | 'node'>,
  input: UsageInput,
): Promise<UsageEntry> {
  const body: Hashed = {
    id: newId('use', input.at),
    at: stored(input.at),
    kind: input.kind,
    dataset: input.dataset ?? null,
    department: input.department ?? input.actor.department ?? null,
    operator: input.actor.operator,
    grantId: input.grantId ?? null,
    requestId: input.requestId ?? null,
    scenario: input.scenario ?? null,
    intendedUse: input.intendedUse ?? null,
    storage: input.storage ?? null,
    encryption: input.encryption ?? null,
    rows: input.rows ?? null,
    queryHash: input.queryHash ?? null,
    contentHash: input.contentHash ?? null,
    details: input.details ?? null,
  };
  const hash = usageHash(body);
  return ctx.wh.transaction(async () => {
    const audit = await auditEvent(ctx, `usage-${input.kind}`, {
      at: input.at,
      actor: input.actor,
      peer: input.peer ?? null,
      dataset: body.dataset,
      rows: body.rows,
      contentHash: hash,
      purpose: body.scenario,
      details: { usage: body.id, grant: body.grantId, request: body.requestId, ...input.auditDetails },
    });
    const entry: UsageEntry = {
      ...body,
      auditSeq: audit.seq,
      hash,
      effect: null,
      effectAt: null,
      effectBy: null,
    };
    await insertUsageEntry(ctx.wh, entry);
    return entry;
  });
}

/** Records the effect (使用效果) of a use, chained like the entry. */
export async function recordUsageEffect(
  ctx: Pick<GovernanceContext, 'wh' | 'node'>,
  input: { id: string; text: string; actor: Actor; at: Date },
): Promise<UsageEntry> {
  const text = input.text.trim();
  if (!text)
    throw new GovernanceError(
      'invalid',
      'no-effect',
      `usage ${input.id}: describe the effect. Fix: --text "…"`,
    );
  const e = await getUsageEntry(ctx.wh, input.id);
  if (!e)
    throw new GovernanceError(
      'not-found',
      'unknown-usage',
      `usage ${input.id}: no such entry. Fix: gongshu usage list`,
    );
  await ctx.wh.transaction(async () => {
    await setUsageEffect(ctx.wh, e.id, { text, at: stored(input.at), by: input.actor.operator });
    await auditEvent(ctx, 'usage-effect', {
      at: input.at,
      actor: input.actor,
      dataset: e.dataset,
      contentHash: sm3(text),
      details: { usage: e.id },
    });
  });
  return (await getUsageEntry(ctx.wh, e.id))!;
}

/** A usage entry as listed (the CLI contract), with its dataset's later destruction, if any. */
export interface UsageView {
  readonly id: string;
  readonly at: string;
  readonly kind: UsageKind;
  readonly grantId: string | null;
  readonly requestId: string | null;
  readonly dataset: string | null;
  readonly department: string | null;
  readonly operator: string;
  readonly scenario: string | null;
  readonly use: string | null;
  readonly storage: string | null;
  readonly encryption: string | null;
  readonly rows: number | null;
  readonly effect: string | null;
  readonly destruction: { readonly at: string; readonly method: string; readonly operator: string } | null;
}

/** Usage entries as views, oldest first. */
export async function listUsage(
  ctx: Pick<GovernanceContext, 'wh'>,
  filter: { dataset?: string | undefined; kind?: UsageKind | undefined } = {},
): Promise<UsageView[]> {
  const all = await listUsageEntries(ctx.wh, filter.dataset ? { dataset: filter.dataset } : {});
  const destroyed = all.filter((e) => e.kind === 'destruction');
  return all
    .filter((e) => !filter.kind || e.kind === filter.kind)
    .map((e) => {
      const d = destroyed.find((x) => x.dataset === e.dataset && x.at >= e.at && x.id !== e.id);
      return {
        id: e.id,
        at: shanghaiTime(new Date(e.at)),
        kind: e.kind,
        grantId: e.grantId,
        requestId: e.requestId,
        dataset: e.dataset,
        department: e.department,
        operator: e.operator,
        scenario: e.scenario,
        use: e.intendedUse,
        storage: e.storage,
        encryption: e.encryption,
        rows: e.rows,
        effect: e.effect,
        destruction: d
          ? {
              at: shanghaiTime(new Date(d.at)),
              method: String(d.details?.method ?? ''),
              operator: d.operator,
            }
          : e.kind === 'destruction'
            ? {
                at: shanghaiTime(new Date(e.at)),
                method: String(e.details?.method ?? ''),
                operator: e.operator,
              }
            : null,
      };
    });
}

/** A usage entry that does not match the chain. */
export interface UsageProblem {
  readonly id: string;
  readonly problem: 'edited' | 'unchained' | 'effect-edited';
  readonly message: string;
}

/**
 * Checks every usage entry against the audit chain: its fields still hash to its recorded hash, the chain entry
 * it names carries that hash, and its effect matches the newest `usage-effect` entry. `archived` supplies chain
 * entries already moved to archive segments.
 */
export async function verifyUsage(
  ctx: Pick<GovernanceContext, 'wh'>,
  archived: ReadonlyMap<number, AuditEntry> = new Map(),
): Promise<UsageProblem[]> {
  const entries = await listUsageEntries(ctx.wh);
  if (entries.length === 0) return [];
  const chain = new Map<number, AuditEntry>(archived);
  for (const a of await listAudit(ctx.wh)) chain.set(a.seq, a);
  const effects = new Map<string, string>();
  for (const a of [...chain.values()].sort((x, y) => x.seq - y.seq)) {
    if (a.action !== 'usage-effect' || !a.details) continue;
    const id = (JSON.parse(a.details) as { usage?: string }).usage;
    if (id && a.content_hash) effects.set(id, a.content_hash);
  }
  const problems: UsageProblem[] = [];
  for (const e of entries) {
    const a = chain.get(e.auditSeq);
    if (usageHash(e) !== e.hash) {
      problems.push({
        id: e.id,
        problem: 'edited',
        message: `usage entry ${e.id} (${e.kind} ${e.dataset ?? ''}) does not match its hash: it was edited`,
      });
    } else if (!a || a.content_hash !== e.hash) {
      problems.push({
        id: e.id,
        problem: 'unchained',
        message: `usage entry ${e.id}: audit entry ${e.auditSeq} does not carry its hash: the entry or the chain was altered`,
      });
    }
    const effect = effects.get(e.id);
    if ((e.effect === null) !== (effect === undefined) || (e.effect !== null && sm3(e.effect) !== effect)) {
      problems.push({
        id: e.id,
        problem: 'effect-edited',
        message: `usage entry ${e.id}: its effect does not match the chained one`,
      });
    }
  }
  return problems;
}
