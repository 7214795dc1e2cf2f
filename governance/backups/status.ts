/**
 * The backup status of each destination, read from the journal (no destination is touched): its newest backup,
 * its newest backup verified by restoring, and whether that one is older than the destination's `maxAgeHours`
 * (overdue; also when nothing was ever verified there).
 */
import type { BackupSettings } from './config.ts';
import { readJournal } from './journal.ts';

/** The status of one destination. */
export interface DestinationStatus {
  readonly name: string;
  readonly kind: 'path' | 'parent';
  readonly offsite: boolean;
  readonly maxAgeHours: number;
  readonly lastBackup: { id: string; createdAt: string } | null;
  readonly lastVerified: { id: string; createdAt: string; verifiedAt: string } | null;
  /** Hours since the newest verified backup was made; null when none. */
  readonly ageHours: number | null;
  readonly overdue: boolean;
}

/** The status of every configured destination at `now`. */
export function backupStatus(
  settings: BackupSettings,
  journalFile: string,
  now = new Date(),
): DestinationStatus[] {
  const events = readJournal(journalFile);
  return settings.destinations.map((d) => {
    const created = new Map<string, string>();
    const verified = new Map<string, string>();
    for (const e of events) {
      if (e.event === 'created' && e.destinations.includes(d.name)) created.set(e.id, e.createdAt);
      else if (e.event === 'removed' && e.destination === d.name) {
        created.delete(e.id);
        verified.delete(e.id);
      } else if (e.event === 'verified' && e.destination === d.name) {
        if (e.ok) verified.set(e.id, e.at);
        else verified.delete(e.id);
      }
    }
    const newest = [...created.entries()].sort((a, b) => b[1].localeCompare(a[1]))[0];
    const good = [...verified.entries()]
      .filter(([id]) => created.has(id))
      .map(([id, at]) => ({ id, createdAt: created.get(id)!, verifiedAt: at }))
      .sort((a, b) => b.createdAt.localeCompare(a.createdAt))[0];
    const ageHours = good ? (now.getTime() - Date.parse(good.createdAt)) / 3_600_000 : null;
    return {
      name: d.name,
      kind: d.kind,
      offsite: d.offsite,
      maxAgeHours: d.maxAgeHours,
      lastBackup: newest ? { id: newest[0], createdAt: newest[1] } : null,
      lastVerified: good ?? null,
      ageHours: ageHours === null ? null : Math.round(ageHours * 10) / 10,
      overdue: ageHours === null || ageHours > d.maxAgeHours,
    };
  });
}
