/**
 * The encrypted archive (`archive.gsb`): a 12-byte header (`GSBACKUP`, version 1, three zero bytes) and then
 * chunks, each a 4-byte big-endian length and that many bytes of AEAD output (ciphertext ‖ tag) of up to
 * `chunkBytes` of plaintext. Chunk i is sealed under the backup's archive key with nonce = i (64-bit big-endian)
 * ‖ 0000 and associated data `<backup id>|<final>`, where final is 1 on the last chunk only: a reordered,
 * dropped, truncated or spliced chunk fails to open, and so does one byte changed anywhere.
 */

import { ByteReader } from './byte-reader.ts';
import { type Aead, NONCE_BYTES } from './cipher.ts';
import { BackupIntegrityError } from './errors.ts';

/** The archive header. */
export const ARCHIVE_MAGIC = Buffer.concat([Buffer.from('GSBACKUP', 'ascii'), Buffer.from([1, 0, 0, 0])]);
/** Plaintext bytes per chunk. */
export const DEFAULT_CHUNK_BYTES = 4 * 1024 * 1024;
/** The largest chunk a reader accepts (a damaged length must not make it allocate gigabytes). */
const MAX_SEALED = 64 * 1024 * 1024;

function nonceOf(index: number): Buffer {
  const n = Buffer.alloc(NONCE_BYTES);
  n.writeBigUInt64BE(BigInt(index));
  return n;
}

const aadOf = (id: string, final: boolean) => Buffer.from(`${id}|${final ? 1 : 0}`);

/**
 * Writes plaintext as sealed chunks to `sink`; `finish()` seals the final chunk and waits for the sink. One
 * sealed chunk is written while the next is filled and sealed (read → encrypt → write overlap); `space()` and
 * `commit()` let a caller read straight into the chunk being filled, without a copy.
 */
export class ArchiveWriter {
  private pending: Buffer;
  private filled = 0;
  private index = 0;
  /** The write in flight; its error surfaces at the next write or at `finish()`. */
  private writing: Promise<void> = Promise.resolve();
  /** Archive bytes written (or being written) so far. */
  bytes = 0;

  constructor(
    private readonly aead: Aead,
    private readonly id: string,
    /** Writes pieces in order (e.g. `writev`); called again only after the previous call settled. */
    private readonly sink: (parts: Buffer[]) => Promise<void>,
    private readonly chunkBytes = DEFAULT_CHUNK_BYTES,
  ) {
    this.pending = Buffer.allocUnsafe(chunkBytes);
  }

  /** Starts the archive (the header). */
  async start(): Promise<void> {
    await this.emit([ARCHIVE_MAGIC]);
  }

  private async emit(parts: Buffer[]): Promise<void> {
    await this.writing;
    for (const p of parts) this.bytes += p.length;
    this.writing = this.sink(parts);
    this.writing.catch(() => undefined);
  }

  private async seal(final: boolean): Promise<void> {
    const plaintext = this.pending.subarray(0, this.filled);
    const parts = this.aead.sealParts(nonceOf(this.index), plaintext, aadOf(this.id, final));
    this.index++;
    const len = Buffer.alloc(4);
    len.writeUInt32BE(parts.reduce((n, p) => n + p.length, 0));
    // The sealed pieces are new buffers: the chunk buffer can be refilled while they are written.
    this.filled = 0;
    await this.emit([len, ...parts]);
  }

  /** The free part of the chunk being filled (never empty: a full chunk is sealed first). */
  async space(): Promise<Buffer> {
    if (this.filled === this.chunkBytes) await this.seal(false);
    return this.pending.subarray(this.filled);
  }

  /** Counts `n` bytes just written into `space()` as plaintext. */
  commit(n: number): void {
    this.filled += n;
  }

  /** Adds plaintext (copied: the caller may reuse its buffer). */
  async write(data: Buffer): Promise<void> {
    let at = 0;
    while (at < data.length) {
      const room = await this.space();
      const n = Math.min(room.length, data.length - at);
      data.copy(room, 0, at, at + n);
      this.commit(n);
      at += n;
    }
  }

  /** Seals what is left as the final chunk (possibly empty) and waits until everything is written. */
  async finish(): Promise<void> {
    await this.seal(true);
    await this.writing;
  }
}

/**
 * Opens an archive: yields its plaintext chunk by chunk, each authenticated before it is yielded. Throws a
 * `BackupIntegrityError` saying which chunk failed, or that the archive is truncated or has trailing bytes.
 */
export async function* readArchive(
  source: AsyncIterable<Uint8Array>,
  aead: Aead,
  id: string,
  where: string,
): AsyncGenerator<Buffer> {
  const r = new ByteReader(source);
  try {
    const head = await r.exact(ARCHIVE_MAGIC.length);
    if (!head.equals(ARCHIVE_MAGIC)) {
      throw new BackupIntegrityError(
        `${where}: not a gongshu backup archive (version 1): the first ${ARCHIVE_MAGIC.length} bytes differ`,
        { where },
      );
    }
    for (let index = 0; ; index++) {
      const start = r.position;
      const len = await r.exact(4);
      if (len.length < 4) {
        throw new BackupIntegrityError(
          `${where}: truncated: the archive ends after ${index} chunks (${start} bytes) without its final chunk`,
          { where, chunk: index },
        );
      }
      const n = len.readUInt32BE();
      if (n > MAX_SEALED || n < aead.tagBytes) {
        throw new BackupIntegrityError(
          `${where}: chunk ${index} (at byte ${start}) declares ${n} bytes: the archive is damaged or altered`,
          { where, chunk: index },
        );
      }
      const sealed = await r.exact(n);
      if (sealed.length < n) {
        throw new BackupIntegrityError(
          `${where}: truncated: chunk ${index} (at byte ${start}) is cut off after ${sealed.length} of ${n} bytes`,
          { where, chunk: index },
        );
      }
      // A chunk opens either as a middle chunk or as the final one; the flag is authenticated.
      const nonce = nonceOf(index);
      let plain = aead.open(nonce, sealed, aadOf(id, false));
      let final = false;
      if (plain === null) {
        plain = aead.open(nonce, sealed, aadOf(id, true));
        final = plain !== null;
      }
      if (plain === null) {
        throw new BackupIntegrityError(
          `${where}: chunk ${index} (bytes ${start}–${start + 4 + n}) does not authenticate: the archive was altered or is damaged`,
          { where, chunk: index },
        );
      }
      yield plain;
      if (final) {
        const extra = await r.some(1);
        if (extra !== null) {
          throw new BackupIntegrityError(
            `${where}: there are bytes after the final chunk: the archive was altered`,
            {
              where,
            },
          );
        }
        return;
      }
    }
  } finally {
    await r.close();
  }
}
