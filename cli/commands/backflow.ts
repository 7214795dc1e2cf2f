import type { Command } from 'commander';
import { loadKeys, nodeContext } from '../../platform/index.ts';
import { projectAndWarehouse, runBackflowTask } from '../../project/index.ts';
import { CliError, EXIT } from '../errors.ts';
import { createLogger } from '../logger.ts';
import { processOutput } from '../output.ts';
import { openCommandWarehouse } from '../session.ts';
import { commandTaskContext } from '../task-context.ts';

interface BackflowOptions {
  project?: string;
  warehouse?: string;
  columns?: string;
  purpose?: string;
  json?: boolean;
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
  loadKeys(node.keysDir); // no key pair: say so before the warehouse is opened
  const wh = await openCommandWarehouse({ path: warehousePath });
  const ctx = commandTaskContext(loaded, wh, createLogger(globals.logLevel));
  try {
    const columns = (o.columns ?? '')
      .split(',')
      .map((c) => c.trim())
      .filter(Boolean);
    const r = await runBackflowTask(ctx, { dataset, columns, purpose: o.purpose.trim() });
    if (o.json) out.json(r);
    else
      out.data(
        `backflow ${dataset}: ${r.rows.toLocaleString('en')} rows (${r.columns.join(', ')}) into ${r.table}`,
      );
    return EXIT.ok;
  } finally {
    await ctx.done();
    wh.close();
  }
}
