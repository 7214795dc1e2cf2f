/** `backup list`: the complete backups at each destination, newest first, with their last verification. */
import { pickDestinations } from './config.ts';
import type { BackupRunOptions } from './create.ts';
import { readJournal } from './journal.ts';
import type { Manifest } from './manifest.ts';
import { storeOf } from './stores.ts';

/** A backup and where it is. */
export interface ListedBackup {
  readonly id: string;
  readonly createdAt: string;
  readonly node: string;
  /** Encrypted archive bytes. */
  readonly bytes: number;
  readonly tables: number;
  readonly rows: number;
  readonly auditHead: string | null;
  readonly cipher: string;
  readonly keyId: string;
  readonly destinations: { name: string; verifiedAt: string | null; verifiedOk: boolean | null }[];
}

/** Lists backups across the named destinations (all when none); an unreachable destination becomes a problem line. */
export async function listBackups(
  options: BackupRunOptions & { readonly from?: readonly string[] | undefined },
): Promise<{ backups: ListedBackup[]; problems: string[] }> {
  const journal = readJournal(options.journal);
  const lastCheck = new Map<string, { at: string; ok: boolean }>();
  for (const e of journal)
    if (e.event === 'verified') lastCheck.set(`${e.id}\u0000${e.destination}`, { at: e.at, ok: e.ok });
  const byId = new Map<string, { manifest: Manifest; at: ListedBackup['destinations'] }>();
  const problems: string[] = [];
  for (const d of pickDestinations(options.settings, options.from ?? [])) {
    try {
      const { manifests, problems: p } = await storeOf(options.settings, d, options.parent).list();
      problems.push(...p);
      for (const m of manifests) {
        const entry = byId.get(m.id) ?? { manifest: m, at: [] };
        const check = lastCheck.get(`${m.id}\u0000${d.name}`);
        entry.at.push({ name: d.name, verifiedAt: check?.at ?? null, verifiedOk: check?.ok ?? null });
        byId.set(m.id, entry);
      }
    } catch (error) {
      problems.push((error as Error).message);
    }
  }
  const backups = [...byId.values()]
    .sort(
      (a, b) =>
        b.manifest.createdAt.localeCompare(a.manifest.createdAt) ||
        b.manifest.id.localeCompare(a.manifest.id),
    )
    .map(({ manifest: m, at }) => ({
      id: m.id,
      createdAt: m.createdAt,
      node: m.node.id,
      bytes: m.archive.bytes,
      tables: m.tables.length,
      rows: m.tables.reduce((s, t) => s + t.rows, 0),
      auditHead: m.auditHead,
      cipher: m.encryption.cipher,
      keyId: m.encryption.keyId,
      destinations: at,
    }));
  return { backups, problems };
}
