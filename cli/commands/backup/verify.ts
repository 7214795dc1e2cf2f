import { verifyBackup } from '../../../governance/index.ts';
import { CliError, EXIT } from '../../errors.ts';
import { type BackupAction, names } from './shared.ts';

/** `gongshu backup verify ID [--from …]`: restores the backup aside and checks it against its manifest. */
export async function verify(id: string | undefined, { run, o, out }: BackupAction): Promise<number> {
  if (!id)
    throw new CliError(
      'backup verify: name the backup, e.g. gongshu backup verify backup-20260105020000-3fa9c1',
    );
  const r = await verifyBackup({ ...run, id, from: names(o.from) });
  if (o.json) out.json(r);
  else
    for (const d of r.destinations)
      out.data(
        d.ok
          ? `backup verify ${r.id} at ${d.destination}: ok — restored, ${d.tables} tables and ${(d.rows ?? 0).toLocaleString('en')} rows match the manifest, audit chain intact`
          : `backup verify ${r.id} at ${d.destination}: FAILED — ${d.error}`,
      );
  return r.ok ? EXIT.ok : EXIT.failures;
}
