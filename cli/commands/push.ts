import type { Command } from 'commander';
import { loadKeys, nodeContext, pushUpward } from '../../platform/index.ts';
import { projectAndWarehouse } from '../../project/index.ts';
import { openWarehouse } from '../../warehouse/index.ts';
import { EXIT } from '../errors.ts';
import { createLogger } from '../logger.ts';
import { processOutput } from '../output.ts';

interface PushOptions {
  project: string;
  warehouse?: string;
  dataset?: string[];
  json?: boolean;
}

/** `gongshu push`: push catalogued datasets changed since the last acknowledged push to the parent node. */
export default async function push(_args: unknown[], command: Command): Promise<number> {
  const o = command.opts<PushOptions>();
  const globals = command.parent?.opts<{ logLevel: string }>() ?? { logLevel: 'info' };
  const out = processOutput();
  const logger = createLogger(globals.logLevel);
  const { loaded, warehousePath } = await projectAndWarehouse(o);
  const node = nodeContext(loaded.project, loaded.dir);
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
