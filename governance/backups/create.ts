/**
 * `backup create`: the snapshot (checkpoint, row counts and audit head, then every file streamed through tar,
 * SM3 and the cipher into `archive.gsb`) runs while the caller is the warehouse's only writer; the archive is
 * committed at the first folder destination (or staged in tmpDir), then copied to the other destinations and
 * uploaded to the parent, recorded in the journal, and each destination is pruned by the retention policy.
 * @example
 * const result = await createBackup({ settings, wh, journal: journalPath(wh.path), to: ['local', 'offsite'] });
 */
import { randomBytes } from 'node:crypto';
import { mkdir, open, rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { Warehouse } from '../../warehouse/index.ts';
import { ArchiveWriter, DEFAULT_CHUNK_BYTES } from './archive.ts';
import { aead, KEY_BYTES, NONCE_BYTES } from './cipher.ts';
import { type BackupDestination, type BackupSettings, pickDestinations } from './config.ts';
import { BackupDestinationError, BackupError } from './errors.ts';
import { hashFiles } from './file-hash.ts';
import { appendJournal } from './journal.ts';
import {
  BACKUP_FILES,
  dataSubkeys,
  MANIFEST_FORMAT,
  type Manifest,
  newBackupId,
  signManifest,
  type UnsignedManifest,
  wrapAad,
} from './manifest.ts';
import { keyRing } from './master-keys.ts';
import type { ParentLink } from './parent-client.ts';
import { destinationError, type PathStore } from './path-store.ts';
import { type PruneResult, pruneDestination } from './prune.ts';
import { snapshotFacts, snapshotFiles } from './snapshot.ts';
import { pathStoreOf, storeOf } from './stores.ts';
import { TAR_END, tarHeader, tarPadding } from './tar.ts';
import { writeAll } from './unpack.ts';

/** A logger: info and warn lines in the log grammar. */
export type BackupLog = { info(msg: string): void; warn(msg: string): void; error(msg: string): void };

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
  readonly seconds: { snapshot: number; distribute: number };
  readonly pruned: PruneResult[];
}

/** A snapshot written once, ready to be copied to the other destinations. */
interface Staged {
  readonly manifest: Manifest;
  readonly archiveFile: string;
  /** The destination that already holds it (committed), if any. */
  readonly primary: BackupDestination | undefined;
  /** A staging folder to remove afterwards (no folder destination was chosen). */
  readonly staging: string | undefined;
  readonly plainBytes: number;
}

async function snapshot(
  options: CreateBackupOptions,
  targets: readonly BackupDestination[],
  id: string,
  at: Date,
): Promise<Staged> {
  const { settings, wh } = options;
  const master = keyRing(settings).current();
  const cipher = settings.config.cipher;
  const dataKey = randomBytes(KEY_BYTES);
  const wrapNonce = randomBytes(NONCE_BYTES);
  const encryption = { cipher, keyId: master.id, wrapNonce: wrapNonce.toString('base64'), wrappedKey: '' };
  encryption.wrappedKey = aead(cipher, master.key)
    .seal(wrapNonce, dataKey, wrapAad({ id, encryption }))
    .toString('base64');
  const keys = dataSubkeys(dataKey);

  const primary = targets.find((d): d is Extract<BackupDestination, { kind: 'path' }> => d.kind === 'path');
  let store: PathStore | undefined;
  let dir: string;
  let staging: string | undefined;
  if (primary) {
    store = pathStoreOf(settings, primary);
    dir = await store.begin(id);
  } else {
    staging = join(settings.tmpDir, `stage-${id}`);
    dir = staging;
    try {
      await mkdir(staging, { recursive: true, mode: 0o700 });
    } catch (error) {
      throw destinationError(`backup tmpDir (${settings.tmpDir})`, `create ${staging}`, error);
    }
  }
  const where = store ? store.where : `backup tmpDir (${settings.tmpDir})`;
  const archiveFile = join(dir, BACKUP_FILES.archive);
  try {
    const facts = await snapshotFacts(wh);
    const files = snapshotFiles(wh.path);
    let out: Awaited<ReturnType<typeof open>>;
    try {
      out = await open(archiveFile, 'w', 0o600);
    } catch (error) {
      throw destinationError(where, `create ${archiveFile}`, error);
    }
    const chunkBytes = options.chunkBytes ?? DEFAULT_CHUNK_BYTES;
    const writer = new ArchiveWriter(
      aead(cipher, keys.archive),
      id,
      async (bytes) => {
        try {
          await writeAll(out, bytes);
        } catch (error) {
          throw destinationError(where, `write ${archiveFile}`, error);
        }
      },
      chunkBytes,
    );
    const sizes: number[] = [];
    let plainBytes = 0;
    // The SM3 of each file is computed on a worker thread while this one packs and encrypts.
    const hashing = hashFiles(files.map((f) => f.source));
    try {
      await writer.start();
      const buf = Buffer.alloc(4 * 1024 * 1024);
      for (const f of files) {
        const fh = await open(f.source, 'r');
        try {
          const { size, mtimeMs } = await fh.stat();
          await writer.write(tarHeader(f.name, size, mtimeMs));
          let done = 0;
          while (done < size) {
            const { bytesRead } = await fh.read(buf, 0, Math.min(buf.length, size - done), done);
            if (bytesRead === 0) break;
            await writer.write(buf.subarray(0, bytesRead));
            done += bytesRead;
          }
          if (done !== size) {
            throw new BackupError(
              `${f.source} changed size while it was backed up (${size} → ${done} bytes): another process wrote to it`,
              {
                file: f.source,
              },
            );
          }
          await writer.write(tarPadding(size));
          sizes.push(size);
          plainBytes += size;
        } finally {
          await fh.close();
        }
      }
      await writer.write(TAR_END);
      await writer.finish();
      try {
        await out.sync();
      } catch (error) {
        throw destinationError(where, `write ${archiveFile}`, error);
      }
    } catch (error) {
      hashing.cancel();
      throw error;
    } finally {
      await out.close();
    }
    const hashes = await hashing.result;
    const listed: Manifest['files'] = files.map((f, i) => {
      if (hashes[i]!.bytes !== sizes[i]) {
        throw new BackupError(`${f.source} changed while it was backed up: another process wrote to it`, {
          file: f.source,
        });
      }
      return { path: f.name, bytes: sizes[i]!, sm3: hashes[i]!.sm3 };
    });
    const unsigned: UnsignedManifest = {
      format: MANIFEST_FORMAT,
      id,
      node: { id: settings.node.id, level: settings.node.level, name: settings.node.name },
      createdAt: at.toISOString(),
      schemaVersion: facts.schemaVersion,
      tables: facts.tables.map((t) => ({ schema: t.schema, name: t.name, rows: t.rows })),
      auditHead: facts.auditHead,
      files: listed,
      archive: { file: BACKUP_FILES.archive, bytes: writer.bytes, chunkBytes },
      encryption,
    };
    const manifest = signManifest(unsigned, keys.manifest);
    if (store) await store.commit(manifest);
    return {
      manifest,
      archiveFile: store ? join(store.path(id), BACKUP_FILES.archive) : archiveFile,
      primary,
      staging,
      plainBytes,
    };
  } catch (error) {
    if (store) await store.abort(id);
    if (staging) await rm(staging, { recursive: true, force: true }).catch(() => undefined);
    throw error;
  }
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
    seconds: { snapshot: (t1 - t0) / 1000, distribute: (t2 - t1) / 1000 },
    pruned,
  };
}
