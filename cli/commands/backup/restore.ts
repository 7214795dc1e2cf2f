import { restoreBackup } from '../../../governance/index.ts';
import { CliError, EXIT } from '../../errors.ts';
import { type BackupAction, names } from './shared.ts';

/** `gongshu backup restore ID --to PATH [--from …] [--force]`: restores a backup to a folder or file. */
export async function restore(
  id: string | undefined,
  { run, o, out, warehousePath }: BackupAction,
): Promise<number> {
  if (!id) throw new CliError('backup restore: name the backup, e.g. gongshu backup restore ID --to DIR');
  const to = o.to ?? [];
  if (to.length !== 1)
    throw new CliError('backup restore: --to PATH (one folder or .duckdb file) is required');
  const from = names(o.from);
  if (from.length > 1) throw new CliError('backup restore: --from names one destination');
  const r = await restoreBackup({
    ...run,
    id,
    to: to[0]!,
    from: from[0],
    force: o.force,
    livePath: warehousePath,
  });
  if (o.json) out.json(r);
  else {
    out.data(r.path);
    out.note(
      `backup restore ${r.id} (from ${r.from}) → ${r.path}: ${r.tables} tables, ${r.rows.toLocaleString('en')} rows, checked against the manifest` +
        (r.replaced ? `; the replaced warehouse is kept as ${r.replaced} (delete it when satisfied)` : ''),
    );
  }
  return EXIT.ok;
}
