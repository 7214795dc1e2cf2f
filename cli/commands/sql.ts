import type { Command } from 'commander';
import { recordUsage, spoolUsage } from '../../governance/index.ts';
import { sm3 } from '../../platform/index.ts';
import { projectAndWarehouse } from '../../project/index.ts';
import { openWarehouse, WarehouseLockedError } from '../../warehouse/index.ts';
import type { ArgumentProblems } from '../arguments.ts';
import { EXIT } from '../errors.ts';
import { actorOf, type GovernanceOptions, withGovernance } from '../governance-context.ts';
import { formatTable, processOutput } from '../output.ts';

interface SqlOptions {
  project: string;
  warehouse?: string;
  json?: boolean;
  write?: boolean;
  operator?: string;
  department?: string;
  purpose?: string;
}

/** Every problem of the sql command line: a query, the project folder, an existing warehouse to read. */
export function checkArguments(
  args: unknown[],
  options: Record<string, unknown>,
  problems: ArgumentProblems,
) {
  const o = options as { project?: string; warehouse?: string; write?: boolean };
  if (typeof args[0] === 'string' && args[0].trim() === '')
    problems.add('QUERY', 'a SQL query', args[0], 'gongshu sql "SELECT count(*) FROM hukou"');
  problems.project(o.warehouse ? undefined : o.project);
  if (!o.write)
    problems.path(
      '--warehouse',
      o.warehouse,
      'file',
      'pass an existing DuckDB file (or --write to create one)',
    );
}

/**
 * `gongshu sql "QUERY"`: rows as a table, or one JSON object per row with --json. Read-only unless --write. In a
 * project, each read is a usage entry (第十五条: query hash, rows, operator, department, purpose); while another
 * process holds the warehouse it is spooled and logged by the next governance command.
 */
export default async function sql(args: unknown[], command: Command): Promise<number> {
  const [query] = args as [string];
  const opts = command.opts<SqlOptions>();
  const out = processOutput();
  const project = opts.warehouse ? undefined : await projectAndWarehouse(opts);
  const path = opts.warehouse ?? project!.warehousePath;
  const wh = await openWarehouse({ path, readOnly: !opts.write });
  let rows: number;
  try {
    const result = await wh.json(query);
    rows = result.rows.length;
    if (opts.json) for (const row of result.rows) out.json(row);
    else {
      for (const line of formatTable(result.rows, result.columns)) out.data(line);
      out.note(`(${rows} row${rows === 1 ? '' : 's'})`);
    }
  } finally {
    wh.close();
  }
  if (project) {
    const input = {
      kind: 'sql-read' as const,
      actor: actorOf(opts),
      scenario: opts.purpose?.trim() || null,
      storage: path,
      rows,
      queryHash: sm3(query),
      at: new Date(),
    };
    try {
      await withGovernance({ ...opts, project: opts.project } as GovernanceOptions, (ctx) =>
        recordUsage(ctx, input),
      );
    } catch (error) {
      if (!(error instanceof WarehouseLockedError)) throw error;
      const spool = spoolUsage(project.loaded.dir, input);
      out.note(
        `sql: the warehouse is held by another writer; this read is logged in ${spool} until the next governance command`,
      );
    }
  }
  return EXIT.ok;
}
