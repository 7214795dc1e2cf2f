import type { Command } from 'commander';
import type { RunSummary } from '../../pipelines/index.ts';
import { projectAndWarehouse, runPipelinesTask } from '../../project/index.ts';
import type { ArgumentProblems } from '../arguments.ts';
import { EXIT, exitCodeOfCode } from '../errors.ts';
import { actorOf } from '../governance-context.ts';
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

/**
 * The exit code of a run: 0 when every pipeline loaded; else the code its failures have in any command (a
 * definition error 2, as `ingest` exits for the same mistake; the warehouse 3; a source 4; otherwise 1), the
 * first of 2, 3, 4 that any failed pipeline has, else 1.
 */
export function runExitCode(summary: RunSummary): number {
  if (summary.status === 'succeeded') return EXIT.ok;
  const codes = summary.pipelines.flatMap((p) => (p.status === 'failed' ? [exitCodeOfCode(p.code)] : []));
  return [EXIT.usage, EXIT.warehouse, EXIT.source].find((c) => codes.includes(c)) ?? EXIT.failures;
}

/** `gongshu run [PIPELINE...]`: exit 0 when every pipeline loaded; see `runExitCode`. */
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
      actor: actorOf({}),
      ...(progress.onProgress ? { onProgress: progress.onProgress } : {}),
    });
    progress.stop();
    if (opts.json) out.json(summary);
    else printRunSummary(out, summary);
    return runExitCode(summary);
  } finally {
    progress.stop();
    await ctx.done();
    wh.close();
  }
}
