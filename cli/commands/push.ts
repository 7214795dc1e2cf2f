import type { Command } from 'commander';
import { loadKeys, nodeContext, pushUpward } from '../../platform/index.ts';
import { projectAndWarehouse } from '../../project/index.ts';
import { openWarehouse } from '../../warehouse/index.ts';
import type { ArgumentProblems } from '../arguments.ts';
import { CliError, EXIT } from '../errors.ts';
import { createLogger } from '../logger.ts';
import { processOutput } from '../output.ts';

interface PushOptions {
  project: string;
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

/** `gongshu push`: push catalogued datasets changed since the last acknowledged push to the parent node. */
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
  const keys = loadKeys(node.keysDir);
  const wh = await openWarehouse({ path: warehousePath });
  try {
    const summary = await pushUpward({
      wh,
      node,
      project: loaded.project,
      keys,
      logger,
      ...(o.dataset ? { datasets: o.dataset } : {}),
    });
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
    wh.close();
  }
}
