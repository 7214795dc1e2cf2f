/** Removing the backups a destination's retention policy lets expire (`backup prune`, and after each create). */
import { type BackupDestination, pickDestinations } from './config.ts';
import type { BackupRunOptions } from './create.ts';
import { appendJournal } from './journal.ts';
import { applyRetention } from './retention.ts';
import { type BackupStore, storeOf } from './stores.ts';

/** What pruning one destination did (or would do, with `dryRun`). */
export interface PruneResult {
  readonly destination: string;
  readonly kept: string[];
  readonly removed: string[];
  readonly dryRun: boolean;
}

/** Applies the retention policy to one destination. */
export async function pruneDestination(
  options: BackupRunOptions,
  d: BackupDestination,
  store: BackupStore,
  { dryRun }: { dryRun: boolean },
): Promise<PruneResult> {
  const { manifests } = await store.list();
  const { keep, expire } = applyRetention(manifests, options.settings.config.retention);
  const removed: string[] = [];
  for (const m of expire) {
    if (!dryRun) {
      await store.remove(m.id);
      appendJournal(options.journal, {
        event: 'removed',
        id: m.id,
        at: new Date().toISOString(),
        destination: d.name,
      });
    }
    removed.push(m.id);
  }
  if (removed.length && !dryRun) {
    options.logger?.info(
      `backup prune ${d.name}: removed ${removed.length} expired backup(s), kept ${keep.length}`,
    );
  }
  return { destination: d.name, kept: keep.map((m) => m.id), removed, dryRun };
}

/** Prunes the named destinations (all when none are named). */
export async function pruneBackups(
  options: BackupRunOptions & { readonly from?: readonly string[]; readonly dryRun?: boolean },
): Promise<PruneResult[]> {
  const results: PruneResult[] = [];
  for (const d of pickDestinations(options.settings, options.from ?? [])) {
    results.push(
      await pruneDestination(options, d, storeOf(options.settings, d, options.parent), {
        dryRun: options.dryRun ?? false,
      }),
    );
  }
  return results;
}
