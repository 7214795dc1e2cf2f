/**
 * The archive's inner format is POSIX ustar, so a decrypted archive is an ordinary tar file: a 512-byte header
 * per file, the bytes padded to 512, and two zero blocks at the end. Sizes of 8 GiB and more use the base-256
 * size field (GNU tar and bsdtar read it). Only regular files with relative names are written or accepted.
 */

import type { ByteReader } from './byte-reader.ts';
import { BackupIntegrityError } from './errors.ts';

/** The tar block size. */
export const BLOCK = 512;
/** The end-of-archive marker: two zero blocks. */
export const TAR_END = Buffer.alloc(2 * BLOCK);
const OCTAL_SIZE_LIMIT = 8 * 1024 ** 3;

function writeOctal(buf: Buffer, offset: number, width: number, value: number): void {
  buf.write(`${value.toString(8).padStart(width - 1, '0')}\0`, offset, width, 'ascii');
}

/**
 * The header block(s) of a regular file: ustar, with a GNU long-name entry (`././@LongLink`, type L) before it
 * when the name does not fit the ustar name and prefix fields.
 */
export function tarHeader(name: string, size: number, mtimeMs: number): Buffer {
  let prefix = '';
  let base = name;
  if (Buffer.byteLength(name) > 100) {
    const cut = name.lastIndexOf('/', 155);
    if (
      cut > 0 &&
      Buffer.byteLength(name.slice(0, cut)) <= 155 &&
      Buffer.byteLength(name.slice(cut + 1)) <= 100
    ) {
      prefix = name.slice(0, cut);
      base = name.slice(cut + 1);
    } else {
      const long = Buffer.from(`${name}\0`, 'utf8');
      return Buffer.concat([
        headerBlock('././@LongLink', '', long.length, 0, 'L'),
        long,
        tarPadding(long.length),
        headerBlock(Buffer.from(name).subarray(0, 100).toString('latin1'), '', size, mtimeMs, '0'),
      ]);
    }
  }
  return headerBlock(base, prefix, size, mtimeMs, '0');
}

function headerBlock(base: string, prefix: string, size: number, mtimeMs: number, type: string): Buffer {
  const h = Buffer.alloc(BLOCK);
  h.write(base, 0, 100, type === '0' && /[^\x00-\x7f]/.test(base) ? 'latin1' : 'utf8');
  writeOctal(h, 100, 8, 0o644);
  writeOctal(h, 108, 8, 0);
  writeOctal(h, 116, 8, 0);
  if (size < OCTAL_SIZE_LIMIT) writeOctal(h, 124, 12, size);
  else {
    h[124] = 0x80;
    h.writeBigUInt64BE(BigInt(size), 124 + 4);
  }
  writeOctal(h, 136, 12, Math.floor(mtimeMs / 1000));
  h.write('        ', 148, 8, 'ascii');
  h.write(type, 156, 1, 'ascii');
  h.write('ustar\0', 257, 6, 'ascii');
  h.write('00', 263, 2, 'ascii');
  h.write(prefix, 345, 155, 'utf8');
  let sum = 0;
  for (const b of h) sum += b;
  h.write(`${sum.toString(8).padStart(6, '0')}\0 `, 148, 8, 'ascii');
  return h;
}

/** Zero bytes that pad a file of `size` bytes to a whole block. */
export function tarPadding(size: number): Buffer {
  return Buffer.alloc((BLOCK - (size % BLOCK)) % BLOCK);
}

function cString(buf: Buffer, offset: number, width: number): string {
  const end = buf.indexOf(0, offset);
  return buf.toString('utf8', offset, end < 0 || end > offset + width ? offset + width : end);
}

function parseSize(h: Buffer): number {
  if (h[124]! & 0x80) {
    const n = h.readBigUInt64BE(124 + 4);
    if (n > BigInt(Number.MAX_SAFE_INTEGER) || h.readUInt32BE(124) !== 0x80000000) return Number.NaN;
    return Number(n);
  }
  const text = cString(h, 124, 12).trim();
  return /^[0-7]+$/.test(text) ? Number.parseInt(text, 8) : Number.NaN;
}

/** One file of a tar stream, in order. */
export interface TarEntry {
  readonly name: string;
  readonly size: number;
}

/** Where an entry's bytes go while a tar stream is read. */
export interface TarSink {
  write(bytes: Buffer): Promise<void>;
  end(): Promise<void>;
}

/**
 * Reads a tar stream: for each regular file, `open(entry)` gives the sink its bytes are written to. Refuses
 * anything but regular files with relative names without `..`, a bad header checksum, and a stream that ends
 * early or carries non-zero bytes after the end marker.
 */
export async function readTar(
  reader: ByteReader,
  open: (entry: TarEntry) => Promise<TarSink>,
): Promise<number> {
  let files = 0;
  let longName: string | undefined;
  for (;;) {
    const h = await reader.exact(BLOCK);
    if (h.length < BLOCK)
      throw new BackupIntegrityError('the archive ends inside its file list (no end marker)');
    if (h.every((b) => b === 0)) {
      const second = await reader.exact(BLOCK);
      if (second.length < BLOCK || !second.every((b) => b === 0)) {
        throw new BackupIntegrityError('the archive end marker is incomplete');
      }
      for (let rest = await reader.some(1 << 20); rest !== null; rest = await reader.some(1 << 20)) {
        if (!rest.every((b) => b === 0))
          throw new BackupIntegrityError('the archive has data after its end marker');
      }
      return files;
    }
    let sum = 0;
    for (let i = 0; i < BLOCK; i++) sum += i >= 148 && i < 156 ? 32 : h[i]!;
    const stored = Number.parseInt(cString(h, 148, 8).trim(), 8);
    if (stored !== sum)
      throw new BackupIntegrityError(`file header ${files + 1} of the archive is damaged (checksum)`);
    const prefix = cString(h, 345, 155);
    const type = String.fromCharCode(h[156]!);
    const size = parseSize(h);
    if (type === 'L') {
      if (!Number.isFinite(size) || size > 4096)
        throw new BackupIntegrityError('the archive has a damaged long-name entry');
      const data = await reader.exact(size + tarPadding(size).length);
      if (data.length < size) throw new BackupIntegrityError('the archive ends inside a long-name entry');
      longName = cString(data, 0, size);
      continue;
    }
    const name = longName ?? (prefix ? `${prefix}/${cString(h, 0, 100)}` : cString(h, 0, 100));
    longName = undefined;
    if ((type !== '0' && type !== '\0') || !Number.isFinite(size)) {
      throw new BackupIntegrityError(`archive entry ${JSON.stringify(name)} is not a regular file`);
    }
    if (!name || name.startsWith('/') || name.split('/').some((p) => p === '..' || p === '')) {
      throw new BackupIntegrityError(`archive entry ${JSON.stringify(name)} has an unsafe name`);
    }
    const sink = await open({ name, size });
    let left = size;
    while (left > 0) {
      const piece = await reader.some(Math.min(left, 4 * 1024 * 1024));
      if (piece === null) throw new BackupIntegrityError(`the archive ends inside ${name}`);
      await sink.write(piece);
      left -= piece.length;
    }
    await sink.end();
    const pad = (BLOCK - (size % BLOCK)) % BLOCK;
    if (pad && (await reader.exact(pad)).length < pad)
      throw new BackupIntegrityError(`the archive ends inside ${name}`);
    files++;
  }
}
