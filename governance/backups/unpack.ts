/**
 * Reading a backup back: unwrap its data key with the master key named in the manifest, check the manifest's
 * MAC, decrypt and unpack the archive into files (each checked against its size and hash), then open the
 * restored warehouse read-only and compare every table's row count and the audit chain with the manifest.
 */
import { type FileHandle, mkdir, open } from 'node:fs/promises';
import { dirname } from 'node:path';
import { verifyAudit } from '../../platform/index.ts';
import { openWarehouse } from '../../warehouse/index.ts';
import { readArchive } from './archive.ts';
import { ByteReader } from './byte-reader.ts';
import { aead } from './cipher.ts';
import { BackupIntegrityError, BackupKeyError } from './errors.ts';
import { entryHash, newFileHash } from './file-hash.ts';
import { checkManifestMac, dataSubkeys, type Manifest, wrapAad } from './manifest.ts';
import type { KeyRing } from './master-keys.ts';
import { restoredPath, tableCounts } from './snapshot.ts';
import { readTar } from './tar.ts';

/** Writes a whole buffer at the file's current position. */
export async function writeAll(fh: FileHandle, data: Buffer): Promise<void> {
  let at = 0;
  while (at < data.length) {
    const { bytesWritten } = await fh.write(data, at, data.length - at);
    at += bytesWritten;
  }
}

/** The data key of a backup: unwrapped with its master key; the manifest's MAC is checked with it. */
export function openDataKey(manifest: Manifest, keys: KeyRing, where: string): Buffer {
  const { keyId, cipher, wrappedKey, wrapNonce } = manifest.encryption;
  const master = keys.get(keyId, `${where}: backup ${manifest.id}`);
  const dataKey = aead(cipher, master.key).open(
    Buffer.from(wrapNonce, 'base64'),
    Buffer.from(wrappedKey, 'base64'),
    wrapAad(manifest),
  );
  if (dataKey === null) {
    throw new BackupKeyError(
      `${where}: backup ${manifest.id}: master key "${keyId}" (${master.source}) does not open its data key: that is not the key "${keyId}" the backup was made with, or the manifest's key fields were altered. Fix: configure the original key "${keyId}" (key files must never be regenerated under an old id)`,
      { keyId, id: manifest.id },
    );
  }
  checkManifestMac(manifest, dataSubkeys(dataKey).manifest, `${where}: backup ${manifest.id}`);
  return dataKey;
}

/** Counts the bytes of a stream as it passes (and reports them). */
async function* counted(
  source: AsyncIterable<Uint8Array>,
  box: { bytes: number },
  progress: ((done: number) => void) | undefined,
): AsyncGenerator<Uint8Array> {
  for await (const piece of source) {
    box.bytes += piece.byteLength;
    progress?.(box.bytes);
    yield piece;
  }
}

/**
 * Decrypts and unpacks an archive into the files of a warehouse at `target` (`target`, `target.wal`,
 * `target.outbox/…`), checking each file's size and hash and the archive's length against the manifest; `sync` makes each file
 * durable (a restore) or not (a verify's temporary copy).
 */
export async function unpackArchive(
  source: AsyncIterable<Uint8Array>,
  manifest: Manifest,
  dataKey: Buffer,
  target: string,
  where: string,
  options: {
    readonly sync: boolean;
    /** Archive bytes read so far of the total. */
    readonly progress?: ((done: number, total: number) => void) | undefined;
  },
): Promise<string[]> {
  const box = { bytes: 0 };
  const plain = readArchive(
    counted(source, box, options.progress && ((n) => options.progress?.(n, manifest.archive.bytes))),
    aead(manifest.encryption.cipher, dataSubkeys(dataKey).archive),
    manifest.id,
    where,
  );
  const reader = new ByteReader(plain);
  const written: string[] = [];
  let index = 0;
  let current: FileHandle | undefined;
  try {
    await readTar(reader, async (entry) => {
      const expected = manifest.files[index++];
      if (!expected || expected.path !== entry.name || expected.bytes !== entry.size) {
        throw new BackupIntegrityError(
          `${where}: the archive holds ${entry.name} (${entry.size} bytes) where the manifest lists ${expected ? `${expected.path} (${expected.bytes} bytes)` : 'no more files'}`,
          { where, file: entry.name },
        );
      }
      const path = restoredPath(target, entry.name);
      if (path === null)
        throw new BackupIntegrityError(`${where}: unexpected file ${entry.name} in the archive`, { where });
      await mkdir(dirname(path), { recursive: true });
      const fh = await open(path, 'w', 0o600);
      current = fh;
      written.push(path);
      const want = entryHash(expected);
      const hash = newFileHash(want.name);
      // One write in flight while the next piece is decrypted and hashed (the pieces are fresh buffers).
      let writing: Promise<void> = Promise.resolve();
      return {
        async write(bytes) {
          hash.update(bytes);
          await writing;
          writing = writeAll(fh, bytes);
          writing.catch(() => undefined);
        },
        async end() {
          current = undefined;
          try {
            await writing;
            if (options.sync) await fh.sync();
          } finally {
            await fh.close();
          }
          const hex = hash.digest('hex');
          if (hex !== want.hex) {
            throw new BackupIntegrityError(
              `${where}: ${entry.name}: its ${want.name.toUpperCase()} ${hex.slice(0, 16)}… differs from the manifest's ${want.hex.slice(0, 16)}…`,
              { where, file: entry.name },
            );
          }
        },
      };
    });
  } finally {
    await current?.close().catch(() => undefined);
    await reader.close();
  }
  if (index !== manifest.files.length) {
    throw new BackupIntegrityError(
      `${where}: the archive holds ${index} files; the manifest lists ${manifest.files.length}`,
      { where },
    );
  }
  if (box.bytes !== manifest.archive.bytes) {
    throw new BackupIntegrityError(
      `${where}: the archive is ${box.bytes} bytes; the manifest says ${manifest.archive.bytes}`,
      { where },
    );
  }
  return written;
}

/** What opening a restored warehouse found. */
export interface RestoredCheck {
  readonly tables: number;
  readonly rows: number;
  readonly rowsMatch: boolean;
  /** Tables whose count differs, or that are missing or extra: `schema.name: manifest N, restored M`. */
  readonly mismatches: string[];
  readonly auditOk: boolean;
  readonly auditProblems: string[];
}

/** Opens a restored warehouse read-only and compares it with the manifest (row counts, audit chain and head). */
export async function checkRestored(target: string, manifest: Manifest): Promise<RestoredCheck> {
  const wh = await openWarehouse({ path: target, readOnly: true });
  try {
    const counts = await tableCounts(wh);
    const key = (t: { schema: string; name: string }) => `${t.schema}.${t.name}`;
    const got = new Map(counts.map((t) => [key(t), t.rows]));
    const want = new Map(manifest.tables.map((t) => [key(t), t.rows]));
    const mismatches: string[] = [];
    for (const [name, n] of want) {
      const m = got.get(name);
      if (m !== n) mismatches.push(`${name}: manifest ${n}, restored ${m ?? 'missing'}`);
    }
    for (const [name, m] of got)
      if (!want.has(name)) mismatches.push(`${name}: not in the manifest, restored ${m}`);
    const audit = await verifyAudit(wh);
    const auditProblems = audit.problems.map((p) => p.message);
    if (audit.head !== manifest.auditHead) {
      auditProblems.push(
        `the audit head is ${audit.head ?? 'none'}; the manifest recorded ${manifest.auditHead ?? 'none'}`,
      );
    }
    return {
      tables: counts.length,
      rows: counts.reduce((s, t) => s + t.rows, 0),
      rowsMatch: mismatches.length === 0,
      mismatches,
      auditOk: auditProblems.length === 0,
      auditProblems,
    };
  } finally {
    wh.close();
  }
}
