import { backupStatus } from '../../../governance/index.ts';
import { EXIT } from '../../errors.ts';
import { formatTable } from '../../output.ts';
import type { BackupAction } from './shared.ts';

/** `gongshu backup status`: each destination's last backup and verification, and whether it is overdue. */
export function status({ run, o, out }: BackupAction): number {
  const status = backupStatus(run.settings, run.journal);
  if (o.json) out.json({ destinations: status });
  else
    for (const line of formatTable(
      status.map((s) => ({
        destination: s.name,
        site: s.offsite ? 'off-site' : 'local',
        last: s.lastBackup?.id ?? '—',
        verified: s.lastVerified?.id ?? '—',
        'age h': s.ageHours,
        'max h': s.maxAgeHours,
        state: s.overdue ? 'OVERDUE' : 'ok',
      })),
    ))
      out.data(line);
  return status.some((s) => s.overdue) ? EXIT.failures : EXIT.ok;
}
