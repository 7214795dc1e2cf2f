import type { Command } from 'commander';
import { type BackupRunOptions, backupSettings, journalPath, parentLinkOf } from '../../governance/index.ts';
import { projectAndWarehouse } from '../../project/index.ts';
import { isGongshuError } from '../../schemas/index.ts';
import type { ArgumentProblems } from '../arguments.ts';
import { CliError, EXIT } from '../errors.ts';
import { createLogger } from '../logger.ts';
import { processOutput } from '../output.ts';
import { type ProgressReporter, progressReporter, progressWanted } from '../progress.ts';
import { create } from './backup/create.ts';
import { keygen } from './backup/keygen.ts';
import { list } from './backup/list.ts';
import { prune } from './backup/prune.ts';
import { restore } from './backup/restore.ts';
import type { BackupAction, BackupCliOptions } from './backup/shared.ts';
import { status } from './backup/status.ts';
import { verify } from './backup/verify.ts';

type Action = 'create' | 'list' | 'verify' | 'restore' | 'prune' | 'status' | 'keygen';

/** Destination errors exit 4, a refused restore 2; the rest keep their usual codes. */
function mapError(error: unknown): never {
  if (isGongshuError(error)) {
    if (error.code === 'backup-destination')
      throw new CliError(error.message, EXIT.source, { code: 'backup-destination' });
    if (error.code === 'backup' && error.details.refused)
      throw new CliError(error.message, EXIT.usage, { code: 'backup-refused' });
    if (error.code === 'warehouse-locked') {
      throw new CliError(
        `${error.message} A backup needs the writer: while gongshu serve runs for the project, backup create with --project (no --warehouse) is sent to it and runs in its queue; or let it take backups with a schedule ({ run: { backup: {} } }).`,
        EXIT.warehouse,
        { code: error.code },
      );
    }
  }
  throw error;
}

/** Checks the command line before any work: what each action needs. */
export function checkArguments(
  args: unknown[],
  options: Record<string, unknown>,
  problems: ArgumentProblems,
) {
  const [action, id] = args as [Action | undefined, string | undefined];
  const o = options as unknown as BackupCliOptions;
  if ((action === 'verify' || action === 'restore') && !id) {
    problems.addMessage(
      `backup ${action}: the backup id is missing`,
      `gongshu backup list shows the ids, e.g. gongshu backup ${action} backup-20260105020000-3fa9c1`,
    );
  }
  if (action === 'keygen' && !id) {
    problems.addMessage(
      'backup keygen: the key file to create is missing',
      'gongshu backup keygen /etc/gongshu/backup-k1.key',
    );
  }
  if (action === 'restore' && (o.to ?? []).length !== 1) {
    problems.addMessage(
      'backup restore: --to needs one folder or .duckdb file',
      'gongshu backup restore ID --to /tmp/drill',
    );
  }
  if (action === 'restore' && (o.from ?? []).length > 1) {
    problems.addMessage(
      'backup restore: --from names one destination',
      'gongshu backup restore ID --to DIR --from offsite',
    );
  }
  if (action !== 'keygen') problems.project(o.warehouse ? undefined : o.project);
}

/**
 * `gongshu backup create|list|verify|restore|prune|status|keygen`: encrypted backups of the node's warehouse,
 * kept at local and off-site destinations and verified by restoring them (GOVERNANCE.md F).
 */
export default async function backup(args: unknown[], command: Command): Promise<number> {
  const [action, arg] = args as [Action, string | undefined];
  const o = command.opts<BackupCliOptions>();
  const globals = command.parent?.opts<{ logLevel: string }>() ?? { logLevel: 'info' };
  const out = processOutput();
  if (action === 'keygen') return keygen(arg, o, out);
  const logger = createLogger(globals.logLevel);
  const { loaded, warehousePath } = await projectAndWarehouse(o);
  const settings = backupSettings(loaded.project, loaded.dir);
  const progress = progressReporter(progressWanted(command));
  const run: BackupRunOptions = {
    settings,
    journal: journalPath(warehousePath),
    parent: parentLinkOf(loaded.project, loaded.dir, settings, logger),
    logger,
    progress: backupProgress(progress),
  };
  const a: BackupAction = { run, o, out, warehousePath };
  try {
    switch (action) {
      case 'create':
        return await create(a);
      case 'list':
        return await list(a);
      case 'verify':
        return await verify(arg, a);
      case 'restore':
        return await restore(arg, a);
      case 'prune':
        return await prune(a);
      case 'status':
        return status(a);
      default:
        throw new CliError(
          `backup: expected create, list, verify, restore, prune, status or keygen; got ${String(action)}`,
        );
    }
  } catch (error) {
    mapError(error);
  } finally {
    progress.stop();
  }
}

/** The steps of a backup operation on the progress line: bytes shown in MiB (a step over 2 s only). */
function backupProgress(reporter: ProgressReporter): BackupRunOptions['progress'] {
  const MiB = 1024 * 1024;
  return (step, done, total) => {
    if (done === undefined) reporter.step(step);
    else reporter.step(step, done / MiB, total === undefined ? undefined : total / MiB, 'MiB');
  };
}
