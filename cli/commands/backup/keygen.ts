import { generateMasterKey } from '../../../governance/index.ts';
import { CliError, EXIT } from '../../errors.ts';
import type { Output } from '../../output.ts';
import type { BackupCliOptions } from './shared.ts';

/** `gongshu backup keygen FILE`: writes a new master key (mode 600). */
export function keygen(file: string | undefined, o: BackupCliOptions, out: Output): number {
  if (!file)
    throw new CliError(
      'backup keygen: name the key file to create, e.g. gongshu backup keygen /etc/gongshu/backup-k1.key',
    );
  const written = generateMasterKey(file).file;
  if (o.json) out.json({ file: written });
  else {
    out.data(written);
    out.note(
      `backup keygen: wrote a new master key to ${written} (mode 600). Keep a copy offline, away from the backups; configure it as backup: { masterKey: { id: '<new id>', file: '${written}' } }`,
    );
  }
  return EXIT.ok;
}
