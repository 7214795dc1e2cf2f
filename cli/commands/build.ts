import type { Command } from 'commander';
import { buildProject } from '../../jobs/index.ts';
import { projectAndWarehouse } from '../../project/index.ts';
import { openWarehouse } from '../../warehouse/index.ts';
import type { ArgumentProblems } from '../arguments.ts';
import { EXIT } from '../errors.ts';
import { createLogger } from '../logger.ts';
import { formatTable, processOutput } from '../output.ts';

/** Every problem of the build command line: --concurrency, the project folder. */
export function checkArguments(
  _args: unknown[],
  options: Record<string, unknown>,
  problems: ArgumentProblems,
) {
  problems.positiveInteger('--concurrency', options.concurrency as string | undefined, '--concurrency 2');
  problems.project(options.project as string | undefined);
}

/**
 * `gongshu build [MODEL...]`: builds foundations and models. Positional names are built with everything
 * upstream (`+name`); `--select` takes selectors as written (`x`, `+x`, `x+`). Exit 0 when nothing failed,
 * 1 when a node failed.
 */
export default async function build(args: unknown[], command: Command): Promise<number> {
  const [names] = args as [string[]];
  const opts = command.opts<{
    project: string;
    warehouse?: string;
    select?: string[];
    fullRefresh?: boolean;
    concurrency: string;
    gates: boolean;
    json?: boolean;
  }>();
  const concurrency = Number(opts.concurrency);
  const out = processOutput();
  const logger = createLogger(command.parent?.opts().logLevel);
  const { loaded, warehousePath } = await projectAndWarehouse(opts);
  const wh = await openWarehouse({ path: warehousePath });
  try {
    const summary = await buildProject(wh, loaded.project, {
      select: [...(names ?? []).map((n) => `+${n}`), ...(opts.select ?? [])],
      concurrency,
      gates: opts.gates,
      logger,
      ...(opts.fullRefresh ? { fullRefresh: true } : {}),
    });
    if (opts.json) out.json(summary);
    else {
      const rows = summary.nodes.map((n) => ({
        node: n.node,
        status: n.status === 'succeeded' ? 'ok' : n.status.toUpperCase(),
        rows: n.rows,
        mode: n.foundation?.mode ?? null,
        conflicts: n.foundation?.conflicts ?? null,
        seconds: Number(n.seconds.toFixed(2)),
      }));
      for (const line of formatTable(rows)) out.data(line);
      for (const n of summary.nodes)
        if (n.status !== 'succeeded') out.note(`${n.node}: ${n.status}: ${n.reason}`);
    }
    return summary.status === 'succeeded' ? EXIT.ok : EXIT.failures;
  } finally {
    wh.close();
  }
}
