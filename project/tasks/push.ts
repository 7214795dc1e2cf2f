/** The push task: sends changed catalogued datasets to the parent node; a `push` run. */
import {
  loadKeys,
  nodeContext,
  type PushProgress,
  type PushSummary,
  pushUpward,
  type Serial,
} from '../../platform/index.ts';
import type { TaskContext } from './context.ts';
import { pushSummaries } from './push-summaries.ts';
import { recorded } from './recorded.ts';

/** Pushes to the parent (every reportable dataset, or `datasets`); recorded as a `push` run. */
export async function runPushTask(
  ctx: TaskContext,
  options: {
    datasets?: readonly string[];
    serial?: Serial;
    /** Progress of planning and sending (a progress display). */
    onProgress?: (progress: PushProgress) => void;
  } = {},
): Promise<PushSummary & { runId: string }> {
  const node = nodeContext(ctx.loaded.project, ctx.loaded.dir);
  const target = node.platform.parent?.id ?? '(no parent)';
  const { runId, value } = await recorded(ctx, 'push', target, async () => {
    const keys = loadKeys(node.keysDir);
    // The node's yearly evaluation travels with the push (GOVERNANCE.md I), on its own when it changed and no
    // data batch carries it.
    const own = await pushSummaries({
      wh: ctx.wh,
      project: ctx.loaded.project,
      dir: ctx.loaded.dir,
      node,
      logger: ctx.logger,
      serial: options.serial,
    });
    const summary = await pushUpward({
      summaries: own.summaries,
      sendSummaries: own.changed,
      wh: ctx.wh,
      node,
      project: ctx.loaded.project,
      keys,
      ...(ctx.logger ? { logger: ctx.logger } : {}),
      ...(ctx.signal ? { signal: ctx.signal } : {}),
      ...(options.serial ? { serial: options.serial } : {}),
      ...(options.datasets ? { datasets: options.datasets } : {}),
      ...(options.onProgress ? { onProgress: options.onProgress } : {}),
      onDeadLetter: (d) =>
        ctx.alerts?.emit({
          kind: 'run-failed',
          title: `push ${d.dataset} → ${d.parent}: batch ${d.batch} is a dead letter`,
          lines: [
            `${d.code ?? d.status}: fix the cause, then gongshu push retry ${d.batch} (or push abandon ${d.batch})`,
          ],
          details: { batch: d.batch, dataset: d.dataset, code: d.code ?? null },
        }),
    });
    if (summary.summariesSent) await own.markSent();
    return {
      value: summary,
      rowsLoaded: summary.rows,
      details: {
        parent: summary.parent,
        batches: summary.batches.map((b) => ({ dataset: b.dataset, batch: b.batch, rows: b.rows })),
        upToDate: summary.upToDate,
      },
    };
  });
  return { ...value, runId };
}
