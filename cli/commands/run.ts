import type { Command } from 'commander';
import { projectAndWarehouse, runPipelinesTask } from '../../project/index.ts';
import type { ArgumentProblems } from '../arguments.ts';
import { EXIT } from '../errors.ts';
import { createLogger } from '../logger.ts';
import { processOutput } from '../output.ts';
import { printRunSummary, progressReporter } from '../run-summary.ts';
import { openCommandWarehouse } from '../session.ts';
import { commandTaskContext } from '../task-context.ts';

/** Every problem of the run command line: pipeline names, the project folder. */
export function checkArguments(
  args: unknown[],
  options: Record<string, unknown>,
  problems: ArgumentProblems,
) {
  problems.name('PIPELINE', args[0] as string[] | undefined);
  problems.project(options.project as string | undefined);
}

/** `gongshu run [PIPELINE...]`: exit 0 when every pipeline loaded, 1 when any failed. */
export default async function run(args: unknown[], command: Command): Promise<number> {
  const [names] = args as [string[]];
  const opts = command.opts<{ project?: string; warehouse?: string; json?: boolean }>();
  const out = processOutput();
  const logger = createLogger(command.parent?.opts().logLevel);
  const { loaded, warehousePath } = await projectAndWarehouse(opts);
  const wh = await openCommandWarehouse({
    path: warehousePath,
    ...(loaded.project.memoryLimit ? { memoryLimit: loaded.project.memoryLimit } : {}),
  });
  const progress = progressReporter(out);
  const ctx = commandTaskContext(loaded, wh, logger);
  try {
    const summary = await runPipelinesTask(ctx, {
      only: names,
      ...(progress.onProgress ? { onProgress: progress.onProgress } : {}),
    });
    progress.stop();
    if (opts.json) out.json(summary);
    else printRunSummary(out, summary);
    // A mistake in a definition (a catalog field matching no source column) is a usage error: exit 2.
    if (summary.pipelines.some((p) => p.status === 'failed' && p.code === 'definition')) return EXIT.usage;
    return summary.status === 'succeeded' ? EXIT.ok : EXIT.failures;
  } finally {
    progress.stop();
    await ctx.done();
    wh.close();
  }
}
