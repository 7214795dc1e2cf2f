import { open } from 'node:fs/promises';
import { ArchiveWriter } from './archive.ts';
import type { Aead } from './cipher.ts';
import { BackupError } from './errors.ts';
import { hashFiles } from './file-hash.ts';
import type { Manifest } from './manifest.ts';
import { destinationError } from './path-store.ts';
import type { SnapshotFile } from './snapshot.ts';
import { TAR_END, tarHeader, tarPadding } from './tar.ts';
import { writeAll } from './unpack.ts';

/** What `writeArchive` wrote: each file's manifest entry, the plaintext bytes and the archive's bytes. */
export interface WrittenArchive {
  readonly listed: Manifest['files'];
  readonly plainBytes: number;
  readonly bytes: number;
}

/**
 * Streams `files` through tar and the cipher into `archiveFile` (synced), while their SM3 is computed on a worker
 * thread; a file that changed while it was backed up fails the backup.
 */
export async function writeArchive(options: {
  readonly files: readonly SnapshotFile[];
  readonly archiveFile: string;
  /** The destination, for error messages. */
  readonly where: string;
  readonly aead: Aead;
  readonly id: string;
  readonly chunkBytes: number;
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
    async (bytes) => {
      try {
        await writeAll(out, bytes);
      } catch (error) {
        throw destinationError(where, `write ${archiveFile}`, error);
      }
    },
    options.chunkBytes,
  );
  const sizes: number[] = [];
  let plainBytes = 0;
  // The SM3 of each file is computed on a worker thread while this one packs and encrypts.
  const hashing = hashFiles(files.map((f) => f.source));
  try {
    await writer.start();
    const buf = Buffer.alloc(4 * 1024 * 1024);
    for (const f of files) {
      const size = await packFile(writer, f, buf);
      sizes.push(size);
      plainBytes += size;
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
  return { listed, plainBytes, bytes: writer.bytes };
}

/** Writes one file to the archive as a tar entry (through `buf`); returns its size. */
async function packFile(writer: ArchiveWriter, f: SnapshotFile, buf: Buffer): Promise<number> {
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
    return size;
  } finally {
    await fh.close();
  }
}
