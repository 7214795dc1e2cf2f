import { existsSync } from 'node:fs';
import type { Command } from 'commander';
import { projectAndWarehouse } from '../../project/index.ts';
import { breakLock, openWarehouse } from '../../warehouse/index.ts';
import type { ArgumentProblems } from '../arguments.ts';
import { EXIT } from '../errors.ts';
import { processOutput } from '../output.ts';

/** Every problem of the unlock command line: the project folder (unless --warehouse names the file). */
export function checkArguments(
  _args: unknown[],
  options: Record<string, unknown>,
  problems: ArgumentProblems,
) {
  const o = options as { project?: string; warehouse?: string };
  problems.project(o.warehouse ? undefined : o.project);
}

/**
 * `gongshu unlock`: removes `<warehouse>.lock` when its holder is gone. A holder still running on this host keeps
 * it (exit 3); one on another host needs `--force`. The warehouse is then opened for writing once, which also
 * checks DuckDB's own file lock (no other process on this host has the file open).
 */
export default async function unlock(_args: unknown[], command: Command): Promise<number> {
  const opts = command.opts<{ project: string; warehouse?: string; force?: boolean; json?: boolean }>();
  const out = processOutput();
  const path = opts.warehouse ?? (await projectAndWarehouse(opts)).warehousePath;
  const removed = breakLock(path, opts.force ? { force: true } : {});
  if (existsSync(path)) (await openWarehouse({ path })).close();
  if (opts.json) out.json({ lockFile: `${path}.lock`, removed: removed ?? null });
  else {
    out.data(
      removed
        ? `${path}.lock removed (it named pid ${removed.pid} on ${removed.host}, since ${removed.since}); the warehouse opens for writing`
        : `${path}: not locked; the warehouse opens for writing`,
    );
  }
  return EXIT.ok;
}
