import type { Command } from 'commander';
import type { Pipeline } from '../../pipelines/index.ts';
import { projectAndWarehouse } from '../../project/index.ts';
import type { ArgumentProblems } from '../arguments.ts';
import { processOutput } from '../output.ts';
import { list } from './quarantine/list.ts';
import { replay } from './quarantine/replay.ts';
import type { QuarantineOptions } from './quarantine/shared.ts';

/** Every problem of the quarantine command line: the dataset (required for replay), --limit, paths. */
export function checkArguments(
  args: unknown[],
  options: Record<string, unknown>,
  problems: ArgumentProblems,
) {
  const [action, dataset] = args as [string, string | undefined];
  const o = options as unknown as QuarantineOptions;
  if (action === 'replay' && dataset === undefined)
    problems.add('DATASET', 'the dataset to replay', undefined, 'gongshu quarantine replay hukou');
  problems.name('DATASET', dataset);
  problems.positiveInteger('--limit', o.limit, '--limit 50');
  problems.project(o.warehouse && action !== 'replay' ? undefined : o.project);
  problems.path(
    '--warehouse',
    o.warehouse,
    'file',
    "pass an existing DuckDB file, or omit --warehouse to use the project's",
  );
}

/** `gongshu quarantine list|replay`. */
export default async function quarantine(args: unknown[], command: Command): Promise<number> {
  const [action, dataset] = args as ['list' | 'replay', string | undefined];
  const o = command.opts<QuarantineOptions>();
  const out = processOutput();
  let pipeline: Pipeline | undefined;
  let path = o.warehouse;
  if (!path || action === 'replay') {
    try {
      const { loaded, warehousePath } = await projectAndWarehouse(o);
      path ??= warehousePath;
      pipeline = loaded.project.pipelines.find((p) => p.dataset.name === dataset);
    } catch (error) {
      if (!o.warehouse) throw error; // no project and no --warehouse: say why
    }
  }
  if (action === 'replay') return replay({ dataset, path: path!, pipeline, o, out });
  return list({ dataset, path: path!, o, out });
}
