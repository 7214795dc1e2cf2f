import type { Command } from 'commander';
import { recordUsage } from '../../governance/index.ts';
import { runPipelines } from '../../pipelines/index.ts';
import { nodeContext } from '../../platform/index.ts';
import { projectAndWarehouse } from '../../project/index.ts';
import { openWarehouse } from '../../warehouse/index.ts';
import type { ArgumentProblems } from '../arguments.ts';
import { EXIT } from '../errors.ts';
import { actorOf } from '../governance-context.ts';
import { createLogger } from '../logger.ts';
import { processOutput } from '../output.ts';
import { printRunSummary, progressReporter } from '../run-summary.ts';

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
    // 第十五条: each load is data obtained from a department, logged with its rows and where it is stored.
    const ctx = { wh, node: nodeContext(loaded.project, loaded.dir) };
    const catalogs = new Map(loaded.project.pipelines.map((p) => [p.dataset.name, p.dataset.catalog]));
    for (const p of summary.pipelines) {
      if (p.status !== 'succeeded') continue;
      await recordUsage(ctx, {
        kind: 'ingest',
        dataset: p.dataset,
        actor: actorOf({}),
        department: catalogs.get(p.dataset)?.provider.name ?? null,
        scenario: `pipeline ${p.pipeline}`,
        storage: `main.${p.dataset}`,
        encryption: 'none (local warehouse)',
        rows: p.rowsLoaded,
        details: { loadId: p.loadId, runId: summary.runId, quarantined: p.rowsQuarantined },
        at: new Date(),
      });
    }
    if (opts.json) out.json(summary);
    else printRunSummary(out, summary);
    return summary.status === 'succeeded' ? EXIT.ok : EXIT.failures;
  } finally {
    progress.stop();
    wh.close();
  }
}
