import type { Command } from 'commander';
import { loadKeys, nodeContext } from '../../platform/index.ts';
import { projectAndWarehouse, runBackflowTask } from '../../project/index.ts';
import type { ArgumentProblems } from '../arguments.ts';
import { CliError, EXIT } from '../errors.ts';
import { actorOf } from '../governance-context.ts';
import { createLogger } from '../logger.ts';
import { processOutput } from '../output.ts';
import { backflowProgress, progressReporter, progressWanted } from '../progress.ts';
import { openCommandWarehouse } from '../session.ts';
import { commandTaskContext } from '../task-context.ts';

interface BackflowOptions {
  project?: string;
  warehouse?: string;
  columns?: string;
  purpose?: string;
  grant?: string;
  operator?: string;
  department?: string;
  json?: boolean;
}

/** Every problem of the backflow command line: the dataset, the columns, the purpose, the project folder. */
export function checkArguments(
  args: unknown[],
  options: Record<string, unknown>,
  problems: ArgumentProblems,
) {
  const o = options as unknown as BackflowOptions;
  problems.name('DATASET', args[0] as string | undefined);
  if (o.columns !== undefined) {
    const columns = o.columns.split(',').map((c) => c.trim());
    if (columns.some((c) => c === ''))
      problems.add('--columns', 'comma-separated column names', o.columns, '--columns id_number,name');
  }
  if (!o.purpose?.trim())
    problems.add(
      '--purpose',
      'the use scenario of the request (第十七条 requires one; it is recorded in the audit)',
      o.purpose,
      '--purpose "低保资格复核"',
    );
  problems.project(o.project);
}

/** `gongshu backflow DATASET`: ask the parent for this node's rows of a dataset (回流). */
export default async function backflow(args: unknown[], command: Command): Promise<number> {
  const [dataset] = args as [string];
  const o = command.opts<BackflowOptions>();
  if (!o.purpose?.trim()) {
    throw new CliError(
      'backflow: state the purpose of the request with --purpose (第十七条 requires a use scenario), e.g. --purpose "低保资格复核"',
    );
  }
  const globals = command.parent?.opts<{ logLevel: string }>() ?? { logLevel: 'info' };
  const out = processOutput();
  const { loaded, warehousePath } = await projectAndWarehouse(o);
  const node = nodeContext(loaded.project, loaded.dir);
  // Before the keys and the warehouse: a node without a parent has no one to ask.
  if (!node.platform.parent)
    throw new CliError(
      `${loaded.file}: node ${node.id} has no parent to ask for backflow (platform.parent is not set). Fix: set platform.parent: { id, url, publicKey } in the project`,
      EXIT.usage,
      { code: 'definition' },
    );
  loadKeys(node.keysDir); // no key pair: say so before the warehouse is opened
  const wh = await openCommandWarehouse({ path: warehousePath });
  const ctx = commandTaskContext(loaded, wh, createLogger(globals.logLevel));
  const wanted = progressWanted(command);
  const progress = progressReporter(wanted);
  try {
    const columns = (o.columns ?? '')
      .split(',')
      .map((c) => c.trim())
      .filter(Boolean);
    const r = await runBackflowTask(ctx, {
      dataset,
      columns,
      purpose: o.purpose!.trim(),
      grant: o.grant,
      actor: actorOf(o),
      ...(await backflowProgress(progress, wh, wanted, dataset)),
    });
    progress.stop();
    if (o.json) out.json(r);
    else
      out.data(
        `backflow ${dataset}: ${r.rows.toLocaleString('en')} rows (${r.columns.join(', ')}) into ${r.table}`,
      );
    return EXIT.ok;
  } finally {
    progress.stop();
    await ctx.done();
    wh.close();
  }
}
