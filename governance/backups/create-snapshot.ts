import { randomBytes } from 'node:crypto';
import { mkdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { DEFAULT_CHUNK_BYTES } from './archive.ts';
import { aead, KEY_BYTES, NONCE_BYTES } from './cipher.ts';
import type { BackupDestination, BackupSettings } from './config.ts';
import type { CreateBackupOptions } from './create.ts';
import { writeArchive } from './create-archive.ts';
import {
  BACKUP_FILES,
  dataSubkeys,
  MANIFEST_FORMAT,
  type Manifest,
  signManifest,
  type UnsignedManifest,
  wrapAad,
} from './manifest.ts';
import { keyRing } from './master-keys.ts';
import { destinationError, type PathStore } from './path-store.ts';
import { snapshotFacts, snapshotFiles } from './snapshot.ts';
import { pathStoreOf } from './stores.ts';

/** A snapshot written once, ready to be copied to the other destinations. */
export interface Staged {
  readonly manifest: Manifest;
  readonly archiveFile: string;
  /** The destination that already holds it (committed), if any. */
  readonly primary: BackupDestination | undefined;
  /** A staging folder to remove afterwards (no folder destination was chosen). */
  readonly staging: string | undefined;
  readonly plainBytes: number;
  /** Seconds of the checkpoint and row counts, of packing and encrypting, of syncing the archive to disk. */
  readonly seconds: { readonly facts: number; readonly pack: number; readonly sync: number };
}

/** A new data key, wrapped by the current master key: the manifest's `encryption` and the data subkeys. */
function sealDataKey(settings: BackupSettings, id: string) {
  const master = keyRing(settings).current();
  const cipher = settings.config.cipher;
  const dataKey = randomBytes(KEY_BYTES);
  const wrapNonce = randomBytes(NONCE_BYTES);
  const encryption = { cipher, keyId: master.id, wrapNonce: wrapNonce.toString('base64'), wrappedKey: '' };
  encryption.wrappedKey = aead(cipher, master.key)
    .seal(wrapNonce, dataKey, wrapAad({ id, encryption }))
    .toString('base64');
  return { encryption, keys: dataSubkeys(dataKey) };
}

/** Where the snapshot is written: a new backup at the first folder destination, else a folder in tmpDir. */
async function snapshotFolder(settings: BackupSettings, targets: readonly BackupDestination[], id: string) {
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
  return { primary, store, dir, staging, where };
}

/**
 * Takes the snapshot (facts, then every file into the encrypted archive), signs its manifest and commits it at
 * the first folder destination; on failure, removes what it wrote.
 */
export async function snapshot(
  options: CreateBackupOptions,
  targets: readonly BackupDestination[],
  id: string,
  at: Date,
): Promise<Staged> {
  const { settings, wh } = options;
  const { encryption, keys } = sealDataKey(settings, id);
  const { primary, store, dir, staging, where } = await snapshotFolder(settings, targets, id);
  const archiveFile = join(dir, BACKUP_FILES.archive);
  try {
    const t0 = performance.now();
    options.progress?.('backup checkpoint');
    const facts = await snapshotFacts(wh);
    const factsSeconds = (performance.now() - t0) / 1000;
    const files = snapshotFiles(wh.path);
    const chunkBytes = options.chunkBytes ?? DEFAULT_CHUNK_BYTES;
    const written = await writeArchive({
      files,
      archiveFile,
      where,
      aead: aead(encryption.cipher, keys.archive),
      id,
      chunkBytes,
      progress: options.progress && ((done, total) => options.progress?.('backup pack', done, total)),
    });
    const unsigned: UnsignedManifest = {
      format: MANIFEST_FORMAT,
      id,
      node: { id: settings.node.id, level: settings.node.level, name: settings.node.name },
      createdAt: at.toISOString(),
      schemaVersion: facts.schemaVersion,
      tables: facts.tables.map((t) => ({ schema: t.schema, name: t.name, rows: t.rows })),
      auditHead: facts.auditHead,
      files: written.listed,
      archive: { file: BACKUP_FILES.archive, bytes: written.bytes, chunkBytes },
      encryption,
    };
    const manifest = signManifest(unsigned, keys.manifest);
    if (store) await store.commit(manifest);
    return {
      manifest,
      archiveFile: store ? join(store.path(id), BACKUP_FILES.archive) : archiveFile,
      primary,
      staging,
      plainBytes: written.plainBytes,
      seconds: { facts: factsSeconds, ...written.seconds },
    };
  } catch (error) {
    if (store) await store.abort(id);
    if (staging) await rm(staging, { recursive: true, force: true }).catch(() => undefined);
    throw error;
  }
}
