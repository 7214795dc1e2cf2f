import type { Command } from 'commander';
import { loadKeys, nodeContext } from '../../platform/index.ts';
import { projectAndWarehouse, runPushTask } from '../../project/index.ts';
import type { ArgumentProblems } from '../arguments.ts';
import { CliError, EXIT } from '../errors.ts';
import { createLogger } from '../logger.ts';
import { processOutput } from '../output.ts';
import { openCommandWarehouse } from '../session.ts';
import { commandTaskContext } from '../task-context.ts';

interface PushOptions {
  project?: string;
  warehouse?: string;
  dataset?: string[];
  json?: boolean;
}

/** Every problem of the push command line: dataset names, the project folder. */
export function checkArguments(
  _args: unknown[],
  options: Record<string, unknown>,
  problems: ArgumentProblems,
) {
  const o = options as unknown as PushOptions;
  problems.name('--dataset', o.dataset);
  problems.project(o.project);
}

/** `gongshu push`: push catalogued datasets changed since the last acknowledged push to the parent node (a `push` run). */
export default async function push(_args: unknown[], command: Command): Promise<number> {
  const o = command.opts<PushOptions>();
  const globals = command.parent?.opts<{ logLevel: string }>() ?? { logLevel: 'info' };
  const out = processOutput();
  const logger = createLogger(globals.logLevel);
  const { loaded, warehousePath } = await projectAndWarehouse(o);
  const node = nodeContext(loaded.project, loaded.dir);
  // Before the keys and the warehouse: a node without a parent has nothing to push to.
  if (!node.platform.parent)
    throw new CliError(
      `${loaded.file}: node ${node.id} has no parent to push to (platform.parent is not set; the top node does not push). Fix: set platform.parent: { id, url, publicKey } in the project`,
      EXIT.usage,
      { code: 'definition' },
    );
  loadKeys(node.keysDir); // no key pair: say so before the warehouse is opened
  const wh = await openCommandWarehouse({ path: warehousePath });
  const ctx = commandTaskContext(loaded, wh, logger);
  try {
    const summary = await runPushTask(ctx, o.dataset ? { datasets: o.dataset } : {});
    if (o.json) out.json(summary);
    else {
      for (const b of summary.batches) {
        out.data(
          `push ${b.dataset} → ${summary.parent}: ${b.rows.toLocaleString('en')} rows in ${b.chunks} chunks` +
            `${b.resumed ? ` (resumed: ${b.sent} sent now)` : ''}${b.duplicates ? `, ${b.duplicates} already held by the parent` : ''}`,
        );
      }
      for (const d of summary.upToDate) out.data(`push ${d} → ${summary.parent}: up to date`);
    }
    return EXIT.ok;
  } finally {
    await ctx.done();
    wh.close();
  }
}
