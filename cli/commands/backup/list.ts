import { listBackups } from '../../../governance/index.ts';
import { EXIT } from '../../errors.ts';
import { formatTable } from '../../output.ts';
import { type BackupAction, mib, names } from './shared.ts';

/** `gongshu backup list [--from …]`: the backups at each destination, with their verification. */
export async function list({ run, o, out }: BackupAction): Promise<number> {
  const { backups, problems } = await listBackups({ ...run, from: names(o.from) });
  for (const p of problems) out.note(`note: ${p}`);
  if (o.json) for (const b of backups) out.json(b);
  else
    for (const line of formatTable(
      backups.map((b) => ({
        id: b.id,
        created: b.createdAt,
        size: mib(b.bytes),
        tables: b.tables,
        rows: b.rows,
        key: b.keyId,
        at: b.destinations
          .map((d) => `${d.name}${d.verifiedOk === null ? '' : d.verifiedOk ? ' ✓' : ' ✗'}`)
          .join(', '),
      })),
    ))
      out.data(line);
  return problems.length ? EXIT.source : EXIT.ok;
}
