import type { Command } from 'commander';
import {
  listObjectionViews,
  OBJECTION_OUTCOMES,
  OBJECTION_TYPES,
  type ObjectionOutcome,
  type ObjectionStatus,
  raiseObjection,
  resolveObjection,
} from '../../governance/index.ts';
import type { ArgumentProblems } from '../arguments.ts';
import { CliError, EXIT } from '../errors.ts';
import { checkGovernanceArguments, type GovernanceOptions, withGovernance } from '../governance-context.ts';
import { formatTable, processOutput } from '../output.ts';

interface ObjectionOptions extends GovernanceOptions {
  dataset?: string;
  key?: string;
  column?: string;
  claim?: string;
  evidence?: string;
  type?: string;
  outcome?: string;
  note?: string;
  status?: string;
  overdue?: boolean;
}

/** Every problem of the objection command line: dataset, type, outcome, the project folder and --at. */
export function checkArguments(
  _args: unknown[],
  options: Record<string, unknown>,
  problems: ArgumentProblems,
) {
  problems.name('--dataset', options.dataset as string | undefined);
  problems.choice('--type', options.type, OBJECTION_TYPES);
  problems.choice('--outcome', options.outcome, OBJECTION_OUTCOMES);
  checkGovernanceArguments(options, problems);
}

/** `gongshu objection raise|resolve|list`: objections and corrections (第二十三条、第三十条). */
export default async function objection(args: unknown[], command: Command): Promise<number> {
  const [action, id] = args as [string, string | undefined];
  const o = command.opts<ObjectionOptions>();
  const out = processOutput();
  if (action === 'list') {
    return withGovernance(
      o,
      async (ctx, _actor, at) => {
        const views = await listObjectionViews(ctx, {
          ...(o.dataset ? { dataset: o.dataset } : {}),
          ...(o.status ? { status: o.status as ObjectionStatus } : {}),
          overdue: Boolean(o.overdue),
          now: at,
        });
        if (o.json) out.json({ objections: views });
        else if (!views.length) out.note('no objections');
        else
          for (const line of formatTable(
            views.map((v) => ({
              id: v.id,
              dataset: v.dataset,
              key: v.key,
              columns: v.columns.join(','),
              type: v.type,
              status: v.overdue ? `${v.status} (overdue)` : v.status,
              due: v.dueDate,
              claim: v.claim,
            })),
          ))
            out.data(line);
        return EXIT.ok;
      },
      { readOnly: true },
    );
  }
  if (action === 'raise') {
    if (!o.dataset || !o.key || !o.column || !o.claim) {
      throw new CliError('objection raise: give --dataset, --key, --column and --claim');
    }
    return withGovernance(o, async (ctx, actor, at) => {
      const r = await raiseObjection(ctx, {
        dataset: o.dataset!,
        key: o.key!,
        columns: o
          .column!.split(',')
          .map((c) => c.trim())
          .filter(Boolean),
        claim: o.claim!,
        evidence: o.evidence,
        type: o.type as (typeof OBJECTION_TYPES)[number] | undefined,
        actor,
        at,
      });
      if (o.json) out.json({ id: r.id, status: r.status, dueAt: r.dueAt });
      else out.data(`objection ${r.id}: open, due ${r.dueDate} (the data stays in use, 第二十三条)`);
      return EXIT.ok;
    });
  }
  if (action === 'resolve') {
    if (!id)
      throw new CliError('objection resolve: name the objection: objection resolve ID --outcome … --note …');
    if (!o.outcome || !o.note) throw new CliError('objection resolve: give --outcome and --note');
    return withGovernance(o, async (ctx, actor, at) => {
      const r = await resolveObjection(ctx, {
        id,
        outcome: o.outcome as ObjectionOutcome,
        note: o.note!,
        actor,
        at,
      });
      if (o.json) out.json({ id: r.id, status: r.status });
      else out.data(`objection ${r.id}: ${r.status}`);
      return EXIT.ok;
    });
  }
  throw new CliError(`objection: expected raise, resolve or list; got ${action}`);
}
