import type { Command } from 'commander';
import {
  abandonDeadLetter,
  listDeadLetters,
  loadKeys,
  nodeContext,
  retryDeadLetter,
} from '../../platform/index.ts';
import { projectAndWarehouse, runPushTask } from '../../project/index.ts';
import type { ArgumentProblems } from '../arguments.ts';
import { CliError, EXIT } from '../errors.ts';
import { createLogger } from '../logger.ts';
import { formatTable, processOutput } from '../output.ts';
import { progressReporter, progressWanted, pushProgress } from '../progress.ts';
import { openCommandWarehouse } from '../session.ts';
import { commandTaskContext } from '../task-context.ts';

interface PushOptions {
  project?: string;
  warehouse?: string;
  dataset?: string[];
  json?: boolean;
}

/** Every problem of the push command line: the batch, dataset names, the project folder. */
export function checkArguments(
  args: unknown[],
  options: Record<string, unknown>,
  problems: ArgumentProblems,
) {
  const [action, batch] = args as [string | undefined, string | undefined];
  const o = options as unknown as PushOptions;
  if (action !== undefined) problems.choice('ACTION', action, ['dead-letters', 'retry', 'abandon']);
  if ((action === 'retry' || action === 'abandon') && !batch)
    problems.add(
      `push ${action}`,
      'the batch to act on',
      'nothing',
      `gongshu push ${action} BATCH (see gongshu push dead-letters)`,
    );
  if (batch !== undefined && !/^[A-Za-z0-9_.-]{1,128}$/.test(batch))
    problems.add(
      'BATCH',
      'a batch id as push dead-letters lists it',
      batch.slice(0, 40),
      'copy it from gongshu push dead-letters',
    );
  problems.name('--dataset', o.dataset);
  problems.project(o.project);
}

/**
 * `gongshu push [dead-letters | retry BATCH | abandon BATCH]`: push reportable datasets changed since the last
 * acknowledged push to the parent node; list the batches the parent refused for good; send one again after
 * fixing the cause; or give one up.
 */
export default async function push(args: unknown[], command: Command): Promise<number> {
  const [action, batch] = args as [string | undefined, string | undefined];
  const o = command.opts<PushOptions>();
  const globals = command.parent?.opts<{ logLevel: string }>() ?? { logLevel: 'info' };
  const out = processOutput();
  const logger = createLogger(globals.logLevel);
  const { loaded, warehousePath } = await projectAndWarehouse(o);
  const node = nodeContext(loaded.project, loaded.dir);
  // Before the keys and the warehouse: a node without a parent has nothing to push to.
  if (!node.platform.parent)
    throw new CliError(
      `${loaded.file}: node ${node.id} has no parent to push to (platform.parent is not set; the top node does not push). Fix: set platform.parent: { id, url, publicKey } in the project`,
      EXIT.usage,
      { code: 'definition' },
    );
  if (action === undefined) loadKeys(node.keysDir); // no key pair: say so before the warehouse is opened
  const wh = await openCommandWarehouse({ path: warehousePath, readOnly: action === 'dead-letters' });
  const ctx = commandTaskContext(loaded, wh, logger);
  try {
    if (action === 'dead-letters') {
      const dead = await listDeadLetters(wh);
      if (o.json) for (const d of dead) out.json(d);
      else if (dead.length === 0) out.note('push dead-letters: none');
      else
        for (const line of formatTable(
          dead.map((d) => ({
            batch: d.batch,
            dataset: d.dataset,
            parent: d.parent,
            rows: d.rows,
            acked: `${d.acked}/${d.chunks}`,
            code: d.code ?? d.status ?? '',
            reason: d.reason.slice(0, 120),
          })),
        ))
          out.data(line);
      return EXIT.ok;
    }
    if (action === 'retry') {
      const outcome = await retryDeadLetter(wh, node.id, batch!);
      const message =
        outcome === 'pending'
          ? `push retry ${batch}: pending again; the next push (or gongshu serve) sends its remaining chunks`
          : `push retry ${batch}: its outbox was gone; its rows are planned again by the next push`;
      if (o.json) out.json({ batch, outcome });
      else out.data(message);
      return EXIT.ok;
    }
    if (action === 'abandon') {
      await abandonDeadLetter(wh, node.id, batch!);
      if (o.json) out.json({ batch, outcome: 'abandoned' });
      else
        out.data(
          `push abandon ${batch}: given up; its rows are not sent (a later load travels in a new batch)`,
        );
      return EXIT.ok;
    }
    const wanted = progressWanted(command);
    const progress = progressReporter(wanted);
    let summary: Awaited<ReturnType<typeof runPushTask>>;
    try {
      summary = await runPushTask(ctx, {
        ...(o.dataset ? { datasets: o.dataset } : {}),
        ...(await pushProgress(progress, wh, wanted)),
      });
    } finally {
      progress.stop();
    }
    if (o.json) out.json(summary);
    else {
      for (const b of summary.batches) {
        out.data(
          `push ${b.dataset} → ${summary.parent}: ${b.rows.toLocaleString('en')} rows in ${b.chunks} chunks` +
            `${b.resumed ? ` (resumed: ${b.sent} sent now)` : ''}${b.duplicates ? `, ${b.duplicates} already held by the parent` : ''}` +
            `${b.outsideJurisdiction ? `, ${b.outsideJurisdiction} flagged outside this division` : ''}`,
        );
      }
      for (const d of summary.upToDate) out.data(`push ${d} → ${summary.parent}: up to date`);
      for (const f of summary.failed)
        out.data(
          `push ${f.dataset} → ${summary.parent}: batch ${f.batch} ${f.dead ? 'is a dead letter' : 'failed'}: ${f.reason}`,
        );
      if (summary.deadLetters > 0)
        out.note(
          `push: ${summary.deadLetters} dead letters wait (gongshu push dead-letters; push retry|abandon BATCH)`,
        );
    }
    return summary.failed.length > 0 ? EXIT.failures : EXIT.ok;
  } finally {
    await ctx.done();
    wh.close();
  }
}
