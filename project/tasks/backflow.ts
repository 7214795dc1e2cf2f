/** The backflow task: asks the parent for this node's rows of a dataset (回流); a `backflow` run. */
import { type Actor, recordUsage } from '../../governance/index.ts';
import {
  type BackflowProgress,
  type BackflowResult,
  loadKeys,
  nodeContext,
  requestBackflow,
} from '../../platform/index.ts';
import type { TaskContext } from './context.ts';
import { recorded } from './recorded.ts';
import { SERVICE_ACTOR } from './usage.ts';

/**
 * Requests `dataset` from the parent (the `columns`, or everything this node is entitled to) for `purpose`,
 * under `grant` when the parent answers backflow from grants; the rows received are a usage entry (第十五条:
 * data obtained, with its grant, scenario and where it is stored) in the same run.
 */
export async function runBackflowTask(
  ctx: TaskContext,
  request: {
    dataset: string;
    columns?: readonly string[];
    purpose: string;
    grant?: string | undefined;
    /** Who asks (the usage log); defaults to the node service. */
    actor?: Actor | undefined;
    /** Progress of receiving and storing the answer (a progress display). */
    onProgress?: ((progress: BackflowProgress) => void) | undefined;
  },
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
      ...(request.grant ? { grant: request.grant } : {}),
      ...(ctx.logger ? { logger: ctx.logger } : {}),
      ...(request.onProgress ? { onProgress: request.onProgress } : {}),
    });
    await recordUsage(
      { wh: ctx.wh, node },
      {
        kind: 'backflow-received',
        dataset: request.dataset,
        actor: request.actor ?? SERVICE_ACTOR,
        grantId: request.grant ?? null,
        scenario: request.purpose,
        storage: r.table,
        encryption: 'none (local warehouse)',
        rows: r.rows,
        contentHash: r.contentHash,
        peer: node.platform.parent?.id ?? null,
        details: { columns: r.columns },
        at: new Date(),
      },
    );
    return {
      value: r,
      rowsLoaded: r.rows,
      details: {
        table: r.table,
        columns: r.columns,
        purpose: request.purpose,
        ...(request.grant ? { grant: request.grant } : {}),
      },
    };
  });
  return { ...value, runId };
}
