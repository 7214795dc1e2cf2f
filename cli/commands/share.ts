import type { Command } from 'commander';
import { exportShare, SHARE_FORMATS, type ShareFormat } from '../../governance/index.ts';
import type { ArgumentProblems } from '../arguments.ts';
import { CliError, EXIT } from '../errors.ts';
import { checkGovernanceArguments, type GovernanceOptions, withGovernance } from '../governance-context.ts';
import { processOutput } from '../output.ts';

/** Every problem of the share command line: the project folder and --at. */
export function checkArguments(
  _args: unknown[],
  options: Record<string, unknown>,
  problems: ArgumentProblems,
) {
  checkGovernanceArguments(options, problems);
}

/** `gongshu share export REQUEST --out DIR --format csv|json|parquet`: fulfil a granted request as a file. */
export default async function share(args: unknown[], command: Command): Promise<number> {
  const [action, requestId] = args as [string, string];
  const o = command.opts<GovernanceOptions & { out?: string; format: string }>();
  const out = processOutput();
  if (action !== 'export') throw new CliError(`share: expected export; got ${action}`);
  if (!o.out) throw new CliError('share export: name the output folder with --out DIR');
  if (!(SHARE_FORMATS as readonly string[]).includes(o.format)) {
    throw new CliError(`share export: --format must be one of ${SHARE_FORMATS.join(', ')}; got ${o.format}`);
  }
  return withGovernance(o, async (ctx, actor, at) => {
    const r = await exportShare(ctx, {
      requestId,
      outDir: o.out!,
      format: o.format as ShareFormat,
      actor,
      at,
    });
    if (o.json) out.json(r);
    else
      out.data(
        `share export ${r.request}: ${r.rows.toLocaleString('en')} rows (${r.columns.join(', ')}) → ${r.file} (SM3 ${r.sm3.slice(0, 16)}…)`,
      );
    return EXIT.ok;
  });
}
