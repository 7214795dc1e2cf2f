import { open, stat } from 'node:fs/promises';
import { ArchiveWriter } from './archive.ts';
import type { Aead } from './cipher.ts';
import { BackupError } from './errors.ts';
import { fileHashOf, newFileHash } from './file-hash.ts';
import type { Manifest } from './manifest.ts';
import { destinationError } from './path-store.ts';
import type { SnapshotFile } from './snapshot.ts';
import { TAR_END, tarHeader, tarPadding } from './tar.ts';

/** What `writeArchive` wrote: each file's manifest entry, the plaintext bytes and the archive's bytes. */
export interface WrittenArchive {
  readonly listed: Manifest['files'];
  readonly plainBytes: number;
  readonly bytes: number;
  /** Seconds spent reading, hashing, encrypting and writing, and syncing the archive to disk. */
  readonly seconds: { readonly pack: number; readonly sync: number };
}

/** Progress of a snapshot: plaintext bytes packed so far of the total. */
export type PackProgress = (done: number, total: number) => void;

/**
 * Streams `files` through tar and the cipher into `archiveFile` (synced) in one pass: each piece is read straight
 * into the chunk being filled, hashed, and sealed, while the previous sealed chunk is written. A file that changed
 * size while it was backed up fails the backup.
 */
export async function writeArchive(options: {
  readonly files: readonly SnapshotFile[];
  readonly archiveFile: string;
  /** The destination, for error messages. */
  readonly where: string;
  readonly aead: Aead;
  readonly id: string;
  readonly chunkBytes: number;
  readonly progress?: PackProgress | undefined;
}): Promise<WrittenArchive> {
  const { files, archiveFile, where } = options;
  let out: Awaited<ReturnType<typeof open>>;
  try {
    out = await open(archiveFile, 'w', 0o600);
  } catch (error) {
    throw destinationError(where, `create ${archiveFile}`, error);
  }
  const writer = new ArchiveWriter(
    options.aead,
    options.id,
    async (parts) => {
      try {
        await writeAllv(out, parts);
      } catch (error) {
        throw destinationError(where, `write ${archiveFile}`, error);
      }
    },
    options.chunkBytes,
  );
  const listed: Manifest['files'] = [];
  const hashName = fileHashOf(options.aead.cipher);
  const sizes = await Promise.all(files.map(async (f) => (await stat(f.source)).size));
  const total = sizes.reduce((a, b) => a + b, 0);
  let plainBytes = 0;
  const t0 = performance.now();
  let t1 = t0;
  try {
    await writer.start();
    for (const f of files) {
      const { size, hex } = await packFile(writer, f, hashName, (n) => {
        options.progress?.(plainBytes + n, total);
      });
      listed.push({ path: f.name, bytes: size, [hashName]: hex });
      plainBytes += size;
    }
    await writer.write(TAR_END);
    await writer.finish();
    t1 = performance.now();
    try {
      await out.sync();
    } catch (error) {
      throw destinationError(where, `write ${archiveFile}`, error);
    }
  } finally {
    await out.close();
  }
  const seconds = { pack: (t1 - t0) / 1000, sync: (performance.now() - t1) / 1000 };
  return { listed, plainBytes, bytes: writer.bytes, seconds };
}

/** Writes all of `parts` at the file's current position (`writev`, resumed after a short write). */
export async function writeAllv(
  fh: Awaited<ReturnType<typeof open>>,
  parts: readonly Buffer[],
): Promise<void> {
  let rest = parts.filter((p) => p.length > 0);
  while (rest.length > 0) {
    let { bytesWritten } = await fh.writev(rest);
    const next: Buffer[] = [];
    for (const p of rest) {
      if (bytesWritten >= p.length) bytesWritten -= p.length;
      else {
        next.push(bytesWritten > 0 ? p.subarray(bytesWritten) : p);
        bytesWritten = 0;
      }
    }
    rest = next;
  }
}

/**
 * Writes one file to the archive as a tar entry, read straight into the archive's chunk buffer and hashed on the
 * way; returns its size and hash.
 */
async function packFile(
  writer: ArchiveWriter,
  f: SnapshotFile,
  hashName: ReturnType<typeof fileHashOf>,
  progress: (done: number) => void,
): Promise<{ size: number; hex: string }> {
  const fh = await open(f.source, 'r');
  try {
    const { size, mtimeMs } = await fh.stat();
    await writer.write(tarHeader(f.name, size, mtimeMs));
    const hash = newFileHash(hashName);
    let done = 0;
    while (done < size) {
      const room = await writer.space();
      const { bytesRead } = await fh.read(room, 0, Math.min(room.length, size - done), done);
      if (bytesRead === 0) break;
      hash.update(room.subarray(0, bytesRead));
      writer.commit(bytesRead);
      done += bytesRead;
      progress(done);
    }
    if (done !== size || (await fh.stat()).size !== size) {
      throw new BackupError(
        `${f.source} changed size while it was backed up (${size} bytes at the start): another process wrote to it`,
        { file: f.source },
      );
    }
    await writer.write(tarPadding(size));
    return { size, hex: hash.digest('hex') };
  } finally {
    await fh.close();
  }
}
