/** The usage log of a task's loads (第十五条: data obtained from a department or from the parent). */
import { type Actor, recordUsage, SERVICE_OPERATOR } from '../../governance/index.ts';
import type { RunSummary } from '../../pipelines/index.ts';
import { nodeContext } from '../../platform/index.ts';
import type { TaskContext } from './context.ts';

/** Who acts when the node service runs a task on its own (a schedule). */
export const SERVICE_ACTOR: Actor = Object.freeze({ operator: SERVICE_OPERATOR });

/**
 * Logs each succeeded load of a pipelines run as data obtained from its providing department (the catalog
 * entry's provider), with its rows and where it is stored.
 */
export async function recordLoadUsage(ctx: TaskContext, summary: RunSummary, actor: Actor): Promise<void> {
  const node = nodeContext(ctx.loaded.project, ctx.loaded.dir);
  const catalogs = new Map(ctx.loaded.project.pipelines.map((p) => [p.dataset.name, p.dataset.catalog]));
  for (const p of summary.pipelines) {
    if (p.status !== 'succeeded') continue;
    await recordUsage(
      { wh: ctx.wh, node },
      {
        kind: 'ingest',
        dataset: p.dataset,
        actor,
        department: catalogs.get(p.dataset)?.provider.name ?? null,
        scenario: `pipeline ${p.pipeline}`,
        storage: `main.${p.dataset}`,
        encryption: 'none (local warehouse)',
        rows: p.rowsLoaded,
        details: { loadId: p.loadId, runId: summary.runId, quarantined: p.rowsQuarantined },
        at: new Date(),
      },
    );
  }
}
