/** The pipelines task: loads the project's pipelines (recorded by the loader as a `pipeline` run). */
import type { Actor } from '../../governance/index.ts';
import { type RunSummary, runPipelines } from '../../pipelines/index.ts';
import type { TaskContext } from './context.ts';
import { recordLoadUsage, SERVICE_ACTOR } from './usage.ts';

/**
 * Runs the project's pipelines (all, or `only`); alerts `run-failed` when one failed. Each load is logged as
 * data obtained from its department (the usage log, 第十五条), by `actor` (defaults to the node service).
 */
export async function runPipelinesTask(
  ctx: TaskContext,
  options: {
    only?: readonly string[];
    onProgress?: (pipeline: string, rows: number) => void;
    actor?: Actor | undefined;
  } = {},
): Promise<RunSummary> {
  const summary = await runPipelines(ctx.wh, ctx.loaded.project, {
    ...(options.only ? { only: options.only } : {}),
    ...(ctx.logger ? { logger: ctx.logger } : {}),
    ...(ctx.signal ? { signal: ctx.signal } : {}),
    ...(options.onProgress ? { onProgress: options.onProgress } : {}),
  });
  await recordLoadUsage(ctx, summary, options.actor ?? SERVICE_ACTOR);
  const failed = summary.pipelines.filter((p) => p.status === 'failed');
  if (failed.length) {
    ctx.alerts?.emit({
      kind: 'run-failed',
      title: `pipeline ${failed.map((f) => f.pipeline).join(', ')} failed`,
      lines: failed.map((f) => `${f.pipeline}: ${'error' in f ? f.error.split('\n')[0] : ''}`),
      runId: summary.runId,
    });
  }
  return summary;
}
