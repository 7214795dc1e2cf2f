import type { Command } from 'commander';
import { recordUsage, spoolUsage, type UsageInput } from '../../governance/index.ts';
import { sm3 } from '../../platform/index.ts';
import { projectAndWarehouse } from '../../project/index.ts';
import { WarehouseLockedError, WarehouseQueryError } from '../../warehouse/index.ts';
import type { ArgumentProblems } from '../arguments.ts';
import { CliError, EXIT } from '../errors.ts';
import { actorOf, withGovernance } from '../governance-context.ts';
import { formatTable, processOutput } from '../output.ts';
import { currentSession, openCommandWarehouse } from '../session.ts';

interface SqlOptions {
  project?: string;
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
 * `gongshu sql "QUERY"`: rows as a table, or one JSON object per row with --json. Read-only unless --write.
 * Integers are numbers at any width; TIMESTAMPTZ values are shown in the warehouse's time zone (Asia/Shanghai)
 * with their offset, as the session reads them back. A query DuckDB refuses exits 2 (bad input), not 3.
 * In a project, each read is a usage entry (第十五条: query hash, rows, operator, department, purpose); when it
 * cannot be written now (another process holds the warehouse, or the node service answered the read from a
 * snapshot) it is spooled and logged with its time by the next governance command that writes.
 */
export default async function sql(args: unknown[], command: Command): Promise<number> {
  const [query] = args as [string];
  const opts = command.opts<SqlOptions>();
  const out = processOutput();
  // `gongshu sql … | head`: the reader went away; stop quietly, as other command-line tools do.
  process.stdout.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code === 'EPIPE') process.exit(EXIT.ok);
    throw error;
  });
  const project = opts.warehouse ? undefined : await projectAndWarehouse(opts);
  const path = opts.warehouse ?? project!.warehousePath;
  const wh = await openCommandWarehouse({ path, readOnly: !opts.write });
  let rows: number;
  try {
    let result: Awaited<ReturnType<typeof wh.display>>;
    try {
      result = await wh.display(query);
    } catch (error) {
      if (!(error instanceof WarehouseQueryError)) throw error;
      const reason = error.message.replace(/^query failed: /, '').replace(/\n {2}in: [\s\S]*$/, '');
      const readOnly = /read-only mode/i.test(reason);
      throw new CliError(
        `sql: ${reason.trim()}. Fix: ${readOnly ? 'add --write to change the warehouse (it takes the writer lock)' : 'correct the query'}`,
        EXIT.usage,
      );
    }
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
    const input: UsageInput = {
      kind: 'sql-read',
      actor: actorOf(opts),
      scenario: opts.purpose?.trim() || null,
      storage: path,
      rows,
      queryHash: sm3(query),
      at: new Date(),
    };
    // Inside the node service a read is answered from a snapshot, outside its queue: spooled (quietly, as
    // every read there is), logged by the next governance command the service runs.
    if (currentSession() && !opts.write) spoolUsage(project.loaded.dir, input);
    else {
      try {
        await withGovernance(opts, (ctx) => recordUsage(ctx, input));
      } catch (error) {
        if (!(error instanceof WarehouseLockedError)) throw error;
        const file = spoolUsage(project.loaded.dir, input);
        out.note(
          `sql: the warehouse is held by another writer; this read is logged in ${file} until the next governance command`,
        );
      }
    }
  }
  return EXIT.ok;
}
