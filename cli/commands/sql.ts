import type { Command } from 'commander';
import { projectAndWarehouse } from '../../project/index.ts';
import { WarehouseQueryError } from '../../warehouse/index.ts';
import type { ArgumentProblems } from '../arguments.ts';
import { CliError, EXIT } from '../errors.ts';
import { formatTable, processOutput } from '../output.ts';
import { openCommandWarehouse } from '../session.ts';

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
 */
export default async function sql(args: unknown[], command: Command): Promise<number> {
  const [query] = args as [string];
  const opts = command.opts<{ project?: string; warehouse?: string; json?: boolean; write?: boolean }>();
  const out = processOutput();
  // `gongshu sql … | head`: the reader went away; stop quietly, as other command-line tools do.
  process.stdout.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code === 'EPIPE') process.exit(EXIT.ok);
    throw error;
  });
  const path = opts.warehouse ?? (await projectAndWarehouse(opts)).warehousePath;
  const wh = await openCommandWarehouse({ path, readOnly: !opts.write });
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
    const { columns, rows } = result;
    if (opts.json) for (const row of rows) out.json(row);
    else {
      for (const line of formatTable(rows, columns)) out.data(line);
      out.note(`(${rows.length} row${rows.length === 1 ? '' : 's'})`);
    }
    return EXIT.ok;
  } finally {
    wh.close();
  }
}
