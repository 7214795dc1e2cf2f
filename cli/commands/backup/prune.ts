import { pruneBackups } from '../../../governance/index.ts';
import { EXIT } from '../../errors.ts';
import { type BackupAction, names } from './shared.ts';

/** `gongshu backup prune [--from …] [--dry-run]`: removes backups the retention policy no longer keeps. */
export async function prune({ run, o, out }: BackupAction): Promise<number> {
  const results = await pruneBackups({ ...run, from: names(o.from), dryRun: o.dryRun ?? false });
  if (o.json) out.json({ pruned: results });
  else
    for (const r of results)
      out.data(
        `backup prune ${r.destination}: ${r.dryRun ? 'would remove' : 'removed'} ${r.removed.length} (${r.removed.join(', ') || 'none'}), kept ${r.kept.length}`,
      );
  return EXIT.ok;
}
