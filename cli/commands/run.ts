import type { Command } from 'commander';
import { runPipelines } from '../../pipelines/index.ts';
import { projectAndWarehouse } from '../../project/index.ts';
import { openWarehouse } from '../../warehouse/index.ts';
import { EXIT } from '../errors.ts';
import { createLogger } from '../logger.ts';
import { processOutput } from '../output.ts';
import { printRunSummary, progressReporter } from '../run-summary.ts';

/** `gongshu run [PIPELINE...]`: exit 0 when every pipeline loaded, 1 when any failed. */
export default async function run(args: unknown[], command: Command): Promise<number> {
  const [names] = args as [string[]];
  const opts = command.opts<{ project: string; warehouse?: string; json?: boolean }>();
  const out = processOutput();
  const logger = createLogger(command.parent?.opts().logLevel);
  const { loaded, warehousePath } = await projectAndWarehouse(opts);
  const wh = await openWarehouse({
    path: warehousePath,
    ...(loaded.project.memoryLimit ? { memoryLimit: loaded.project.memoryLimit } : {}),
  });
  const progress = progressReporter(out);
  try {
    const summary = await runPipelines(wh, loaded.project, {
      only: names,
      logger,
      ...(progress.onProgress ? { onProgress: progress.onProgress } : {}),
    });
    progress.stop();
    if (opts.json) out.json(summary);
    else printRunSummary(out, summary);
    return summary.status === 'succeeded' ? EXIT.ok : EXIT.failures;
  } finally {
    progress.stop();
    wh.close();
  }
}
