import type { Command } from 'commander';
import { projectAndWarehouse, runBuildTask } from '../../project/index.ts';
import type { ArgumentProblems } from '../arguments.ts';
import { EXIT } from '../errors.ts';
import { createLogger } from '../logger.ts';
import { formatTable, processOutput } from '../output.ts';
import { buildProgress, progressReporter, progressWanted } from '../progress.ts';
import { openCommandWarehouse } from '../session.ts';
import { commandTaskContext } from '../task-context.ts';

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
 * upstream (`+name`); `--select` takes selectors as written (`x`, `+x`, `x+`). Exit 0 when everything selected
 * was built; 1 when a node failed, or a quality gate blocked a selected model (`--allow-blocked`: 0 then).
 */
export default async function build(args: unknown[], command: Command): Promise<number> {
  const [names] = args as [string[]];
  const opts = command.opts<{
    project?: string;
    warehouse?: string;
    select?: string[];
    fullRefresh?: boolean;
    concurrency: string;
    gates: boolean;
    allowBlocked?: boolean;
    json?: boolean;
  }>();
  const concurrency = Number(opts.concurrency);
  const out = processOutput();
  const logger = createLogger(command.parent?.opts().logLevel);
  const { loaded, warehousePath } = await projectAndWarehouse(opts);
  const wh = await openCommandWarehouse({ path: warehousePath });
  const ctx = commandTaskContext(loaded, wh, logger);
  const wanted = progressWanted(command);
  const progress = progressReporter(wanted);
  try {
    const summary = await runBuildTask(ctx, {
      ...(await buildProgress(progress, wh, wanted)),
      select: [...(names ?? []).map((n) => `+${n}`), ...(opts.select ?? [])],
      concurrency,
      gates: opts.gates,
      ...(opts.fullRefresh ? { fullRefresh: true } : {}),
    });
    progress.stop();
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
      for (const n of summary.nodes) {
        if (n.status !== 'succeeded') out.note(`${n.node}: ${n.status}: ${n.reason}`);
        for (const w of n.warnings ?? []) out.note(`${n.node}: ${w}`);
      }
      if (summary.status === 'blocked') {
        out.note(
          opts.allowBlocked
            ? 'build: quality gates blocked some models (--allow-blocked: exit 0)'
            : 'build: quality gates blocked some models: exit 1. Fix: fix the data (gongshu quality shows the failing rules), relax the model gate, or pass --allow-blocked',
        );
      }
    }
    // A mistake in a definition (a foundation field naming a missing column) is a usage error: exit 2.
    if (summary.nodes.some((n) => n.status === 'failed' && n.code === 'definition')) return EXIT.usage;
    if (summary.status === 'failed') return EXIT.failures;
    if (summary.status === 'blocked') return opts.allowBlocked ? EXIT.ok : EXIT.failures;
    return EXIT.ok;
  } finally {
    progress.stop();
    await ctx.done();
    wh.close();
  }
}
