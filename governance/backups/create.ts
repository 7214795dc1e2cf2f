/**
 * `backup create`: the snapshot (checkpoint, row counts and audit head, then every file streamed through tar,
 * the file hash and the cipher into `archive.gsb`) runs while the caller is the warehouse's only writer; the
 * archive is committed at the first folder destination (or staged in tmpDir), then copied to the other
 * destinations and uploaded to the parent, recorded in the journal, and each destination is pruned by the
 * retention policy.
 * @example
 * const result = await createBackup({ settings, wh, journal: journalPath(wh.path), to: ['local', 'offsite'] });
 */
import { rm } from 'node:fs/promises';
import type { Warehouse } from '../../warehouse/index.ts';
import { type BackupSettings, pickDestinations } from './config.ts';
import { snapshot } from './create-snapshot.ts';
import { BackupDestinationError } from './errors.ts';
import { appendJournal } from './journal.ts';
import { newBackupId } from './manifest.ts';
import { keyRing } from './master-keys.ts';
import type { ParentLink } from './parent-client.ts';
import { type PruneResult, pruneDestination } from './prune.ts';
import { pathStoreOf, storeOf } from './stores.ts';

/** A logger: info and warn lines in the log grammar. */
export type BackupLog = { info(msg: string): void; warn(msg: string): void; error(msg: string): void };

/**
 * Progress of a backup operation's long steps: a label (`backup pack`, `backup verify local: decrypt`, …) and,
 * when counted, the bytes done of the total. A step ends when the next one starts or the operation returns.
 */
export type BackupProgress = (step: string, done?: number, total?: number) => void;

/** What every backup operation needs. */
export interface BackupRunOptions {
  readonly settings: BackupSettings;
  /** The journal file (`journalPath(warehouse)`). */
  readonly journal: string;
  /** The link to the parent node, when a destination is the parent. */
  readonly parent?: (() => ParentLink) | undefined;
  readonly logger?: BackupLog | undefined;
  /** The clock; defaults to now. */
  readonly now?: (() => Date) | undefined;
  /** Reports the steps of a long operation (the CLI's progress line); defaults to none. */
  readonly progress?: BackupProgress | undefined;
}

/** Options of `createBackup`. */
export interface CreateBackupOptions extends BackupRunOptions {
  /** The warehouse, open for writing by the caller (whose writer lock makes the snapshot consistent). */
  readonly wh: Warehouse;
  /** Destination names; all configured when empty or absent. */
  readonly to?: readonly string[] | undefined;
  /** Runs the snapshot alone (e.g. in the node service's serial); defaults to running it directly. */
  readonly exclusive?: (<T>(fn: () => Promise<T>) => Promise<T>) | undefined;
  /** Called when the snapshot is taken and the warehouse is no longer needed (e.g. to release the lock). */
  readonly afterSnapshot?: (() => void | Promise<void>) | undefined;
  /** Prune each destination written by the retention policy afterwards; defaults to true. */
  readonly prune?: boolean | undefined;
  /** Plaintext bytes per archive chunk; defaults to 4 MiB. */
  readonly chunkBytes?: number | undefined;
}

/** What `createBackup` did. */
export interface CreateBackupResult {
  readonly id: string;
  readonly createdAt: string;
  /** Destinations that hold the complete backup. */
  readonly destinations: string[];
  /** Destinations that failed, with the error. */
  readonly failed: { destination: string; error: string; code: string }[];
  /** Bytes of the encrypted archive. */
  readonly bytes: number;
  /** Bytes of the files backed up. */
  readonly plainBytes: number;
  readonly tables: number;
  readonly rows: number;
  readonly auditHead: string | null;
  readonly cipher: string;
  readonly keyId: string;
  /**
   * Seconds of the snapshot (of which: checkpoint and row counts; reading, hashing, encrypting and writing the
   * archive; syncing it to disk) and of copying it to the other destinations.
   */
  readonly seconds: { snapshot: number; facts: number; pack: number; sync: number; distribute: number };
  readonly pruned: PruneResult[];
}

/** Creates a backup at the chosen destinations; see the module comment. */
export async function createBackup(options: CreateBackupOptions): Promise<CreateBackupResult> {
  const { settings, logger } = options;
  const targets = pickDestinations(settings, options.to ?? []);
  // Check what can be checked before the snapshot: the key, the parent link.
  keyRing(settings).current();
  const stores = new Map(targets.map((d) => [d.name, storeOf(settings, d, options.parent)]));
  for (const d of targets) {
    if (d.kind === 'path') {
      const cleaned = await pathStoreOf(settings, d).cleanStale();
      if (cleaned)
        logger?.warn(
          `backup: removed ${cleaned} incomplete backup folder(s) left at destination ${d.name} by an interrupted run`,
        );
    }
  }
  const at = (options.now ?? (() => new Date()))();
  const id = newBackupId(at);
  const t0 = performance.now();
  const staged = await (options.exclusive ?? ((fn) => fn()))(() => snapshot(options, targets, id, at));
  await options.afterSnapshot?.();
  const t1 = performance.now();
  const { manifest } = staged;
  const done: string[] = staged.primary ? [staged.primary.name] : [];
  const failed: CreateBackupResult['failed'] = [];
  for (const d of targets) {
    if (d === staged.primary) continue;
    options.progress?.(`backup copy to ${d.name}`);
    try {
      await stores.get(d.name)!.put(staged.archiveFile, manifest);
      done.push(d.name);
    } catch (error) {
      const message = (error as Error).message;
      failed.push({
        destination: d.name,
        error: message,
        code: (error as { code?: string }).code ?? 'internal',
      });
      logger?.error(`backup ${id} → ${d.name}: ${message}`);
    }
  }
  if (staged.staging) await rm(staged.staging, { recursive: true, force: true }).catch(() => undefined);
  const t2 = performance.now();
  if (done.length === 0) {
    throw new BackupDestinationError(
      `backup ${id}: no destination could store it: ${failed.map((f) => `${f.destination}: ${f.error}`).join('; ')}`,
      { id, failed },
    );
  }
  const ordered = targets.map((d) => d.name).filter((n) => done.includes(n));
  appendJournal(options.journal, {
    event: 'created',
    id,
    at: new Date().toISOString(),
    createdAt: manifest.createdAt,
    destinations: ordered,
    bytes: manifest.archive.bytes,
    keyId: manifest.encryption.keyId,
  });
  const rows = manifest.tables.reduce((s, t) => s + t.rows, 0);
  logger?.info(
    `backup ${id} → ${ordered.join(', ')}: ${manifest.tables.length} tables, ${rows.toLocaleString('en')} rows, ${(manifest.archive.bytes / 1024 / 1024).toFixed(1)} MiB (${manifest.encryption.cipher}, key ${manifest.encryption.keyId}) in ${((t2 - t0) / 1000).toFixed(1)} s`,
  );
  const pruned: PruneResult[] = [];
  if (options.prune !== false) {
    for (const name of ordered) {
      const d = targets.find((x) => x.name === name)!;
      try {
        pruned.push(await pruneDestination(options, d, stores.get(name)!, { dryRun: false }));
      } catch (error) {
        logger?.warn(`backup prune ${name}: ${(error as Error).message}`);
      }
    }
  }
  return {
    id,
    createdAt: manifest.createdAt,
    destinations: ordered,
    failed,
    bytes: manifest.archive.bytes,
    plainBytes: staged.plainBytes,
    tables: manifest.tables.length,
    rows,
    auditHead: manifest.auditHead,
    cipher: manifest.encryption.cipher,
    keyId: manifest.encryption.keyId,
    seconds: { snapshot: (t1 - t0) / 1000, ...staged.seconds, distribute: (t2 - t1) / 1000 },
    pruned,
  };
}
