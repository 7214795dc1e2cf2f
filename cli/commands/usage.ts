import type { Command } from 'commander';
import { listUsage, recordUsageEffect, shanghaiTime, type UsageKind } from '../../governance/index.ts';
import type { ArgumentProblems } from '../arguments.ts';
import { CliError, EXIT } from '../errors.ts';
import { checkGovernanceArguments, type GovernanceOptions, withGovernance } from '../governance-context.ts';
import { formatTable, processOutput } from '../output.ts';

/** Every problem of the usage command line: the dataset name, the project folder and --at. */
export function checkArguments(
  _args: unknown[],
  options: Record<string, unknown>,
  problems: ArgumentProblems,
) {
  problems.name('--dataset', options.dataset as string | undefined);
  problems.choice('--kind', options.kind, [
    'ingest',
    'export',
    'sql-read',
    'backflow-served',
    'backflow-received',
    'open-export',
    'destruction',
  ]);
  checkGovernanceArguments(options, problems);
}

/** `gongshu usage list|effect`: the log of data provided and obtained (第十五条). */
export default async function usage(args: unknown[], command: Command): Promise<number> {
  const [action, id] = args as [string, string | undefined];
  const o = command.opts<GovernanceOptions & { dataset?: string; kind?: string; text?: string }>();
  const out = processOutput();
  if (action === 'list') {
    return withGovernance(
      o,
      async (ctx) => {
        const views = await listUsage(ctx, { dataset: o.dataset, kind: o.kind as UsageKind | undefined });
        if (o.json) out.json(views);
        else if (views.length === 0) out.note('no usage entries');
        else
          for (const line of formatTable(
            views.map((v) => ({
              id: v.id,
              at: v.at.slice(0, 16).replace('T', ' '),
              kind: v.kind,
              dataset: v.dataset,
              department: v.department,
              operator: v.operator,
              grant: v.grantId,
              rows: v.rows,
              scenario: v.scenario,
              effect: v.effect ?? '',
              destroyed: v.destruction ? v.destruction.at.slice(0, 10) : '',
            })),
          ))
            out.data(line);
        return EXIT.ok;
      },
      { readOnly: true },
    );
  }
  if (action === 'effect') {
    if (!id)
      throw new CliError('usage effect: name the entry, e.g. gongshu usage effect use-20261012… --text "…"');
    if (!o.text?.trim())
      throw new CliError('usage effect: describe the effect with --text "…" (使用效果, 第十五条)');
    return withGovernance(o, async (ctx, actor, at) => {
      const e = await recordUsageEffect(ctx, { id, text: o.text!, actor, at });
      if (o.json)
        out.json({
          id: e.id,
          effect: e.effect,
          effectAt: e.effectAt ? shanghaiTime(new Date(e.effectAt)) : null,
          effectBy: e.effectBy,
        });
      else out.data(`usage ${e.id}: effect recorded`);
      return EXIT.ok;
    });
  }
  throw new CliError(`usage: expected list or effect; got ${action}`);
}
