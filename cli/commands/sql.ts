import type { Command } from 'commander';
import { projectAndWarehouse } from '../../project/index.ts';
import { EXIT } from '../errors.ts';
import { formatTable, processOutput } from '../output.ts';
import { openCommandWarehouse } from '../session.ts';

/** `gongshu sql "QUERY"`: rows as a table, or one JSON object per row with --json. Read-only unless --write. */
export default async function sql(args: unknown[], command: Command): Promise<number> {
  const [query] = args as [string];
  const opts = command.opts<{ project?: string; warehouse?: string; json?: boolean; write?: boolean }>();
  const out = processOutput();
  const path = opts.warehouse ?? (await projectAndWarehouse(opts)).warehousePath;
  const wh = await openCommandWarehouse({ path, readOnly: !opts.write });
  try {
    const { columns, rows } = await wh.json(query);
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
