import type { Command } from 'commander';
import { destroyDataset } from '../../governance/index.ts';
import type { ArgumentProblems } from '../arguments.ts';
import { CliError, EXIT } from '../errors.ts';
import { checkGovernanceArguments, type GovernanceOptions, withGovernance } from '../governance-context.ts';
import { processOutput } from '../output.ts';

/** Every problem of the destroy command line: the dataset name, --from, the project folder and --at. */
export function checkArguments(
  args: unknown[],
  options: Record<string, unknown>,
  problems: ArgumentProblems,
) {
  problems.name('DATASET', args[0] as string | undefined);
  const from = (options.from as string | undefined)?.split(',').map((s) => s.trim());
  problems.choice('--from', from, ['main', 'backflow', 'received']);
  checkGovernanceArguments(options, problems);
}

/** `gongshu destroy DATASET --method TEXT --reason TEXT`: drop a dataset's tables and record the destruction. */
export default async function destroy(args: unknown[], command: Command): Promise<number> {
  const [dataset] = args as [string];
  const o = command.opts<GovernanceOptions & { method?: string; reason?: string; from?: string }>();
  const out = processOutput();
  if (!o.method?.trim() || !o.reason?.trim()) {
    throw new CliError(
      'destroy: say how and why with --method TEXT --reason TEXT (第十五条 records each destruction)',
    );
  }
  return withGovernance(o, async (ctx, actor, at) => {
    const r = await destroyDataset(ctx, {
      dataset,
      method: o.method!,
      reason: o.reason!,
      actor,
      at,
      schemas: o.from
        ?.split(',')
        .map((s) => s.trim())
        .filter(Boolean),
    });
    if (o.json) out.json(r);
    else
      out.data(
        `destroy ${r.dataset}: dropped ${r.tables.join(', ')} (${r.rows.toLocaleString('en')} rows); usage entry ${r.usageId}`,
      );
    return EXIT.ok;
  });
}
