import type { Command } from 'commander';
import { projectAndWarehouse } from '../../project/index.ts';
import { formatZoned, listRuns } from '../../warehouse/index.ts';
import type { ArgumentProblems } from '../arguments.ts';
import { formatTable, processOutput } from '../output.ts';
import { openCommandWarehouse } from '../session.ts';

/** Every problem of the runs command line: --limit, the project folder, the warehouse file. */
export function checkArguments(
  _args: unknown[],
  options: Record<string, unknown>,
  problems: ArgumentProblems,
) {
  const o = options as { project?: string; warehouse?: string; limit?: string };
  problems.positiveInteger('--limit', o.limit, '--limit 20');
  problems.projectOrWarehouse(o);
}

/**
 * An ISO time as the warehouse's session shows times (Asia/Shanghai unless configured), to the second with its
 * offset: `2026-12-06 22:47:22+08`, as `gongshu sql` shows a TIMESTAMPTZ (`--json` keeps ISO UTC).
 */
export function localTime(iso: string, timeZone: string): string {
  const ms = Date.parse(iso);
  if (Number.isNaN(ms)) return iso;
  return formatZoned(BigInt(Math.floor(ms / 1000)) * 1_000_000n, timeZone);
}

/** `gongshu runs`: the most recent runs (pipelines, builds, schedules, backfills), newest first. Read-only. */
export default async function runs(_args: unknown[], command: Command): Promise<number> {
  const opts = command.opts<{
    project?: string;
    warehouse?: string;
    kind?: string;
    limit: string;
    json?: boolean;
  }>();
  const limit = Number(opts.limit);
  const out = processOutput();
  const { warehousePath } = await projectAndWarehouse(opts);
  const wh = await openCommandWarehouse({ path: warehousePath, readOnly: true });
  try {
    const rows = await listRuns(wh, { limit, ...(opts.kind ? { kind: opts.kind } : {}) });
    if (opts.json) {
      for (const r of rows) out.json(r);
    } else {
      const table = rows.map((r) => ({
        run: r.run_id,
        kind: r.kind,
        target: r.target.length > 40 ? `${r.target.slice(0, 39)}…` : r.target,
        status: r.status,
        started: localTime(r.started_at, wh.timeZone),
        seconds: r.seconds,
        rows: r.rows_loaded,
        error: r.error ? r.error.split('\n')[0]!.slice(0, 60) : '',
      }));
      if (table.length === 0) out.note('no runs recorded yet');
      else for (const line of formatTable(table)) out.data(line);
    }
    return 0;
  } finally {
    wh.close();
  }
}
