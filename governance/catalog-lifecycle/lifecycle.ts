/**
 * The catalog lifecycle (第七条、第十条、第十一条、第十二条、第十九条): an entry defined in code is submitted as a
 * new version, approved by the data authority and published; only the published version drives requests,
 * grants, backflow and share exports. A law or duty change must be answered by a published version within 15
 * working days; conditional entries carry a review date and every entry a yearly secrecy review.
 */
import { canonicalJson, sm3 } from '../../platform/index.ts';
import { type CatalogEntry, newId } from '../../schemas/index.ts';
import { parseDate, shanghaiDate, stored } from '../clock.ts';
import {
  type Actor,
  auditEvent,
  type CodeCatalogEntry,
  codeCatalog,
  type GovernanceContext,
} from '../context.ts';
import { addWorkingDays } from '../deadlines.ts';
import { GovernanceError } from '../errors.ts';
import { type CatalogReview, type CatalogReviewOutcome, insertCatalogReview } from './reviews.ts';
import {
  type CatalogTrigger,
  insertCatalogTrigger,
  listCatalogTriggers,
  resolveCatalogTriggers,
} from './triggers.ts';
import {
  type CatalogTriggerKind,
  type CatalogVersion,
  insertCatalogVersion,
  latestCatalogVersion,
  listCatalogVersions,
  publishedCatalogVersion,
  setCatalogVersionStatus,
} from './versions.ts';

/** The SM3 of an entry's canonical JSON. */
export function entryHash(entry: CatalogEntry): string {
  return sm3(canonicalJson(entry));
}

/**
 * What changed between two versions of an entry: top-level keys (`shareType`, `legalBasis`, …) and data items
 * (`fields.mobile` added or removed, `fields.mobile.shareType` changed). Empty when equal.
 */
export function changedPaths(before: CatalogEntry | undefined, after: CatalogEntry): string[] {
  if (!before) return ['(new entry)'];
  const out: string[] = [];
  const keys = new Set([...Object.keys(before), ...Object.keys(after)]);
  const b = before as unknown as Record<string, unknown>;
  const a = after as unknown as Record<string, unknown>;
  for (const k of [...keys].sort()) {
    if (k === 'fields') continue;
    if (canonicalJson(b[k]) !== canonicalJson(a[k])) out.push(k);
  }
  const bf = new Map(before.fields.map((f) => [f.name, f as unknown as Record<string, unknown>]));
  const af = new Map(after.fields.map((f) => [f.name, f as unknown as Record<string, unknown>]));
  for (const name of new Set([...bf.keys(), ...af.keys()])) {
    const x = bf.get(name);
    const y = af.get(name);
    if (!x) out.push(`fields.${name} (added)`);
    else if (!y) out.push(`fields.${name} (removed)`);
    else
      for (const p of new Set([...Object.keys(x), ...Object.keys(y)])) {
        if (canonicalJson(x[p]) !== canonicalJson(y[p])) out.push(`fields.${name}.${p}`);
      }
  }
  if (out.length === 0 && before.fields.map((f) => f.name).join() !== after.fields.map((f) => f.name).join())
    out.push('fields (order)');
  return out;
}

/** The code catalog entry named by a resource code or dataset name. */
export function codeEntry(ctx: Pick<GovernanceContext, 'project'>, codeOrDataset: string): CodeCatalogEntry {
  const all = codeCatalog(ctx.project);
  const found = all.get(codeOrDataset) ?? [...all.values()].find((e) => e.dataset === codeOrDataset);
  if (!found) {
    throw new GovernanceError(
      'not-found',
      'not-catalogued',
      `catalog: no entry ${JSON.stringify(codeOrDataset)} in the project (known: ${[...all.keys()].join(', ') || 'none'}). Fix: give the dataset a catalog entry (dataset.catalog: defineCatalogEntry({...}), 第六条) or name an existing code`,
      { code: codeOrDataset },
    );
  }
  return found;
}

/** One entry's state: code vs the newest and the published version. */
export interface CatalogDiff {
  readonly code: string;
  readonly dataset: string | null;
  readonly name: string;
  /** `new` (never submitted), `changed` (code differs from the newest version), `unchanged`, `removed` (in the warehouse only). */
  readonly state: 'new' | 'changed' | 'unchanged' | 'removed';
  readonly latestVersion: number | null;
  readonly latestStatus: string | null;
  readonly publishedVersion: number | null;
  /** Paths changed from the newest version to the code (or from published, when the newest is published). */
  readonly changes: readonly string[];
}

/** Compares every entry in code with its stored versions. */
export async function diffCatalog(
  ctx: Pick<GovernanceContext, 'wh' | 'project'>,
  codes: readonly string[] = [],
): Promise<CatalogDiff[]> {
  const inCode = codeCatalog(ctx.project);
  const versions = await listCatalogVersions(ctx.wh);
  const byCode = new Map<string, CatalogVersion[]>();
  for (const v of versions) byCode.set(v.code, [...(byCode.get(v.code) ?? []), v]);
  const wanted = codes.map((c) => codeEntry(ctx, c).entry.code);
  const all = [...new Set([...inCode.keys(), ...byCode.keys()])].sort();
  const out: CatalogDiff[] = [];
  for (const code of all) {
    if (wanted.length && !wanted.includes(code)) continue;
    const own = inCode.get(code);
    const vs = byCode.get(code) ?? [];
    const latest = vs.at(-1);
    const published = vs.filter((v) => v.status === 'published').at(-1);
    const changes = own
      ? latest && entryHash(own.entry) === latest.hash
        ? []
        : changedPaths(latest?.entry, own.entry)
      : [];
    out.push({
      code,
      dataset: own?.dataset ?? latest?.dataset ?? null,
      name: own?.entry.name ?? latest?.entry.name ?? code,
      state: !own ? 'removed' : !latest ? 'new' : changes.length ? 'changed' : 'unchanged',
      latestVersion: latest?.version ?? null,
      latestStatus: latest?.status ?? null,
      publishedVersion: published?.version ?? null,
      changes,
    });
  }
  return out;
}

/** A trigger as given to `submit` or `trigger`. */
export interface TriggerInput {
  readonly kind: CatalogTriggerKind;
  readonly date?: string | undefined;
  readonly reference?: string | undefined;
}

function checkTrigger(t: TriggerInput, at: Date): void {
  if (t.kind === 'law' || t.kind === 'duty') {
    if (!t.date || !t.reference?.trim()) {
      throw new GovernanceError(
        'invalid',
        'trigger-incomplete',
        `catalog: a ${t.kind} change needs its date and reference (第十一条: the catalog changes within 15 working days of it). Fix: --trigger ${t.kind} --trigger-date YYYY-MM-DD --reference "《…》/…〔2026〕…号"`,
      );
    }
    parseDate(t.date, '--trigger-date');
    if (t.date > shanghaiDate(at)) {
      throw new GovernanceError(
        'invalid',
        'trigger-in-future',
        `catalog: trigger date ${t.date} is after today (${shanghaiDate(at)})`,
      );
    }
  }
}

/** Registers a law or duty change that obliges a catalog change (the 15-working-day clock starts at its date). */
export async function registerCatalogTrigger(
  ctx: GovernanceContext,
  input: { code: string; kind: 'law' | 'duty'; date: string; reference: string; actor: Actor; at: Date },
): Promise<CatalogTrigger> {
  const own = codeEntry(ctx, input.code);
  checkTrigger(input, input.at);
  const trigger: CatalogTrigger = {
    id: newId('trg', input.at),
    code: own.entry.code,
    kind: input.kind,
    date: input.date,
    reference: input.reference.trim(),
    dueDate: addWorkingDays(input.date, ctx.config.sharing.catalogChangeDays),
    registeredAt: stored(input.at),
    registeredBy: input.actor.operator,
    resolvedVersion: null,
  };
  await ctx.wh.transaction(async () => {
    await insertCatalogTrigger(ctx.wh, trigger);
    await auditEvent(ctx, 'catalog-trigger', {
      at: input.at,
      actor: input.actor,
      dataset: own.dataset,
      details: {
        code: trigger.code,
        kind: trigger.kind,
        date: trigger.date,
        reference: trigger.reference,
        dueDate: trigger.dueDate,
      },
    });
  });
  return trigger;
}

/**
 * Submits the code's entry as a new version. Refused when nothing changed since the newest version, when a
 * version is still waiting for approval, when a conditional entry has no `reviewDueAt` (第十九条), and when a
 * law/duty trigger lacks its date or reference. The due date of a law/duty change is its date + 15 working days
 * (the earliest open trigger of the code counts if it is earlier).
 */
export async function submitCatalogVersion(
  ctx: GovernanceContext,
  input: { code: string; trigger: TriggerInput; actor: Actor; at: Date; note?: string | undefined },
): Promise<CatalogVersion> {
  const own = codeEntry(ctx, input.code);
  const entry = own.entry;
  checkTrigger(input.trigger, input.at);
  if (entry.shareType === 'conditional' && !entry.reviewDueAt) {
    throw new GovernanceError(
      'invalid',
      'review-date-missing',
      `catalog ${entry.code} (${entry.name}): a conditional entry needs reviewDueAt, the date it is next reviewed for promotion to unconditional sharing (第十九条). Fix: add reviewDueAt: "YYYY-MM-DD" to the entry`,
      { code: entry.code },
    );
  }
  return ctx.wh.transaction(async () => {
    const latest = await latestCatalogVersion(ctx.wh, entry.code);
    if (latest && (latest.status === 'submitted' || latest.status === 'approved')) {
      throw new GovernanceError(
        'state',
        'version-pending',
        `catalog ${entry.code}: version ${latest.version} is ${latest.status} and not yet published. Fix: ${latest.status === 'submitted' ? 'approve (or reject) it' : 'publish it'} first: gongshu catalog ${latest.status === 'submitted' ? 'approve' : 'publish'} ${entry.code}`,
        { code: entry.code },
      );
    }
    const hash = entryHash(entry);
    const base = latest?.status === 'rejected' ? await publishedCatalogVersion(ctx.wh, entry.code) : latest;
    if (base && base.hash === hash) {
      throw new GovernanceError(
        'state',
        'unchanged',
        `catalog ${entry.code}: the entry in code equals version ${base.version} (${base.status}); nothing to submit. Fix: change the entry first, or record a review with gongshu catalog review ${entry.code}`,
        { code: entry.code },
      );
    }
    const open = await listCatalogTriggers(ctx.wh, { code: entry.code, open: true });
    const own15 =
      input.trigger.kind === 'law' || input.trigger.kind === 'duty'
        ? addWorkingDays(input.trigger.date!, ctx.config.sharing.catalogChangeDays)
        : null;
    const dues = [own15, ...open.map((t) => t.dueDate)].filter((d): d is string => d !== null).sort();
    const version: CatalogVersion = {
      code: entry.code,
      version: (latest?.version ?? 0) + 1,
      dataset: own.dataset,
      entry,
      hash,
      changedFields: changedPaths(base?.entry, entry),
      status: 'submitted',
      triggerKind: input.trigger.kind === 'routine' && open.length ? open[0]!.kind : input.trigger.kind,
      triggerDate: input.trigger.date ?? open[0]?.date ?? null,
      triggerReference: input.trigger.reference?.trim() ?? open[0]?.reference ?? null,
      dueDate: dues[0] ?? null,
      registrar: input.actor.operator,
      reviewer: null,
      submittedAt: stored(input.at),
      approvedAt: null,
      publishedAt: null,
      supersededAt: null,
      note: input.note ?? null,
    };
    await insertCatalogVersion(ctx.wh, version);
    await resolveCatalogTriggers(ctx.wh, entry.code, version.version);
    await auditEvent(ctx, 'catalog-submitted', {
      at: input.at,
      actor: input.actor,
      dataset: own.dataset,
      contentHash: hash,
      details: {
        code: entry.code,
        version: version.version,
        changed: version.changedFields,
        trigger: input.trigger.kind,
        dueDate: version.dueDate,
      },
    });
    return version;
  });
}

async function pendingVersion(
  ctx: GovernanceContext,
  code: string,
  want: 'submitted' | 'approved',
): Promise<CatalogVersion> {
  const own = codeEntry(ctx, code);
  const latest = await latestCatalogVersion(ctx.wh, own.entry.code);
  if (!latest || latest.status !== want) {
    const what = want === 'submitted' ? 'approve' : 'publish';
    throw new GovernanceError(
      'state',
      'wrong-state',
      `catalog ${own.entry.code}: nothing to ${what}: the newest version is ${latest ? `${latest.version} (${latest.status})` : 'none'}, and only a ${want} version can be ${what === 'approve' ? 'approved' : 'published'}. Fix: ${want === 'submitted' ? `gongshu catalog submit ${own.entry.code}` : `gongshu catalog approve ${own.entry.code}`}`,
      { code: own.entry.code },
    );
  }
  return latest;
}

/** The data authority approves (or rejects, with a reason) the submitted version. */
export async function approveCatalogVersion(
  ctx: GovernanceContext,
  input: { code: string; actor: Actor; at: Date; reject?: string | undefined },
): Promise<CatalogVersion> {
  return ctx.wh.transaction(async () => {
    const v = await pendingVersion(ctx, input.code, 'submitted');
    if (input.reject !== undefined && !input.reject.trim()) {
      throw new GovernanceError(
        'invalid',
        'no-reason',
        `catalog ${v.code}: a rejection needs a reason. Fix: --reject "…"`,
      );
    }
    const status = input.reject !== undefined ? 'rejected' : 'approved';
    await setCatalogVersionStatus(ctx.wh, v.code, v.version, status, {
      at: stored(input.at),
      by: input.actor.operator,
    });
    await auditEvent(ctx, status === 'approved' ? 'catalog-approved' : 'catalog-rejected', {
      at: input.at,
      actor: input.actor,
      dataset: v.dataset,
      contentHash: v.hash,
      details: { code: v.code, version: v.version, ...(input.reject ? { reason: input.reject } : {}) },
    });
    return (await latestCatalogVersion(ctx.wh, v.code))!;
  });
}

/** Publishes the approved version; the previously published one is superseded. */
export async function publishCatalogVersion(
  ctx: GovernanceContext,
  input: { code: string; actor: Actor; at: Date },
): Promise<CatalogVersion & { late: boolean }> {
  return ctx.wh.transaction(async () => {
    const v = await pendingVersion(ctx, input.code, 'approved');
    const previous = await publishedCatalogVersion(ctx.wh, v.code);
    if (previous)
      await setCatalogVersionStatus(ctx.wh, v.code, previous.version, 'superseded', { at: stored(input.at) });
    await setCatalogVersionStatus(ctx.wh, v.code, v.version, 'published', { at: stored(input.at) });
    const late = v.dueDate !== null && shanghaiDate(input.at) > v.dueDate;
    await auditEvent(ctx, 'catalog-published', {
      at: input.at,
      actor: input.actor,
      dataset: v.dataset,
      contentHash: v.hash,
      details: {
        code: v.code,
        version: v.version,
        superseded: previous?.version ?? null,
        dueDate: v.dueDate,
        late,
      },
    });
    return { ...(await latestCatalogVersion(ctx.wh, v.code))!, late };
  });
}

/**
 * Records a periodic review (yearly secrecy review; promotion review of a conditional entry, 第十九条). The next
 * review is due on `next` (defaults to one year later).
 */
export async function reviewCatalogEntry(
  ctx: GovernanceContext,
  input: {
    code: string;
    outcome: CatalogReviewOutcome;
    next?: string | undefined;
    note?: string | undefined;
    actor: Actor;
    at: Date;
  },
): Promise<CatalogReview> {
  const own = codeEntry(ctx, input.code);
  const today = shanghaiDate(input.at);
  const next = input.next
    ? parseDate(input.next, '--next')
    : `${Number(today.slice(0, 4)) + 1}${today.slice(4)}`;
  if (next <= today) {
    throw new GovernanceError(
      'invalid',
      'bad-date',
      `catalog ${own.entry.code}: the next review (${next}) must be after today (${today})`,
    );
  }
  const published = await publishedCatalogVersion(ctx.wh, own.entry.code);
  const review: CatalogReview = {
    id: newId('rev', input.at),
    code: own.entry.code,
    version: published?.version ?? null,
    reviewedAt: stored(input.at),
    reviewer: input.actor.operator,
    outcome: input.outcome,
    note: input.note ?? null,
    nextDue: next,
  };
  await ctx.wh.transaction(async () => {
    await insertCatalogReview(ctx.wh, review);
    await auditEvent(ctx, 'catalog-reviewed', {
      at: input.at,
      actor: input.actor,
      dataset: own.dataset,
      details: { code: review.code, version: review.version, outcome: review.outcome, nextDue: next },
    });
  });
  return review;
}
