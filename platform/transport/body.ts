import { createHash } from 'node:crypto';
import { createWriteStream, mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { PlatformRejection } from '../errors.ts';

/** A request body written to disk. */
export interface SpooledBody {
  readonly file: string;
  readonly bytes: number;
  /** SM3 of the bytes, hex. */
  readonly hash: string;
}

let serial = 0;

/**
 * Streams a request body to a new file in `dir`, hashing it (SM3) on the way, and stops with 413 as soon as it
 * passes `maxBytes` (the file is then deleted). Memory holds one network read at a time, whatever the size.
 */
export async function spoolBody(
  stream: Readable,
  options: { dir: string; maxBytes: number; name: string },
): Promise<SpooledBody> {
  mkdirSync(options.dir, { recursive: true });
  const file = join(options.dir, `${options.name.replace(/[^\w.-]/g, '_')}-${process.pid}-${++serial}.part`);
  const out = createWriteStream(file, { mode: 0o600 });
  const h = createHash('sm3');
  let bytes = 0;
  try {
    for await (const chunk of stream) {
      const b = chunk as Buffer;
      bytes += b.byteLength;
      if (bytes > options.maxBytes) {
        throw new PlatformRejection(
          413,
          'too-large',
          `the body is larger than this node accepts (${options.maxBytes} bytes, platform.maxBodyBytes); nothing was stored. Fix: lower platform.push.chunkBytes on the sender`,
        );
      }
      h.update(b);
      if (!out.write(b)) await new Promise<void>((r) => out.once('drain', () => r()));
    }
    await new Promise<void>((resolve, reject) => out.end((e?: Error | null) => (e ? reject(e) : resolve())));
    return { file, bytes, hash: h.digest('hex') };
  } catch (error) {
    out.destroy();
    rmSync(file, { force: true });
    throw error;
  }
}
