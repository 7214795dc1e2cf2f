/** The `run.backup` action of schedules: create a backup under the node service, verify it, report errors. */
import type { Warehouse } from '../../warehouse/index.ts';
import { type BackupRunOptions, createBackup } from './create.ts';
import { verifyBackup } from './verify.ts';

/** The scheduler's backup action (see `SchedulerActions` in jobs/): errors are reported, not thrown. */
export function scheduledBackup(
  options: BackupRunOptions & { readonly exclusive?: <T>(fn: () => Promise<T>) => Promise<T> },
): (
  spec: { readonly to?: readonly string[] | undefined; readonly verify: boolean },
  context: { readonly wh: Warehouse },
) => Promise<{ details: unknown; errors: string[] }> {
  return async (spec, { wh }) => {
    const r = await createBackup({ ...options, wh, to: spec.to ?? [] });
    const errors = r.failed.map((f) => `backup ${r.id} → ${f.destination}: ${f.error}`);
    const verified = spec.verify
      ? await verifyBackup({ ...options, id: r.id, from: r.destinations })
      : undefined;
    for (const d of verified?.destinations ?? []) {
      if (!d.ok) errors.push(`backup verify ${r.id} at ${d.destination}: ${d.error}`);
    }
    return {
      details: {
        id: r.id,
        destinations: r.destinations,
        failed: r.failed.map((f) => f.destination),
        bytes: r.bytes,
        verified: verified ? verified.ok : null,
        pruned: r.pruned.flatMap((p) => p.removed.map((id) => `${p.destination}:${id}`)),
      },
      errors,
    };
  };
}
