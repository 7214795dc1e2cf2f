/** The backflow task: asks the parent for this node's rows of a dataset (回流); a `backflow` run. */
import { type BackflowResult, loadKeys, nodeContext, requestBackflow } from '../../platform/index.ts';
import type { TaskContext } from './context.ts';
import { recorded } from './recorded.ts';

/** Requests `dataset` from the parent (the `columns`, or everything this node is entitled to) for `purpose`. */
export async function runBackflowTask(
  ctx: TaskContext,
  request: { dataset: string; columns?: readonly string[]; purpose: string },
): Promise<BackflowResult & { runId: string }> {
  const node = nodeContext(ctx.loaded.project, ctx.loaded.dir);
  const { runId, value } = await recorded(ctx, 'backflow', request.dataset, async () => {
    const r = await requestBackflow({
      wh: ctx.wh,
      node,
      keys: loadKeys(node.keysDir),
      dataset: request.dataset,
      columns: request.columns ?? [],
      purpose: request.purpose,
      ...(ctx.logger ? { logger: ctx.logger } : {}),
    });
    return {
      value: r,
      rowsLoaded: r.rows,
      details: { table: r.table, columns: r.columns, purpose: request.purpose },
    };
  });
  return { ...value, runId };
}
