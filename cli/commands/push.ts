import type { Command } from 'commander';
import { projectAndWarehouse, runPushTask } from '../../project/index.ts';
import { EXIT } from '../errors.ts';
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

/** `gongshu push`: push catalogued datasets changed since the last acknowledged push to the parent node (a `push` run). */
export default async function push(_args: unknown[], command: Command): Promise<number> {
  const o = command.opts<PushOptions>();
  const globals = command.parent?.opts<{ logLevel: string }>() ?? { logLevel: 'info' };
  const out = processOutput();
  const logger = createLogger(globals.logLevel);
  const { loaded, warehousePath } = await projectAndWarehouse(o);
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
