import {
  approveCatalogVersion,
  type CatalogReviewOutcome,
  type CatalogTriggerKind,
  publishCatalogVersion,
  registerCatalogTrigger,
  reviewCatalogEntry,
  submitCatalogVersion,
} from '../../../governance/index.ts';
import { CliError, EXIT } from '../../errors.ts';
import { withGovernance } from '../../governance-context.ts';
import { type CatalogAction, needCode, OUTCOMES, TRIGGERS } from './shared.ts';

/** `gongshu catalog submit CODE [--trigger …]`: submits the entry in code as a new version. */
export function submit(a: CatalogAction): Promise<number> {
  const { o, out } = a;
  const trigger = (o.trigger ?? 'routine') as CatalogTriggerKind;
  if (!(TRIGGERS as readonly string[]).includes(trigger))
    throw new CliError(`catalog submit: --trigger must be one of ${TRIGGERS.join(', ')}; got ${o.trigger}`);
  return withGovernance(o, async (ctx, actor, at) => {
    const v = await submitCatalogVersion(ctx, {
      code: needCode(a),
      trigger: { kind: trigger, date: o.triggerDate, reference: o.reference },
      actor,
      at,
      note: o.note,
    });
    const result = {
      code: v.code,
      version: v.version,
      status: v.status,
      changed: v.changedFields,
      dueDate: v.dueDate,
    };
    if (o.json) out.json(result);
    else
      out.data(
        `catalog ${v.code}: version ${v.version} submitted (${v.changedFields.join(', ')})${v.dueDate ? `; must be published by ${v.dueDate}` : ''}`,
      );
    return EXIT.ok;
  });
}

/** `gongshu catalog approve CODE [--reject REASON]`: approves (or rejects) the submitted version. */
export function approve(a: CatalogAction): Promise<number> {
  const { o, out } = a;
  return withGovernance(o, async (ctx, actor, at) => {
    const v = await approveCatalogVersion(ctx, { code: needCode(a), actor, at, reject: o.reject });
    if (o.json) out.json({ code: v.code, version: v.version, status: v.status });
    else out.data(`catalog ${v.code}: version ${v.version} ${v.status}`);
    return EXIT.ok;
  });
}

/** `gongshu catalog publish CODE`: publishes the approved version. */
export function publish(a: CatalogAction): Promise<number> {
  const { o, out } = a;
  return withGovernance(o, async (ctx, actor, at) => {
    const v = await publishCatalogVersion(ctx, { code: needCode(a), actor, at });
    if (o.json)
      out.json({ code: v.code, version: v.version, status: v.status, dueDate: v.dueDate, late: v.late });
    else
      out.data(
        `catalog ${v.code}: version ${v.version} published${v.late ? ` (late: due ${v.dueDate})` : ''}`,
      );
    return EXIT.ok;
  });
}

/** `gongshu catalog review CODE [--outcome …] [--next DATE]`: records the periodic review of an entry. */
export function review(a: CatalogAction): Promise<number> {
  const { o, out } = a;
  const outcome = (o.outcome ?? 'keep') as CatalogReviewOutcome;
  if (!(OUTCOMES as readonly string[]).includes(outcome))
    throw new CliError(`catalog review: --outcome must be one of ${OUTCOMES.join(', ')}; got ${o.outcome}`);
  return withGovernance(o, async (ctx, actor, at) => {
    const r = await reviewCatalogEntry(ctx, {
      code: needCode(a),
      outcome,
      next: o.next,
      note: o.note,
      actor,
      at,
    });
    if (o.json) out.json(r);
    else out.data(`catalog ${r.code}: reviewed (${r.outcome}); next review due ${r.nextDue}`);
    return EXIT.ok;
  });
}

/** `gongshu catalog trigger CODE --kind law|duty --date … --reference …`: registers a change that obliges an update. */
export function trigger(a: CatalogAction): Promise<number> {
  const { o, out } = a;
  if (o.kind !== 'law' && o.kind !== 'duty')
    throw new CliError(
      'catalog trigger: --kind law|duty is required (the change that obliges a catalog update, 第十一条)',
    );
  if (!o.date || !o.reference)
    throw new CliError('catalog trigger: --date YYYY-MM-DD and --reference TEXT are required');
  return withGovernance(o, async (ctx, actor, at) => {
    const t = await registerCatalogTrigger(ctx, {
      code: needCode(a),
      kind: o.kind as 'law' | 'duty',
      date: o.date!,
      reference: o.reference!,
      actor,
      at,
    });
    if (o.json) out.json(t);
    else
      out.data(
        `catalog ${t.code}: ${t.kind} change of ${t.date} registered; a published version is due by ${t.dueDate}`,
      );
    return EXIT.ok;
  });
}
